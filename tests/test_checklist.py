"""The checklist question: several yes/no circumstances asked at once, answered by number, name or "none"."""
from __future__ import annotations

import pytest

from actions.checklist import CHECKLIST_FIELDS, ActionAskSituations, checklist_items, read_answer
from actions.form import ValidateProfileForm
from bot.nlu.normalize import normalize
from tests.responses import said

# The action tests' fixtures (the real domain; the policy database and a pinned date) and helpers.
from tests.test_actions import _env, run, slot_events, tracker  # noqa: F401

OFFERED = ["foreign_invested", "hires_foreign_talent", "plans_listing", "overseas_expansion"]


# ---- reading the answer --------------------------------------------------------------------

@pytest.mark.parametrize("text", ["1 3", "1、3", "第一项和第三项", "选1和3"])
def test_numbers_choose_items_and_the_rest_do_not_apply(text):
    answer = read_answer(text, "inform", [], OFFERED)
    assert answer.values == {"foreign_invested": True, "hires_foreign_talent": False, "plans_listing": True,
                             "overseas_expansion": False}
    assert answer.unknown == []


def test_a_count_of_items_is_no_item_number():
    # 「运营公共服务平台和人才培训两项 其他都不涉及」: 两项 counts the items named, it does not choose item 2.
    entities = [{"entity": "foreign_invested", "value": True}, {"entity": "plans_listing", "value": True}]
    answer = read_answer("外资和上市两项 其他都不涉及", "inform", entities, OFFERED)
    assert answer.values == {"foreign_invested": True, "hires_foreign_talent": False, "plans_listing": True,
                             "overseas_expansion": False}


def test_named_circumstances_count_like_numbers_and_negations_are_kept():
    entities = [{"entity": "hires_foreign_talent", "value": True}, {"entity": "plans_listing", "value": False},
                {"entity": "city", "value": "杭州"}]
    answer = read_answer("我们有外籍员工，不打算上市", "inform", entities, OFFERED)
    assert answer.values == {"foreign_invested": False, "hires_foreign_talent": True, "plans_listing": False,
                             "overseas_expansion": False}


@pytest.mark.parametrize("text,intent", [("都没有", "deny"), ("都不符合", "inform"), ("以上都不是", "deny"),
                                         ("别的都不适用", "inform"), ("这些都跟我们不相关", "deny")])
def test_none_apply(text, intent):
    assert read_answer(text, intent, [], OFFERED).values == dict.fromkeys(OFFERED, False)


def test_all_apply():
    assert read_answer("都符合", "affirm", [], OFFERED).values == dict.fromkeys(OFFERED, True)


@pytest.mark.parametrize("text", ["其他那几项目前都没有吧", "上面说的我们都没有", "以上全部都有"])
def test_a_blanket_answer_is_made_of_list_talk(text):
    value = "都有" in text
    assert read_answer(text, "inform", [], OFFERED).values == dict.fromkeys(OFFERED, value)


@pytest.mark.parametrize("text", ["哦对了迪拜那几个布商去年下半年就不做了 现在单子都是柯桥本地的厂",
                                  "公司请了两个西班牙人做审校 都是外籍的", "去年给一个美国客户做过一单 今年没有了"])
def test_a_yes_or_no_about_something_else_is_not_the_lists(text):
    answer = read_answer(text, "inform", [], OFFERED)
    named = {"hires_foreign_talent"} if "外籍" in text else set()  # an item named in words is still said
    assert answer is None or {n for n, v in answer.values.items() if v} == named


def test_the_rest_unclear_stays_unknown():
    answer = read_answer("2，其他不清楚", "inform", [], OFFERED)
    assert answer.values == {"hires_foreign_talent": True}
    assert answer.unknown == ["foreign_invested", "plans_listing", "overseas_expansion"]


@pytest.mark.parametrize("text", ["Not sure yet, 我们在中国还没有公司", "不清楚，我们这边还没有注册公司"])
def test_unsure_beside_a_no_about_something_else_stays_unknown(text):
    # A wrong no to every item is no answer: the unsure decides when the no may speak of something else.
    answer = read_answer(text, "inform", [], OFFERED)
    assert answer.unknown == OFFERED and not answer.values


def test_all_unclear_and_not_understood():
    assert read_answer("不清楚", "dont_know", [], OFFERED).unknown == OFFERED
    assert read_answer("你们几点下班", "inform", [], OFFERED) is None
    assert read_answer("9", "inform", [], OFFERED) is None  # no such item


