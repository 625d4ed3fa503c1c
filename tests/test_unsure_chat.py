"""「不清楚」 is never a yes, through the REST channel with the trained model (issue 24): at the checklist, at a
yes/no question and in an opening, the facts the firm is unsure of stay unknown, are not asked again, and the
reply says which facts stay open; no measure that needs them is shown as eligible."""
from __future__ import annotations

import pytest

from tests.test_e2e import Chat, checklist_of, results_of

ORDINARY = "这个没有"




def _eligible_needing(payload: dict, fields: set[str]) -> list[str]:
    """Eligible measures that would not be eligible were these facts no: shown on the strength of an unsure yes."""
    import datetime as dt

    from policies_db import CompiledCatalogue, evaluate_compiled, load_catalogue

    profile = {**payload["profile"], **{f: False for f in fields}}
    still = {r.id for r in evaluate_compiled(CompiledCatalogue(load_catalogue()), profile, dt.date(2026, 11, 22)).eligible}
    return [e["id"] for e in payload["eligible"] if e["id"] not in still]


def _until_results(chat: Chat, replies: list[dict], answer) -> list[dict]:
    for _ in range(20):
        if any((m.get("custom") or {}).get("type") == "eligibility_results" for m in replies):
            return replies
        requested = chat.slots()["requested_slot"]
        replies = chat.say(answer(requested, replies))
    raise AssertionError("no results")


def test_unsure_items_at_the_checklist_stay_unknown_and_the_rest_no(servers):
    chat = Chat(servers["api"])
    replies = chat.say("我们在杭州，做软件外包，有日本客户，国内客户也有")
    asked_checklist = {"n": 0}

    def answer(requested, replies):
        if requested == "situations":
            asked_checklist["n"] += 1
            return "外资和技术先进型这两项我不清楚，要问财务；其他都没有"
        if requested in ("foreign_invested", "tech_advanced_certified"):
            return "这个我不清楚，要问财务"
        return ORDINARY

    replies = _until_results(chat, replies, answer)
    slots = chat.slots()
    assert slots["foreign_invested"] is None and slots["tech_advanced_certified"] is None
    assert {"foreign_invested", "tech_advanced_certified"} <= set(slots["skipped_fields"] or [])
    assert not _eligible_needing(results_of(replies), {"foreign_invested", "tech_advanced_certified"})


@pytest.mark.parametrize("phrase", ["外资这块我不清楚，要问财务", "外资可能有吧，我得问问老板", "外资待确认"])
def test_unsure_in_an_opening_sets_nothing_and_says_so(servers, phrase):
    chat = Chat(servers["api"])
    replies = chat.say(f"我们在宁波，做呼叫中心外包，{phrase}")
    text = "\n".join(m.get("text") or "" for m in replies)
    slots = chat.slots()
    assert slots["foreign_invested"] is None
    assert "foreign_invested" in (slots["skipped_fields"] or [])
    assert "不清楚" in text and "外商投资企业" in text
    replies = _until_results(chat, replies, lambda requested, _: ORDINARY)
    assert chat.slots()["foreign_invested"] is None
    assert not _eligible_needing(results_of(replies), {"foreign_invested"})


def test_unsure_at_a_yes_no_question_is_no_yes(servers):
    chat = Chat(servers["api"])
    replies = chat.say("我们在武汉，做ITO软件开发")
    for _ in range(12):
        requested = chat.slots()["requested_slot"]
        if requested in (None, "situations"):
            break
        if requested not in ("city", "service_types", "fields", "employees"):
            chat.say("可能有吧，要问问财务")
            slots = chat.slots()
            assert slots[requested] is None, requested
            assert requested in (slots["skipped_fields"] or [])
            return
        replies = chat.say(ORDINARY)
    pytest.skip(f"no yes/no question was asked before the checklist: {checklist_of(replies) if replies else ''}")


@pytest.mark.parametrize("opening, sme", [("我们是武汉的软件外包公司，25个人，做ITO", True),
                                          ("我们是武汉的软件外包公司，8000人，做ITO", False)])
def test_the_head_count_settles_sme_by_the_national_standard(servers, opening, sme):
    """Issue 19: a firm of 25 or 8,000 is not asked whether it is an SME; it is told on what the assistant
    decided, and 「其他都有」 at the checklist cannot make the 8,000-person firm one."""
    chat = Chat(servers["api"])
    replies = chat.say(opening)
    text = "\n".join(m.get("text") or "" for m in replies)
    assert chat.slots()["is_sme"] is sme
    assert "中小企业划型标准规定" in text

    def answer(requested, replies):
        assert requested != "is_sme"
        if requested == "situations":
            assert "is_sme" not in checklist_of(replies)
            return "其他都有"
        return ORDINARY

    _until_results(chat, replies, answer)
    assert chat.slots()["is_sme"] is sme


def test_an_unknown_place_is_asked_at_most_twice_then_the_form_goes_on(servers):
    chat = Chat(servers["api"])
    chat.say("你好")
    asked = 0
    for _ in range(6):
        if chat.slots()["requested_slot"] != "city":
            break
        asked += 1
        chat.say("我们在火星基地")
    assert asked <= 2
    assert chat.slots()["requested_slot"] != "city"