def test_checklist_only_when_a_circumstance_is_next_and_two_are_open():
    assert checklist_items(["service_types", "hires_foreign_talent", "plans_listing"]) == []
    assert checklist_items(["hires_foreign_talent", "offshore"]) == []
    assert checklist_items(["hires_foreign_talent", "offshore", "plans_listing"]) == ["hires_foreign_talent",
                                                                                      "plans_listing"]
    assert "offshore" not in CHECKLIST_FIELDS and "financial_institution" in CHECKLIST_FIELDS


# ---- in the form ---------------------------------------------------------------------------

ZHEJIANG_CORE = {"city": "杭州", "service_types": ["ITO"], "offshore": True, "fields": ["software_it"]}


async def test_form_asks_the_checklist_after_the_core_questions(domain):
    _, events = await run(ValidateProfileForm(), tracker(ZHEJIANG_CORE, requested="fields"), domain)
    assert slot_events(events)["requested_slot"] == "situations"


async def test_checklist_lists_exactly_the_open_circumstances(domain):
    dispatcher, events = await run(ActionAskSituations(), tracker(ZHEJIANG_CORE, requested="situations"), domain)
    items = slot_events(events)["checklist"]
    assert len(items) >= 2 and set(items) <= set(CHECKLIST_FIELDS)
    text = said(dispatcher.messages[0], domain)
    assert all(f"{i}. " in text for i in range(1, len(items) + 1)) and "都没有" in text
    assert [i["field"] for i in dispatcher.messages[0]["custom"]["items"]] == items


async def test_checklist_answer_fills_the_fields_and_the_form_moves_on(domain):
    dispatcher, events = await run(ActionAskSituations(), tracker(ZHEJIANG_CORE, requested="situations"), domain)
    items = slot_events(events)["checklist"]
    t = tracker({**ZHEJIANG_CORE, "checklist": items}, intent="inform", text="1", requested="situations")
    # As Rasa sends it: the reply, then the form's own action event (nothing extracted by Rasa).
    t.events = t.events[:2] + [{"event": "action", "name": "profile_form"}]
    dispatcher, events = await run(ValidateProfileForm(), t, domain)
    values = slot_events(events)
    assert values[items[0]] is True and all(values[f] is False for f in items[1:])
    assert values["requested_slot"] != "situations" and not dispatcher.messages


async def test_checklist_items_left_unclear_are_remembered_as_skipped(domain):
    slots = {**ZHEJIANG_CORE, "checklist": ["foreign_invested", "hires_foreign_talent", "plans_listing"]}
    t = tracker(slots, intent="inform", text="2，其他不清楚", requested="situations")
    t.events = t.events[:2] + [{"event": "action", "name": "profile_form"}]
    _, events = await run(ValidateProfileForm(), t, domain)
    values = slot_events(events)
    assert values["hires_foreign_talent"] is True
    assert values["skipped_fields"] == ["foreign_invested", "plans_listing"]
    assert values["requested_slot"] not in ("foreign_invested", "plans_listing")  # skipped: never asked again


async def test_checklist_not_understood_gets_its_own_hint_then_is_skipped(domain):
    slots = {**ZHEJIANG_CORE, "checklist": ["foreign_invested", "hires_foreign_talent"]}
    t = tracker(slots, intent="inform", text="嗯", requested="situations")
    t.events = t.events[:2]
    dispatcher, events = await run(ValidateProfileForm(), t, domain)
    assert dispatcher.messages[0]["response"] == "utter_did_not_understand_checklist"
    t = tracker({**slots, "misunderstood_turns": 1}, intent="inform", text="嗯", requested="situations")
    t.events = t.events[:2]
    dispatcher, events = await run(ValidateProfileForm(), t, domain)
    assert slot_events(events)["skipped_fields"] == ["foreign_invested", "hires_foreign_talent"]


async def test_checklist_interrupted_by_a_question_is_left_to_the_rules(domain):
    slots = {**ZHEJIANG_CORE, "checklist": ["foreign_invested", "hires_foreign_talent"]}
    t = tracker(slots, intent="ask_topic", text="第1项是什么政策", requested="situations")
    t.events = t.events[:2]
    dispatcher, events = await run(ValidateProfileForm(), t, domain)
    assert "foreign_invested" not in slot_events(events) and dispatcher.messages == []


def test_unclear_items_by_number_and_the_rest_ruled_out():
    answer = read_answer("第2项不清楚，其他都没有", "inform", [], OFFERED)
    assert answer.unknown == ["hires_foreign_talent"]
    assert answer.values == {"foreign_invested": False, "plans_listing": False, "overseas_expansion": False}
    answer = read_answer("1，第3、4项不清楚", "inform", [], OFFERED)
    assert answer.values == {"foreign_invested": True, "hires_foreign_talent": False}
    assert answer.unknown == ["plans_listing", "overseas_expansion"]


@pytest.mark.parametrize("text", ["都是国内的", "单子都是本地的"])
def test_all_of_something_else_is_no_yes_to_the_list(text):
    # 都是 of the clients (「都是国内的」) said at the checklist turned every item true: a wrong yes costs most.
    answer = read_answer(text, "inform", [], OFFERED)
    assert answer is None or not any(answer.values.values())


def test_a_blanket_no_that_opens_the_answer_is_the_lists():
    # 「啥也没有 就是正经接电话的」: the list's no, then what the firm does.
    assert read_answer("啥也没有 就是正经接电话的", "nlu_fallback", [], OFFERED).values == dict.fromkeys(OFFERED, False)


def test_a_head_count_or_a_share_is_no_item_number():
    # 「Team of 45 people, 3 of us are foreigners … 100% domestic capital」 chose item 3 (and made the firm foreign).
    answer = read_answer("Team of 45 people, 3 of us are foreigners. The company is 100% domestic capital", "inform",
                         [], OFFERED)
    assert answer is None or not answer.values.get("plans_listing")
    assert read_answer("1 3", "inform", [], OFFERED).values["plans_listing"] is True


def test_what_is_anothers_affair_answers_nothing_for_the_firm():
    # 「上市是母公司的事，跟我们无关」 named 上市 and was read as a yes.
    answer = read_answer("上市是母公司的事，跟我们无关，其他也都没有", "inform", [], OFFERED)
    assert answer.values == dict.fromkeys(OFFERED, False)


def test_a_blanket_no_then_an_unsure_item_after_a_space():
    # 「这几个都没有 技术先进型那个我不确定」: one clause, read as unsure of everything.
    answer = read_answer("这几个都没有 上市那个我不确定", "inform", [], OFFERED)
    assert answer.unknown == ["plans_listing"]
    assert answer.values == {"foreign_invested": False, "hires_foreign_talent": False, "overseas_expansion": False}


def test_two_items_answered_apart_with_a_space_between():
    # 「培训这项有 示范机构那个不确定 其他都没有」: the unsure was the second item's only; the first is a yes.
    offered = ["provides_training", "runs_park", "training_demo_recognized"]
    answer = read_answer("培训这项有 示范机构那个不确定 其他都没有", "inform", [], offered)
    assert answer.values == {"provides_training": True, "runs_park": False}
    assert answer.unknown == ["training_demo_recognized"]


def test_a_certification_still_applied_for_is_not_held():
    # 「示范机构还在申报中，没批」 named the item and was read as a yes (a wrong yes: the measure for certified ones).
    offered = ["runs_park", "runs_platform", "training_demo_recognized"]
    answer = read_answer("示范机构在审批中 还没批下来 其他都没有", "inform", [], offered)
    assert answer.values == dict.fromkeys(offered, False)
    answer = read_answer("示范机构去年评上了 其他都没有", "inform", [], offered)
    assert answer.values == {"runs_park": False, "runs_platform": False, "training_demo_recognized": True}


def test_what_the_list_asks_in_a_dialect_is_understood():
    # 吴语 「上头介些阿拉侪没额」 was not understood twice and the question was skipped.
    answer = read_answer(normalize("上头介些阿拉侪没额"), "inform", [], OFFERED)
    assert answer.values == dict.fromkeys(OFFERED, False)


def test_a_parks_tenants_answer_nothing_of_the_list():
    # 「园区」 names the park item, but the park's tenants are someone else: only the firm's own no is read.
    answer = read_answer("园区里好多德国法国的外资公司 我们不是外资", "inform", [],
                         ["runs_park", "foreign_invested", "provides_training"])
    assert answer.values == {"foreign_invested": False}
