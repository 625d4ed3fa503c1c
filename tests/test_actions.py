"""Custom actions against tracker fixtures and the real domain (as in RasaHQ/financial-demo)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.form import ValidateProfileForm
from actions.handoff import ActionHandoff
from actions.questions import ActionAnswerMeasure, ActionFallbackLookup, ActionTopicLookup
from actions.results import ActionExplainIneligible, ActionShowResults
from bot.handoff import queue as handoff_queue
from tests.responses import said

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _env(policy_db, monkeypatch):
    monkeypatch.setenv("POLICY_AS_OF", "2026-11-22")


def tracker(slots=None, intent="inform", text="", entities=None, requested=None, form=True, events=None):
    slot_values = {"requested_slot": requested, **(slots or {})}
    # The form validation reads the slot candidates from the events after the last non-slot event.
    slot_events = [{"event": "slot", "name": k, "value": v} for k, v in (slots or {}).items()]
    return Tracker.from_dict({
        "sender_id": "test-firm",
        "slots": slot_values,
        "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": entities or []},
        "events": (events or [{"event": "action", "name": "action_listen"},
                              {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}]) + slot_events,
        "active_loop": {"name": "profile_form"} if form else {},
        "latest_action_name": "action_listen",
    })


def slot_events(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def run(action, t, domain):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, domain)
    return dispatcher, events


# ---- the adaptive form --------------------------------------------------------------------

async def test_form_asks_city_first(domain):
    _, events = await run(ValidateProfileForm(), tracker(), domain)
    assert slot_events(events)["requested_slot"] == "city"


async def test_form_never_asks_what_one_message_already_said(domain):
    slots = {"city": "宁波", "foreign_invested": True, "offshore": True, "fields": ["business_operations"],
             "hires_foreign_talent": True}
    _, events = await run(ValidateProfileForm(), tracker(slots, requested="city"), domain)
    values = slot_events(events)
    assert values["city"] == "宁波" and values["offshore"] is True
    assert values["requested_slot"] not in slots
    assert values["requested_slot"] == "service_types"  # decides the most open Zhejiang measures


async def test_no_outsourcing_at_the_offshore_question_answers_it_too(domain):
    """「服务外包不接的，阿拉是卖产品出口」 at the offshore question: no outsourcing, so none abroad — also now that the
    reader gives 「不做外包」 as an empty type list (it had counted as a type said, and the question came back)."""
    text = "服务外包不接的，阿拉是卖产品出口"
    entities = [{"entity": "service_types", "value": [], "start": 0, "end": 6}]
    t = tracker({"city": "宁波", "service_types": [[]]}, text=text, entities=entities, requested="offshore")
    _, events = await run(ValidateProfileForm(), t, domain)
    assert slot_events(events)["offshore"] is False


async def test_none_of_the_fields_listed_is_an_answer(domain):
    """「工程咨询，你列的那些都对不上」 to the fields question was 「没有听明白」 twice, then skipped."""
    t = tracker({"city": "武汉", "service_types": ["KPO"]}, text="工程咨询，你列的那些都对不上", requested="fields")
    _, events = await run(ValidateProfileForm(), t, domain)
    assert slot_events(events)["fields"] == []


async def test_a_bare_figure_after_a_correction_cue_corrects_the_head_count(domain):
    """「正式员工68个」 then 「打错了 86个」: the only figure of a profile is the head count; 86 replaces 68."""
    t = tracker({"city": "绍兴", "service_types": ["BPO"]}, text="打错了 86个", requested="fields")
    t.slots["employees"] = 68
    _, events = await run(ValidateProfileForm(), t, domain)
    assert slot_events(events)["employees"] == 86
    t = tracker({"city": "绍兴", "service_types": ["BPO"]}, text="说错了 我们在杭州", requested="fields")
    t.slots["employees"] = 68
    _, events = await run(ValidateProfileForm(), t, domain)
    assert "employees" not in slot_events(events)


async def test_nothing_else_done_at_the_type_question_is_no_outsourcing(domain):
    """「我们自己就是饭店 别的啥都不做」 to 「承接哪类服务外包业务」: none — while 「做软件 别的啥都不做」 names its work."""
    t = tracker({"city": "杭州"}, text="我们自己就是饭店 别的啥都不做", requested="service_types")
    _, events = await run(ValidateProfileForm(), t, domain)
    assert slot_events(events)["service_types"] == []
    entities = [{"entity": "fields", "value": "software_it", "start": 2, "end": 4}]
    t = tracker({"city": "杭州"}, text="我们做软件 别的啥都不做", entities=entities, requested="service_types")
    _, events = await run(ValidateProfileForm(), t, domain)
    assert slot_events(events).get("service_types") != []


async def test_a_past_said_of_another_fact_is_no_answer_to_the_question(domain):
    """At the offshore question, 「疫情那年受委托做过新冠疫苗的实验 现在这块业务已经停了」: the work that stopped is the
    COVID commission the message names, not business abroad (it had been recorded as none)."""
    text = "疫情那年受一家疫苗公司委托做过新冠疫苗的动物实验 现在这块业务已经停了"
    entities = [{"entity": "covid_commissioned", "value": True, "start": 0, "end": 20}]
    t = tracker({"city": "武汉", "service_types": ["KPO"]}, text=text, entities=entities, requested="offshore")
    _, events = await run(ValidateProfileForm(), t, domain)
    assert "offshore" not in slot_events(events)


async def test_several_terms_asked_together_are_each_explained(domain):
    """「ITO BPO KPO到底啥区别」: all three, not the last one named."""
    from actions.explain import ActionExplain

    t = tracker({"city": "杭州"}, intent="explain", text="ITO BPO KPO到底啥区别 表上那几个我看不懂", form=False)
    dispatcher, _ = await run(ActionExplain(), t, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_explain_ito", "utter_explain_bpo", "utter_explain_kpo"]


async def test_not_understood_again_after_the_explanation_leaves_the_question(domain):
    """Sealed V: 「不太懂」 three times at the type question got the same explanation three times; the second time, the
    question is left unknown (skipped) and the form goes on."""
    from actions.explain import ActionExplain, question_explanation

    explained, _ = question_explanation("service_types")
    events = [{"event": "bot", "metadata": {"utter_action": "utter_ask_service_types"}},
              {"event": "user", "text": "不太懂", "parse_data": {"intent": {"name": "explain"}}},
              {"event": "bot", "metadata": {"utter_action": explained}},
              {"event": "bot", "metadata": {"utter_action": "utter_ask_service_types"}},
              {"event": "user", "text": "不太懂", "parse_data": {"intent": {"name": "explain"}}}]
    t = tracker({"city": "武汉"}, intent="explain", text="不太懂", requested="service_types", events=events)
    dispatcher, events = await run(ActionExplain(), t, domain)
    assert dispatcher.messages[0]["response"] == "utter_skip_ok"
    assert slot_events(events)["skipped_fields"] == ["service_types"]
    first = tracker({"city": "武汉"}, intent="explain", text="不太懂", requested="service_types")
    dispatcher, _ = await run(ActionExplain(), first, domain)
    assert dispatcher.messages[0]["response"] == explained


async def test_form_normalizes_values(domain):
    _, events = await run(ValidateProfileForm(), tracker({"city": "杭州市滨江区", "service_types": ["ito", "ITO"]},
                                                         requested="city"), domain)
    values = slot_events(events)
    assert values["city"] == "杭州" and values["service_types"] == ["ITO"]


async def test_form_stops_when_nothing_is_undetermined(domain):
    _, events = await run(ValidateProfileForm(), tracker({"city": "上海"}, requested="city"), domain)
    assert slot_events(events)["requested_slot"] is None


async def test_dont_know_skips_the_field_and_moves_on(domain):
    t = tracker({"city": "杭州"}, intent="dont_know", text="不清楚", requested="service_types")
    t.events = t.events[:-1]  # nothing extracted this turn
    dispatcher, events = await run(ValidateProfileForm(), t, domain)
    values = slot_events(events)
    assert values["skipped_fields"] == ["service_types"]
    assert values["requested_slot"] == "offshore"
    assert dispatcher.messages[0]["response"] == "utter_skip_ok"


async def test_unusable_answer_is_asked_again_not_dropped(domain):
    t = tracker({"city": "杭州"}, intent="affirm", text="是的", requested="service_types")
    t.events = t.events[:-1]
    dispatcher, events = await run(ValidateProfileForm(), t, domain)
    assert dispatcher.messages[0]["response"] == "utter_did_not_understand_list"
    assert slot_events(events)["misunderstood_turns"] == 1
    t = tracker({"city": "杭州", "service_types": ["ITO"]}, intent="inform", text="下周再说", requested="offshore")
    t.events = t.events[:-2]
    dispatcher, _ = await run(ValidateProfileForm(), t, domain)
    assert dispatcher.messages[0]["response"] == "utter_did_not_understand"  # yes/no question: yes/no hint


async def test_someone_elses_facts_are_understood_not_misunderstood(domain):
    # 「工程师很多是从大连、上海过来的」: the reader sets the places aside (an `aside` entity) — said so, asked again.
    t = tracker({"city": "舟山", "service_types": ["KPO"]}, intent="inform", text="工程师很多是从大连、上海过来的",
                entities=[{"entity": "aside", "value": "others", "start": 0, "end": 15}], requested="offshore")
    t.events = t.events[:-2]
    dispatcher, events = await run(ValidateProfileForm(), t, domain)
    assert dispatcher.messages[0]["response"] == "utter_aside_noted"
    assert "没有听明白" not in said(dispatcher.messages[0], domain)
    assert slot_events(events)["requested_slot"] == "offshore" and not slot_events(events)["misunderstood_turns"]
    # a slot event besides requested_slot keeps the form: with none, Rasa rejects it and its fallback says 「没有理解」
    assert set(slot_events(events)) - {"requested_slot"}


async def test_design_for_makers_said_later_is_producer_services(domain):
    # 「客户主要是东风系的几个主机厂」 after the design work was said: the reader marks the makers, the form adds the field.
    t = tracker({"city": "武汉", "service_types": ["KPO"], "fields": ["design"]}, intent="inform",
                text="客户主要是东风系的几个主机厂", requested="offshore",
                entities=[{"entity": "makers_clients", "value": "makers", "start": 0, "end": 14}])
    _, events = await run(ValidateProfileForm(), t, domain)
    assert slot_events(events)["fields"] == ["design", "producer_services"]
    t = tracker({"city": "武汉", "service_types": ["ITO"], "fields": ["software_it"]}, intent="inform",
                text="客户主要是东风系的几个主机厂", requested="offshore",
                entities=[{"entity": "makers_clients", "value": "makers", "start": 0, "end": 14}])
    _, events = await run(ValidateProfileForm(), t, domain)
    assert slot_events(events)["fields"] == ["software_it"]  # software for makers is IT outsourcing only


async def test_interruptions_are_left_to_the_rules(domain):
    t = tracker({"city": "杭州"}, intent="ask_why_not", text="为什么不能享受零税率", requested="service_types")
    t.events = t.events[:-1]
    dispatcher, events = await run(ValidateProfileForm(), t, domain)
    assert dispatcher.messages == []
    assert "misunderstood_turns" not in slot_events(events)


# ---- results -------------------------------------------------------------------------------

async def test_results_text_and_payload(domain):
    slots = {"city": "杭州", "service_types": ["ITO"], "offshore": True, "hires_foreign_talent": False}
    dispatcher, _ = await run(ActionShowResults(), tracker(slots, form=False), domain)
    [message] = dispatcher.messages
    text, payload = message["text"], message["custom"]
    assert "离岸服务外包零税率或免税优惠｜联系：杭州市商务局（协同单位：浙江省商务厅）" in text  # city bureau leads
    assert "执行期已满（2025年底），相关措施请向部门确认是否延续" in text and "已到期" in text  # the plan ended 2025
    assert "可以享受" not in text  # never beside an expired plan
    assert text.index("【申请类政策】") < text.index("【服务类措施】")  # grouped by kind, what to apply for first
    assert text.index("建议下一步") < text.index("【申请类政策】")  # the summary comes first
    assert "【还需确认】" in text
    assert payload["type"] == "eligibility_results" and payload["as_of"] == "2026-11-22"
    eligible = {e["id"]: e for e in payload["eligible"]}
    assert eligible["zj-offshore-zero-rate"]["in_force"] is False
    assert [c["name"] for c in eligible["zj-offshore-zero-rate"]["contacts"]] == ["浙江省商务厅", "杭州市商务局"]
    assert all("missing" in e for e in payload["undetermined"])
    assert {e["id"] for e in payload["ineligible"]} >= {"zj-foreign-talent", "wh-export-credit"}
    assert all(e["reasons"] for e in payload["ineligible"])
    zero = eligible["zj-offshore-zero-rate"]
    assert zero["status_text"] == "符合条件；文件执行期已满（2025年底），请向部门确认是否延续"
    assert zero["lead_contact"] == "杭州市商务局" and zero["partner_contacts"] == ["浙江省商务厅"]
    assert "原文未规定，以部门通知为准" in zero["next_step"]
    assert payload["summary"][0].startswith("根据您提供的信息") and len(payload["summary"]) <= 3
    assert [f["field"] for f in payload["recap"]][:2] == ["city", "service_types"]


async def test_results_outside_coverage_name_the_covered_regions(domain):
    dispatcher, _ = await run(ActionShowResults(), tracker({"city": "上海"}, form=False), domain)
    text = dispatcher.messages[0]["text"]
    assert "上海" in text and "浙江省" in text and "武汉市" in text
    assert dispatcher.messages[0]["custom"]["eligible"] == []


async def test_explain_ineligible_gives_reasons_and_what_would_change(domain):
    slots = {"city": "武汉", "service_types": ["BPO"], "offshore": False, "fields": ["design"]}
    dispatcher, _ = await run(ActionExplainIneligible(), tracker(slots, form=False), domain)
    text = dispatcher.messages[0]["text"]
    assert "服务外包出口信用保险：需承接国际（离岸）服务外包项目（贵公司：暂无离岸业务）" in text
    assert "若贵公司承接国际（离岸）服务外包项目，即可符合条件。" in text
    assert "零税率" not in text  # other regions' measures are not "missed"


# ---- questions about measures -----------------------------------------------------------------

def ask(intent, phrase, slots=None, city=None):
    entities = [{"entity": "policy", "value": phrase, "start": 0, "end": len(phrase)}]
    if city:
        entities.append({"entity": "city", "value": city})
    return tracker(slots or {}, intent=intent, text=phrase, entities=entities, form=False)


async def test_why_not_gives_reasons_and_what_if(domain):
    firm = {"city": "杭州", "service_types": ["ITO"], "offshore": False}
    dispatcher, _ = await run(ActionAnswerMeasure(), ask("ask_why_not", "零税率", firm), domain)
    text = dispatcher.messages[0]["text"]
    assert "需承接离岸服务外包业务（贵公司：暂无离岸业务）" in text
    assert "若贵公司承接离岸服务外包业务，即可符合条件" in text


async def test_conditions_cite_the_source(domain):
    dispatcher, _ = await run(ActionAnswerMeasure(), ask("ask_conditions", "出口信贷", {"city": "武汉"}), domain)
    text = dispatcher.messages[0]["text"]
    assert "承接国际（离岸）服务外包项目" in text
    assert "三（三）9. 强化信贷和信用保险支持" in text
    assert "符合条件的服务外包企业承接国际服务外包项目可享受出口信贷优惠措施" in text


async def test_a_covered_regions_measure_asked_from_outside_says_it_does_not_apply_first(domain):
    """「浙江那个离岸零税率 我们南京的能用不」: the measure's conditions alone read as if a Nanjing firm could use it."""
    text = "浙江那个离岸零税率 我们南京的能用不"
    entities = [{"entity": "region", "value": "浙江", "start": 0, "end": 2},
                {"entity": "policy", "value": "零税率", "start": 6, "end": 9}]
    t = tracker({"city": "南京", "province": "江苏"}, intent="ask_conditions", text=text, entities=entities, form=False)
    dispatcher, _ = await run(ActionAnswerMeasure(), t, domain)
    first = dispatcher.messages[0]["text"]
    assert "南京" in first and "暂不适用" in first
    assert "离岸服务外包零税率或免税优惠" in dispatcher.messages[1]["text"]


async def test_a_question_naming_a_place_of_two_cities_is_still_answered(domain):
    """「普陀区的 … 那个外资企业的政策能享受吗」: 普陀区 is Shanghai's and Zhoushan's; the question had crashed the action."""
    text = "普陀区的 做海洋渔业大数据 外资企业的政策能享受吗"
    entities = [{"entity": "region", "value": "普陀区", "start": 0, "end": 3},
                {"entity": "policy", "value": "外资企业", "start": 17, "end": 21}]
    t = tracker({}, intent="ask_conditions", text=text, entities=entities, form=False)
    dispatcher, _ = await run(ActionAnswerMeasure(), t, domain)
    assert dispatcher.messages


async def test_a_measure_whose_text_names_no_unit_says_so_and_whom_to_ask(domain):
    """Zhejiang's plan names no 责任单位 for its risk compensation: the answer says so, then names the issuer and the
    firm's city bureau (the document's default contacts) — not as if the text had named them."""
    firm = {"city": "杭州", "financial_institution": True}
    dispatcher, _ = await run(ActionAnswerMeasure(), ask("ask_contact", "风险补偿", firm), domain)
    text = dispatcher.messages[0]["text"]
    assert "原文未列明责任单位" in text and "浙江省商务厅" in text and "杭州市商务局" in text
    # 「补偿标准谁说了算」: what the text says of who decides comes with it (its 需向部门确认 note)
    assert "以主管部门规定为准" in text


async def test_this_measure_is_the_one_the_assistant_last_answered_about(domain):
    """「这条具体找哪个部门」 after an answer about 「剥离非核心业务、购买运营服务」, with 「医院没这方面的」 between: that measure
    (「这方面」 had matched another measure's 「等方面」)."""
    events = [{"event": "user", "text": "像我们这种买服务的医院 有相关政策吗", "parse_data": {"intent": {"name": "ask_conditions"}}},
              {"event": "bot", "text": "「剥离非核心业务、购买运营服务」的适用条件：在武汉市注册经营；…"},
              {"event": "user", "text": "医院没这方面的", "parse_data": {"intent": {"name": "deny"}}},
              {"event": "bot", "text": "以下几项中，哪些符合贵公司的情况？"},
              {"event": "user", "text": "这条具体找哪个部门", "parse_data": {"intent": {"name": "ask_contact"}}}]
    t = tracker({"city": "武汉", "soe_or_hospital": True, "service_types": []}, intent="ask_contact",
                text="这条具体找哪个部门", form=False, events=events)
    dispatcher, _ = await run(ActionAnswerMeasure(), t, domain)
    assert "「剥离非核心业务、购买运营服务」" in dispatcher.messages[0]["text"] and "卫健委" in dispatcher.messages[0]["text"]


async def test_that_one_is_the_firms_last_question_not_its_answers_between(domain):
    """Sealed U: 「那条谁负责」 after the results; the firm's last question was about the platform fund, its answers to the form
    since (「我们自己不接外包项目」) matched export credit by their words and were taken for the question's topic."""
    def user(text, intent):
        return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}

    events = [user("公共服务平台那个专项资金 申报要交什么材料", "ask_process"), {"event": "bot", "text": "…"},
              user("我们自己不接外包项目", "inform"), user("没有", "deny"), user("没有", "deny"),
              user("那条谁负责", "ask_contact")]
    t = tracker({"city": "武汉", "runs_platform": True, "service_types": []}, intent="ask_contact", text="那条谁负责",
                form=False, events=events)
    dispatcher, _ = await run(ActionAnswerMeasure(), t, domain)
    text = dispatcher.messages[0]["text"]
    assert "区人民政府" in text and "出口信贷" not in text


async def test_which_department_for_these_policies_names_the_usual_lead(domain):
    """「这些政策一般是归哪个部门管啊」 after the results: each has its own, and whom to ask first (the unit most of the
    firm's region's measures list first — 武汉市商务局 in Wuhan), not one measure picked by the message's words."""
    t = tracker({"city": "武汉", "service_types": ["ITO"]}, intent="ask_contact", text="这些政策一般是归哪个部门管啊", form=False)
    dispatcher, _ = await run(ActionAnswerMeasure(), t, domain)
    assert dispatcher.messages[0]["response"] == "utter_contact_needs_measure"
    assert "武汉市商务局" in dispatcher.messages[1]["text"]


async def test_contact_lists_responsible_units_verbatim(domain):
    dispatcher, _ = await run(ActionAnswerMeasure(), ask("ask_contact", "出口信用保险", {"city": "武汉"}), domain)
    text = dispatcher.messages[0]["text"]
    # In the document's order and names; a body renamed since (2023) with its current name beside it.
    assert "湖北银保监局（现国家金融监督管理总局湖北监管局）、武汉市金融工作局、中国出口信用保险公司湖北分公司" in text
    assert "电话" in text and not re.search(r"\d{5,}", text)  # no invented phone numbers


async def contact_answer(domain, text: str, phrase: str) -> str:
    """A Wuhan firm's 「找谁」 answer to `text`, the reader having found the measure phrase `phrase` in it."""
    start = text.index(phrase)
    entities = [{"entity": "policy", "value": phrase, "start": start, "end": start + len(phrase)}]
    t = tracker({"city": "武汉"}, intent="ask_contact", text=text, entities=entities, form=False)
    dispatcher, _ = await run(ActionAnswerMeasure(), t, domain)
    return dispatcher.messages[0]["text"]


async def test_a_deadline_asked_beside_whom_to_contact_is_answered_too(domain):
    """Sealed R: 「一是培训这块归哪个部门管 二是有没有截止时间」 got the departments and nothing on the deadline."""
    text = "问两个事 一是出口信用保险归哪个部门管 二是有没有截止时间"
    start = text.index("出口信用保险")
    entities = [{"entity": "policy", "value": "出口信用保险", "start": start, "end": start + 6}]
    t = tracker({"city": "武汉"}, intent="ask_contact", text=text, entities=entities, form=False)
    dispatcher, _ = await run(ActionAnswerMeasure(), t, domain)
    assert "湖北银保监局" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[1] == {**dispatcher.messages[1], "response": "utter_process_also_not_in_source",
                                      "aspects": "办理时限"}
    assert "未规定" in said(dispatcher.messages[1], domain)


async def test_words_around_a_question_name_no_measure(domain):
    """Sealed R: 「股权那个 找谁问比较好」 answered with 各区特色服务集聚园区 (比较 from its 比较优势)."""
    t = tracker({"city": "武汉"}, intent="ask_contact", text="股权那个 找谁问比较好", form=False)
    dispatcher, _ = await run(ActionAnswerMeasure(), t, domain)
    assert "股权激励" in dispatcher.messages[0]["text"] and "集聚园区" not in dispatcher.messages[0]["text"]


async def test_a_department_named_without_a_measure_chooses_the_firms_measures_that_list_it(domain):
    """Sealed S: a Wuhan state-owned buyer's 「这种情况找哪个部门 国资委还是商务局」 got 开拓境外市场's departments."""
    facts = {"city": "武汉", "service_types": [], "soe_or_hospital": True}
    t = tracker(facts, intent="ask_contact", text="这种情况找哪个部门 国资委还是商务局", form=False)
    dispatcher, _ = await run(ActionAnswerMeasure(), t, domain)
    reply = dispatcher.messages[0]["text"]
    assert "剥离非核心业务" in reply and "武汉市国资委" in reply and "境外市场" not in reply, reply


async def test_a_department_asked_about_that_the_text_does_not_list_is_said_so(domain):
    """Sealed F: 「这事是找司法局还是商务局」 got the measure's departments, and nothing about the 司法局 it asked of."""
    answer = await contact_answer(domain, "专项资金是找司法局还是商务局", "专项资金")
    assert "武汉市商务局" in answer and "您问到的司法局不在原文所列的联系部门中" in answer


async def test_the_measure_a_phrase_fits_that_the_other_words_point_to(domain):
    """「公共服务平台的专项资金 找哪个部门申请」: 专项资金 is one measure's keyword and part of another's; the question's
    other words (公共服务平台) say which (sealed batch M)."""
    answer = await contact_answer(domain, "公共服务平台的专项资金 找哪个部门申请", "专项资金")
    assert "「服务外包公共服务平台建设」" in answer and "武汉市财政局" in answer
    assert "「服务外包专项资金支持的项目」" not in answer


async def test_a_question_about_what_the_text_says_quotes_the_measure(domain):
    """「文件里说组织去开拓新兴市场 是去哪些地方」: the measure's words stand in a clause that states, the question's in
    another; the measure is found by the whole message and answered with its own sentence (sealed batch N)."""
    text = "文件里说组织去开拓新兴市场 是去哪些地方"
    t = tracker({}, intent="ask_conditions", text=text, entities=[], form=False)
    dispatcher, _ = await run(ActionAnswerMeasure(), t, domain)
    answer = dispatcher.messages[0]["text"]
    assert "组织生产性服务企业开拓新兴市场" in answer and "中东欧、东南亚、非洲" in answer


async def test_a_bare_follow_up_asks_about_the_measure_just_named(domain):
    """「出口信保那条 我们挺想了解的」 then 「找谁」: the measure of the previous message."""
    events = [{"event": "action", "name": "action_listen"},
              {"event": "user", "text": "出口信保那条 我们挺想了解的", "parse_data": {
                  "intent": {"name": "ask_conditions"}, "entities": [{"entity": "policy", "value": "出口信保"}]}},
              {"event": "action", "name": "action_listen"},
              {"event": "user", "text": "找谁", "parse_data": {"intent": {"name": "ask_contact"}}}]
    t = tracker({"city": "武汉"}, intent="ask_contact", text="找谁", form=False, events=events)
    dispatcher, _ = await run(ActionAnswerMeasure(), t, domain)
    text = dispatcher.messages[0]["text"]
    assert "中国出口信用保险公司湖北分公司" in text


async def test_contact_without_city_answers_per_region(domain):
    dispatcher, _ = await run(ActionAnswerMeasure(), ask("ask_contact", "出口信用保险"), domain)
    text = dispatcher.messages[0]["text"]
    assert "【浙江】" in text and "【武汉】" in text


async def test_measure_of_another_region_is_named_as_such(domain):
    dispatcher, _ = await run(ActionAnswerMeasure(), ask("ask_contact", "零税率", {"city": "武汉"}), domain)
    text = said(dispatcher.messages[0], domain)
    assert "浙江省" in text and "暂不适用" in text and "暂不包括" not in text


async def test_topic_lookup_asks_region_only_when_it_matters(domain):
    dispatcher, events = await run(ActionTopicLookup(), ask("ask_topic", "出口信用保险"), domain)
    assert "哪个城市" in said(dispatcher.messages[0], domain)
    assert slot_events(events) == {"pending_topic": "出口信用保险", "awaiting_region": True}
    # The firm answers with its city: the pending topic is answered for that region only.
    t = tracker({"city": "武汉", "pending_topic": "出口信用保险"}, form=False)
    dispatcher, events = await run(ActionTopicLookup(), t, domain)
    text = said(dispatcher.messages[0], domain)
    assert "服务外包出口信用保险" in text and "出口信用保险与信贷支持" not in text
    assert slot_events(events)["awaiting_region"] is None
    # A topic that exists in one region only needs no question.
    dispatcher, _ = await run(ActionTopicLookup(), ask("ask_topic", "零税率"), domain)
    assert "离岸服务外包零税率或免税优惠" in said(dispatcher.messages[0], domain)


async def test_handoff_queues_the_conversation(domain, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'handoff.db'}"
    monkeypatch.setenv("HANDOFF_DB_URL", url)
    dispatcher, events = await run(ActionHandoff(), tracker({"city": "温州", "offshore": True}, intent="human_handoff",
                                                            text="转人工", form=False), domain)
    assert slot_events(events)["handoff_requested"] is True  # the form then asks name and contact (test_handoff.py)
    assert "转人工" in said(dispatcher.messages[0], domain)
    [request] = handoff_queue.open_requests(url)
    assert request["conversation_id"] == "test-firm"
    assert request["profile"] == {"city": "温州", "offshore": True}


async def test_no_outsourcing_as_rasa_sets_it_is_a_valid_answer(domain):
    # Rasa's from_intent mapping delivers the empty list wrapped once more: [[]].
    t = tracker({"city": "武汉", "service_types": [[]]}, intent="deny", text="不做服务外包", requested="service_types")
    dispatcher, events = await run(ValidateProfileForm(), t, domain)
    values = slot_events(events)
    assert values["service_types"] == []
    assert values["requested_slot"] not in (None, "service_types")
    assert not dispatcher.messages


async def test_list_question_not_understood_gets_a_list_hint_then_is_skipped(domain):
    t = tracker({"city": "温州"}, intent="inform", text="看情况吧", requested="service_types")
    t.events = t.events[:-1]
    dispatcher, events = await run(ValidateProfileForm(), t, domain)
    assert dispatcher.messages[0]["response"] == "utter_did_not_understand_list"
    t = tracker({"city": "温州", "misunderstood_turns": 1}, intent="inform", text="看情况吧", requested="service_types")
    t.events = t.events[:-2]
    dispatcher, events = await run(ValidateProfileForm(), t, domain)
    values = slot_events(events)
    assert dispatcher.messages[0]["response"] == "utter_skip_unclear"
    assert values["skipped_fields"] == ["service_types"] and values["requested_slot"] not in (None, "service_types")


async def test_questions_all_asked_twice_end_the_form_instead_of_spinning(domain):
    """Fuzzer seed 831723: the checklist listed earlier (slot `checklist`) no longer matched the open items, so
    skipping it left the checklist next again and the action server spun forever on one request."""
    import asyncio
    import threading

    def asked(name):
        return {"event": "bot", "text": "?", "metadata": {"utter_action": f"utter_ask_{name}"}}

    checklist = {"event": "bot", "text": "?", "data": {"custom": {"type": "checklist", "items": []}}}
    events = [{"event": "action", "name": "action_listen"}, asked("offshore"), checklist, checklist, asked("offshore"),
              {"event": "user", "text": "。", "parse_data": {"intent": {"name": "inform"}}}]
    slots = {"city": "杭州", "service_types": ["ITO"], "fields": ["software_it"], "checklist": ["is_school"],
             "misunderstood_turns": 1}
    t = tracker(slots, text="。", requested="offshore", events=events)
    outcome = {}
    # A daemon thread: a regression spins without yielding, which no asyncio timeout could interrupt.
    worker = threading.Thread(target=lambda: outcome.update(run=asyncio.run(run(ValidateProfileForm(), t, domain))),
                              daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "the form validation did not return"
    following = slot_events(outcome["run"][1])["requested_slot"]
    assert following not in ("offshore", "situations")  # neither is asked a third time


async def test_a_mid_form_question_that_also_states_facts_is_answered_before_the_next_question(domain):
    # Facts read from the message keep Rasa's form running, so the rules would never answer: the form does.
    slots = {"city": "温州", "financial_institution": True, "supports_first_projects": True}
    t = tracker(slots, intent="ask_process", text="听说省里对支持首拓市场的银行有风险补偿？具体怎么申请",
                requested="offshore")
    dispatcher, _ = await run(ValidateProfileForm(), t, domain)
    assert any((m.get("response") or "").startswith("utter_process_not_in_source") for m in dispatcher.messages)


async def test_a_mid_form_question_without_facts_is_left_to_the_rules(domain):
    t = tracker({}, intent="ask_process", text="要准备什么材料", requested="offshore")
    dispatcher, _ = await run(ValidateProfileForm(), t, domain)
    assert not any((m.get("response") or "").startswith("utter_process") for m in dispatcher.messages)


async def test_a_statement_ending_in_a_bare_no_answers_the_yes_no_question(domain):
    t = tracker({"city": "湖州", "financial_institution": True}, intent="inform", text="银行不接外包 没有",
                entities=[{"entity": "financial_institution", "value": True}], requested="offshore")
    _, events = await run(ValidateProfileForm(), t, domain)
    assert slot_events(events).get("offshore") is False


async def test_a_message_the_nlu_did_not_place_is_searched_before_giving_up(domain):
    """Issue 20: 「青鸾行动是什么」 (a plan's action by name) is answered as its paragraph: the heading and purpose
    sentence of the text, three of its measures for this firm and the others named; 「文韬」 is the text's own
    spelling of 文鳐 (the answer says so); words that name no measure still get 「没有理解」."""
    t = tracker(intent="nlu_fallback", text="青鸾行动是什么", form=False)
    dispatcher, _ = await run(ActionFallbackLookup(), t, domain)
    text = said(dispatcher.messages[0], domain)
    assert "二（一）：开展“青鸾”行动，培育高能级本土企业" in text
    assert "原文：为推进服务外包主体培育" in text and "共6项" in text
    assert text.count("（还需确认）") + text.count("（贵公司符合）") + text.count("（暂不符合）") == 3
    assert "另有：" in text
    t = tracker({"city": "杭州"}, intent="nlu_fallback", text="文韬行动包括哪些", form=False)
    text = said((await run(ActionFallbackLookup(), t, domain))[0].messages[0], domain)
    assert "“文鳐”行动出自" in text and "原文此处写作“文韬”" in text and "二（三）" in text
    t = tracker(intent="nlu_fallback", text="今天天气怎么样", form=False)
    assert (await run(ActionFallbackLookup(), t, domain))[0].messages[0]["response"] == "utter_default"


async def test_a_new_fact_with_a_question_after_the_results_gets_one_line_and_the_answer(domain):
    """Issue 20: 「我们其实也有国内客户的，那在岸外包有什么政策？」 after the results: the change in one line, then the
    answer — the only onshore measure is Wuhan's, so a Hangzhou firm is told whose it is (never "outside coverage"),
    and the results are not sent again. 「那我们现在能享受哪些？」 (no topic) still gets the results."""
    from actions.after_form import ActionShowResultsOnChange

    facts = {"city": "杭州", "service_types": ["ITO"], "offshore": True}
    shown_dispatcher, _ = await run(ActionShowResults(), tracker(facts, form=False), domain)
    shown = {"event": "bot", "text": "…", "data": {"custom": shown_dispatcher.messages[0]["custom"]}}
    before = [{"event": "slot", "name": k, "value": v} for k, v in facts.items()] + [shown]
    text = "我们其实也有国内客户的，那在岸外包有什么政策？"
    events = before + [{"event": "user", "text": text}, {"event": "slot", "name": "onshore", "value": True}]
    t = tracker({**facts, "onshore": True}, intent="show_results", text=text, form=False, events=events)
    dispatcher, _ = await run(ActionShowResultsOnChange(), t, domain)
    replies = [said(m, domain) for m in dispatcher.messages]
    assert not any((m.get("custom") or {}).get("type") == "eligibility_results" for m in dispatcher.messages)
    assert "承接在岸业务" in replies[0] and "没有变化" in replies[0]
    assert "只适用于武汉市的企业" in replies[1] and "暂不包括杭州" not in replies[1]
    text = "那我们现在能享受哪些？"
    t = tracker({**facts, "onshore": True}, intent="show_results", text=text, form=False,
                events=before + [{"event": "user", "text": text}])
    dispatcher, _ = await run(ActionShowResultsOnChange(), t, domain)
    assert any((m.get("custom") or {}).get("type") == "eligibility_results" for m in dispatcher.messages)


async def test_what_the_last_correction_changed_is_said_when_asked(domain):
    """「那现在多了哪几条」 right after a correction re-sent the results (sealed M): the measures that change added."""
    from actions.after_form import ActionShowResultsOnChange

    before = {"city": "武汉", "service_types": ["ITO"], "offshore": False}
    first, _ = await run(ActionShowResults(), tracker(before, form=False), domain)
    events = [{"event": "slot", "name": k, "value": v} for k, v in before.items()] + [
        {"event": "bot", "text": "…", "data": {"custom": first.messages[0]["custom"]}},
        {"event": "slot", "name": "offshore", "value": True}]
    after = {**before, "offshore": True}
    second, _ = await run(ActionShowResults(), tracker(after, form=False, events=events), domain)
    custom = next(m["custom"] for m in second.messages if (m.get("custom") or {}).get("type") == "eligibility_results")
    assert custom["changes"]["added_titles"], custom.get("changes")
    text = "那现在多了哪几条"
    events += [{"event": "bot", "text": "…", "data": {"custom": custom}}, {"event": "user", "text": text}]
    dispatcher, _ = await run(ActionShowResultsOnChange(), tracker(after, intent="show_results", text=text, form=False,
                                                                   events=events), domain)
    reply = dispatcher.messages[0]["text"]
    assert "新增：" in reply and custom["changes"]["added_titles"][0] in reply
    assert not any((m.get("custom") or {}).get("type") == "eligibility_results" for m in dispatcher.messages)


async def test_a_supposed_fact_after_the_results_is_answered_with_what_it_would_change(domain):
    """「假如明年我们开始接海外的单子 会多出来哪些政策」 after the results re-sent them unchanged (sealed R): what the
    supposed fact would add, the results and the facts kept."""
    from actions.after_form import ActionShowResultsOnChange

    facts = {"city": "杭州", "service_types": ["ITO"], "offshore": False, "onshore": True}
    shown_dispatcher, _ = await run(ActionShowResults(), tracker(facts, form=False), domain)
    events = [{"event": "slot", "name": k, "value": v} for k, v in facts.items()] + [
        {"event": "bot", "text": "…", "data": {"custom": shown_dispatcher.messages[0]["custom"]}}]
    text = "如果以后接了国外的项目 能多哪些"
    t = tracker(facts, intent="show_results", text=text, form=False,
                entities=[{"entity": "supposed", "value": "offshore"}], events=events + [{"event": "user", "text": text}])
    dispatcher, returned = await run(ActionShowResultsOnChange(), t, domain)
    reply = dispatcher.messages[0]["text"]
    assert reply.startswith("如果按“已承接离岸业务”来判断") and "将新增：" in reply and "零税率" in reply and "结果不变" in reply, reply
    assert not any((m.get("custom") or {}).get("type") == "eligibility_results" for m in dispatcher.messages)
    assert not returned


async def test_the_head_count_records_sme_even_where_no_measure_needs_it_and_says_it_only_where_one_does(domain):
    """Issue 19 (sealed H): 「一共25个人」 from a Hangzhou firm is an SME by the national standard — recorded (the
    report shows it), not said, since no Zhejiang measure turns on it; a Wuhan firm is told (a measure does)."""
    entities = [{"entity": "employees", "value": 25}]
    for city, said_it in (("杭州", False), ("武汉", True)):
        t = tracker({"city": city, "service_types": ["ITO"], "employees": 25}, text="一共25个人", entities=entities,
                    requested="employees")
        dispatcher, events = await run(ValidateProfileForm(), t, domain)
        assert slot_events(events).get("is_sme") is True, city
        lines = [m.get("response") for m in dispatcher.messages]
        assert ("utter_sme_by_size_yes" in lines) is said_it, (city, lines)


def test_a_district_two_cities_share_is_settled_by_the_place_already_known():
    """Sealed H: 「阿拉是宁波的」 then 「公司在江北区」 is Ningbo's 江北区 (was: the city cleared, asked again); a city named
    in the same message still wins (「不对 是重庆江北区」); nothing known: the one where the documents apply is taken and
    said (sealed O: 「我们青山区的」 asked twice, then skipped), and a name no covered place holds is asked."""
    from actions.places import ASSUMED, city_slots

    assert city_slots("江北区", "阿拉公司在江北区", "宁波")["city"] == "宁波"
    assert city_slots("江北区", "不对 是重庆江北区", "宁波")["city"] == "重庆"
    taken = city_slots("江北区", "阿拉公司在江北区")
    assert taken["city"] == "宁波" and taken[ASSUMED] == "宁波市江北区|江北区"
    assert city_slots("青山区", "我们青山区的 给钢厂搞工业软件外包")["city"] == "武汉"
    assert city_slots("朝阳区", "朝阳区的")["place_candidates"] == ["北京市朝阳区", "长春市朝阳区"]


def test_a_taiwan_city_is_kept_so_the_reply_names_it():
    """Sealed C/F: 「我們是台北的…」 then 「那我們能享受哪些？」 was told 「暂不包括台湾省」: the city was the data's unit above
    it. A municipality's district still gives the municipality."""
    from actions.context import catalogue
    from actions.places import city_slots
    from policies_db.evaluation import coverage

    assert city_slots("台北", "我們是台北的資訊服務公司")["city"] == "台北"
    assert city_slots("北京朝阳区", "北京朝阳区的")["city"] == "北京"
    assert "台湾省台北市" in coverage.outside_text(catalogue(), {"city": "台北"})


def test_a_question_put_again_after_the_firm_asked_something_is_not_another_attempt():
    """Sealed H: two questions of the firm's mid-form (「有没有截止时间」「那这个找谁呀」) made the form skip its own
    question (asked three times by count). Resuming after an interruption does not count; an answer it did not
    understand does."""
    from actions.form import times_asked

    def ask(q):
        return {"event": "bot", "metadata": {"utter_action": f"utter_ask_{q}"}}

    def user(intent):
        return {"event": "user", "text": "…", "parse_data": {"intent": {"name": intent}}}

    events = [ask("service_types"), user("ask_process"), ask("service_types"), user("ask_contact"),
              ask("service_types")]
    t = tracker(events=events)
    assert times_asked(t, "service_types") == 1
    t = tracker(events=events + [user("inform"), ask("service_types")])
    assert times_asked(t, "service_types") == 2
    t = tracker(events=[ask("offshore"), user("ask_contact"), ask("service_types")])
    assert times_asked(t, "service_types") == 1 and times_asked(t, "offshore") == 1
    # an acknowledgement instead of an answer is an attempt: 「这个不太了解」 (read as 了解) looped 25 times
    t = tracker(events=[ask("fields"), user("acknowledge"), ask("fields"), user("acknowledge"), ask("fields")])
    assert times_asked(t, "fields") == 3
    # an answer that gives other facts instead is still an attempt: no question three times in a row (the fuzzer)
    checklist = {"event": "bot", "data": {"custom": {"type": "checklist"}}}
    t = tracker(events=[checklist, user("inform"), {"event": "slot", "name": "foreign_invested", "value": False},
                        checklist])
    assert times_asked(t, "situations") == 2
    # however many questions come between, a fourth put is the end of it (「不懂这些分类」 again and again)
    t = tracker(events=[ask("fields"), user("explain"), ask("fields"), user("explain"), ask("fields"),
                        user("explain"), ask("fields"), user("explain"), ask("fields")])
    assert times_asked(t, "fields") >= 2



async def test_facts_given_instead_of_the_answer_are_said_taken_when_the_question_is_left(domain):
    """「一百二十人左右吧」 to the type question put twice: the head count is taken and said so, the question left for
    later — not a bare 「这个问题先跳过」, as if the message had not been understood."""
    ask = {"event": "bot", "metadata": {"utter_action": "utter_ask_service_types"}}
    text = "一百二十人左右吧"
    events = [{"event": "slot", "name": "city", "value": "武汉"}, ask,
              {"event": "user", "text": "主要做对日开发", "parse_data": {"intent": {"name": "inform"}}}, ask,
              {"event": "user", "text": text, "parse_data": {"intent": {"name": "inform"}}}]
    entities = [{"entity": "employees", "value": 120, "start": 0, "end": 5}]
    t = tracker({"employees": 120}, text=text, entities=entities, requested="service_types", events=events)
    t.slots["city"] = "武汉"
    dispatcher, events = await run(ValidateProfileForm(), t, domain)
    said = [m for m in dispatcher.messages if m.get("response") == "utter_noted_question_later"]
    assert said and "员工120人" in said[0]["noted"] and said[0]["question"] == "服务外包业务类型"
    assert slot_events(events)["requested_slot"] != "service_types"


def test_a_question_right_after_the_second_put_gets_the_question_once_more():
    """Sealed J (j2-04): the checklist put twice, then 「青鸾行动里…那条 怎么申请」 — the form ended and sent the results,
    though the second put had no answer yet. Resuming, the form puts it a third time; the next answer that fails ends it."""
    from actions.form import MAX_PUTS, _exhausted

    def ask(q):
        return {"event": "bot", "metadata": {"utter_action": f"utter_ask_{q}"}}

    def user(intent):
        return {"event": "user", "text": "…", "parse_data": {"intent": {"name": intent}}}

    twice = [ask("offshore"), user("inform"), ask("offshore"), user("ask_process")]
    assert not _exhausted(tracker(events=twice), "offshore", resuming=True)
    assert _exhausted(tracker(events=twice), "offshore", resuming=False)
    again = twice + [ask("offshore"), user("inform")]
    assert _exhausted(tracker(events=again), "offshore", resuming=False)
    many = [e for _ in range(MAX_PUTS) for e in (ask("fields"), user("explain"))]
    assert _exhausted(tracker(events=many), "fields", resuming=True)

async def test_the_client_called_the_outsourcer_is_no_statement_that_the_firm_does_no_outsourcing(domain):
    """Sealed H: 「发包方是杭州的公司」 (the firm's client outsources to it) emptied the firm's outsourcing types;
    「我们是发包方」 still says the firm buys rather than provides."""
    slots = {"city": "武汉", "service_types": ["BPO"], "offshore": False}
    t = tracker(slots, text="发包方是杭州的公司 那浙江那个行动计划我们能不能用", requested="situations")
    _, events = await run(ValidateProfileForm(), t, domain)
    assert slot_events(events).get("service_types") == ["BPO"]
    t = tracker({"city": "武汉"}, text="我们是发包方，想把客服外包出去", requested="service_types")
    _, events = await run(ValidateProfileForm(), t, domain)
    assert slot_events(events).get("service_types") == []


async def document_reply(domain, slots: dict, text: str, entities: list) -> str:
    """The document answer (actions/manners.py) to `text`, with the reader's `entities`, for a firm with `slots`."""
    from actions.manners import ActionAnswerDocument

    t = tracker(slots, intent="ask_document", text=text, entities=entities)
    dispatcher, _ = await run(ActionAnswerDocument(), t, domain)
    return said(dispatcher.messages[0], domain)


async def test_the_article_and_a_deadline_asked_together_are_both_answered(domain):
    """Sealed W: 「这条是第几条 申报啥时候截止」 got the article only; the deadline (the text sets none) follows."""
    from actions.manners import ActionAnswerDocument

    t = tracker({"city": "武汉", "service_types": ["ITO"], "plans_listing": True}, intent="ask_document",
                text="上市融资那条是第几条 申报啥时候截止",
                entities=[{"entity": "aspect", "value": "where_text"}, {"entity": "policy", "value": "上市融资"}],
                form=False)
    dispatcher, _ = await run(ActionAnswerDocument(), t, domain)
    replies = [said(m, domain) for m in dispatcher.messages]
    assert "服务外包企业上市融资" in replies[0] and "三（五）" in replies[0]
    assert any("办理时限" in r and "原文未规定" in r for r in replies[1:]), replies


async def test_where_in_the_text_a_topic_word_alone_points_to_its_measures(domain):
    """Sealed Q: 「设计这个是在文件哪一条撒」 named no measure the search could rank (设计 alone) and got the last measure
    discussed; the measures that share the topic's words answer."""
    reply = await document_reply(domain, {"city": "武汉", "service_types": ["KPO"]}, "设计这个是在文件哪一条撒",
                                 [{"entity": "aspect", "value": "where_text"}])
    assert "设计外包" in reply


async def test_whether_it_applies_and_who_issued_it_are_both_answered(domain):
    """Sealed U: 「我们成都的能申请吗 还有武汉那个文件是谁发的啊」 got a measure's article, neither answer."""
    text = "我们成都的能申请吗 还有武汉那个文件是谁发的啊"
    reply = await document_reply(domain, {"city": "成都", "province": "四川"}, text,
                                 [{"entity": "aspect", "value": "validity"}, {"entity": "aspect", "value": "applies"}])
    assert "不适用" in reply and "武汉市服务贸易发展工作领导小组" in reply and "「" not in reply


async def test_whether_a_document_applies_is_answered_by_registered_place(domain):
    """Sealed H: a Wuhan firm whose client is in Hangzhou asks 「浙江那个行动计划我们能不能用」: the plan applies by
    registered place, the client's place changes nothing, and the firm is told it is outside it."""
    reply = await document_reply(domain, {"city": "武汉", "service_types": ["BPO"]},
                                 "发包方是杭州的公司 那浙江那个行动计划我们能不能用", [{"entity": "aspect", "value": "applies"}])
    assert "适用于在浙江省注册的企业" in reply and "客户或合作方在哪里不影响" in reply
    assert "贵公司在武汉市，不适用" in reply


async def test_is_it_official_names_the_firms_own_commerce_bureau(domain):
    """Sealed H: 「这个结果算官方认定吗」 — a reference, not a decision; the firm's own bureau named (Wuhan: 武汉市商务局,
    a firm outside coverage: its city's 商务主管部门, whose exact name the assistant does not invent)."""
    for city, body in (("武汉", "武汉市商务局"), ("苏州", "苏州市商务主管部门")):
        reply = await document_reply(domain, {"city": city}, "这个结果算官方认定吗",
                                     [{"entity": "aspect", "value": "official"}])
        assert "不是政府的正式认定" in reply and body in reply, reply


async def test_whether_another_places_policies_apply_names_that_place_as_not_covered(domain):
    """Sealed I: 「客户在上海的话，上海那边的政策我们能不能一起享受？」 from a Wuhan firm: Shanghai's policies are not among the
    documents (its own 商务主管部门 is named), and the firm's own document applies by registered place."""
    reply = await document_reply(domain, {"city": "武汉", "service_types": ["KPO"]},
                                 "客户在上海的话，上海那边的政策我们能不能一起享受？",
                                 [{"entity": "aspect", "value": "applies"}, {"entity": "region", "value": "上海"}])
    assert "上海的政策不在其中" in reply and "上海市商务主管部门" in reply
    assert "贵公司在武汉市，适用" in reply


async def test_how_to_apply_right_after_a_measure_was_asked_about_answers_for_that_measure(domain):
    """Sealed I: 「那这个怎么申请」 after 「…对支持首拓市场的银行给风险补偿，补偿比例是多少？」 got the generic answer; the
    measure of the previous turn is carried, as for 「那这个找谁」."""
    from actions.explain import ActionAnswerProcess

    before = "文件里说对支持首创模式、首拓市场、首发新品的银行给风险补偿，补偿比例是多少？"
    events = [{"event": "user", "text": before, "parse_data": {"intent": {"name": "ask_process"}, "entities": []}},
              {"event": "user", "text": "那这个怎么申请", "parse_data": {"intent": {"name": "ask_process"}}}]
    t = tracker({"city": "宁波", "financial_institution": True}, intent="ask_process", text="那这个怎么申请",
                form=False, events=events)
    dispatcher, _ = await run(ActionAnswerProcess(), t, domain)
    assert dispatcher.messages[0]["response"] == "utter_process_not_in_source_for"
    assert "风险补偿" in said(dispatcher.messages[0], domain)


async def test_a_process_question_fitting_only_another_regions_measure_says_so(domain):
    """Sealed R: a Taizhou factory's 「浙江这个政策对我们发包的有没有补贴」 got the amount and the departments of Wuhan's
    buyer measure, as if it were its own: words another region's measure shares name no measure of its own; a measure
    named is said to be another region's."""
    from actions.explain import ActionAnswerProcess

    text = "浙江这个政策对我们发包的有没有补贴"
    t = tracker({"city": "台州", "service_types": []}, intent="ask_process", text=text, form=False)
    dispatcher, _ = await run(ActionAnswerProcess(), t, domain)
    assert dispatcher.messages[0]["response"] == "utter_process_not_in_source"
    assert "补贴金额政策原文未规定" in said(dispatcher.messages[0], domain)
    text = "培训示范机构的补贴有多少"
    entities = [{"entity": "policy", "value": "培训示范机构", "start": 0, "end": 6}]
    t = tracker({"city": "台州"}, intent="ask_process", text=text, entities=entities, form=False)
    dispatcher, _ = await run(ActionAnswerProcess(), t, domain)
    assert dispatcher.messages[0]["response"] == "utter_measure_elsewhere"
    reply = said(dispatcher.messages[0], domain)
    assert "只适用于武汉市的企业" in reply and "台州" in reply, reply


async def test_whether_one_measure_is_still_in_force_is_answered_for_that_measure(domain):
    """Sealed H: 「疫情期间受委托那条支持，现在还在执行吗？」 — the measure's article and its document's dates, what the
    text leaves to confirm, and whom to ask; not every document's dates."""
    reply = await document_reply(domain, {"city": "武汉"}, "疫情期间受委托那条支持，现在还在执行吗？",
                                 [{"entity": "aspect", "value": "validity"}])
    assert "出自" in reply and "需要确认：" in reply and "责任单位（原文所列）" in reply, reply
    assert "浙江省服务外包提能升级三年行动计划" not in reply, reply


async def test_which_measures_before_any_question_gets_the_questions_first(domain):
    """Sealed J (j1-12): an opening that states a few facts and asks 「能对接哪些政策」 got a list with 27 measures "to
    confirm". The questions come first (as a clerk would); 「直接看结果」 still shows the list at once."""
    from actions.after_form import ActionShowResultsOnChange

    facts = {"city": "武汉", "is_school": True, "provides_training": True}
    t = tracker(facts, intent="show_results", text="我们是武汉的高职院校，想问问学校能对接哪些政策", form=False)
    dispatcher, events = await run(ActionShowResultsOnChange(), t, domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_questions_first"]
    assert any(e.get("event") == "followup" and e.get("name") == "profile_form" for e in events), events
    t = tracker(facts, intent="show_results", text="直接看结果", form=False)
    dispatcher, _ = await run(ActionShowResultsOnChange(), t, domain)
    assert any((m.get("custom") or {}).get("type") == "eligibility_results" for m in dispatcher.messages)


async def test_a_question_answered_before_the_results_goes_on_with_the_questions(domain):
    """Dev d2-02, sealed J j1-12: a pasted profile with a question got its answer and then silence — no questions,
    no results. A firm that has told us about itself and not yet seen its results: the questions go on."""
    from actions.questions import ActionAnswerMeasure

    facts = {"city": "武汉", "service_types": ["ITO"]}
    text = "申报技术先进型服务企业这个，对接哪个部门？"
    entities = [{"entity": "policy", "value": "申报技术先进型服务企业"}]
    dispatcher, events = await run(ActionAnswerMeasure(), tracker(facts, intent="ask_contact", text=text,
                                                                   entities=entities, form=False), domain)
    assert "武汉市" in (dispatcher.messages[0].get("text") or "")
    assert dispatcher.messages[-1].get("response") == "utter_profile_goes_on"
    assert any(e.get("event") == "followup" and e.get("name") == "profile_form" for e in events), events
    # nothing known of the firm: the answer alone
    dispatcher, events = await run(ActionAnswerMeasure(), tracker({}, intent="ask_contact", text=text,
                                                                   entities=entities, form=False), domain)
    assert not events and all(m.get("response") != "utter_profile_goes_on" for m in dispatcher.messages)



async def test_the_district_s_own_funds_are_answered_from_the_texts(domain):
    """Sealed G, I and J each asked 「区里有没有单独的扶持资金」 and got a fallback or a list: the texts set no district
    funds; Wuhan's gives the district government a part in some measures (named); the district is whom to ask."""
    from actions.manners import ActionAnswerDocument

    text = "区里有没有单独的服务外包扶持资金？"
    entities = [{"entity": "aspect", "value": "district"}]
    dispatcher, _ = await run(ActionAnswerDocument(), tracker({"city": "武汉"}, intent="ask_document", text=text,
                                                              entities=entities, form=False), domain)
    answer = said(dispatcher.messages[0], domain)
    assert "没有规定区（县）一级单独的扶持资金" in answer and "「服务外包专项资金支持的项目」" in answer, answer
    assert "所在区人民政府" in answer and "开发区管委会" in answer, answer



async def test_where_to_find_another_place_s_policies_names_whom_to_ask_there(domain):
    """Sealed K: 「四川那边的政策去哪查」 from a Chengdu firm got the fallback. Not ours to answer for: that place's
    commerce department, and no article of an unrelated measure."""
    from actions.manners import ActionAnswerDocument

    entities = [{"entity": "aspect", "value": "where_text"}, {"entity": "region", "value": "四川"}]
    dispatcher, _ = await run(ActionAnswerDocument(), tracker({"city": "成都"}, intent="ask_document", text="四川那边的政策去哪查",
                                                              entities=entities, form=False), domain)
    answer = said(dispatcher.messages[0], domain)
    assert "四川的政策不在其中" in answer and "商务" in answer and "出自" not in answer, answer


async def test_a_city_named_in_a_question_after_the_results_does_not_move_the_firm(domain):
    """Sealed L: 「我们四川的企业 能享受啥子政策 该找哪个部门问嘛」 after 成都 moved the firm to 四川 (a question's facts
    are taken now, and the guard after the results ran only for statements). The answer actions keep the city."""
    text = "我们四川的企业 能享受啥子政策 该找哪个部门问嘛"
    events = [{"event": "slot", "name": "city", "value": "成都"}, {"event": "action", "name": "action_listen"},
              {"event": "user", "text": text, "parse_data": {"intent": {"name": "ask_contact"}}}]
    t = tracker({"city": "四川"}, intent="ask_contact", text=text, form=False, events=events)
    _, returned = await run(ActionAnswerMeasure(), t, domain)
    assert any(e.get("name") == "city" and e.get("value") == "成都" for e in returned), returned


async def test_terms_are_explained_from_the_texts_and_the_size_standard(domain):
    """「RCEP是啥东东」 in the Zhejiang text's words; 「中小企业标准是按啥定的」 with the national standard's name and line
    (policies_db/evaluation/sme_standard.yml), never a figure of the reply's own (sealed M and N)."""
    from actions.explain import ActionExplain
    from policies_db.evaluation.sme import standard

    dispatcher, _ = await run(ActionExplain(), tracker(intent="explain", text="RCEP是啥东东", form=False), domain)
    assert "《区域全面经济伙伴关系协定》" in said(dispatcher.messages[0], domain)
    dispatcher, _ = await run(ActionExplain(), tracker(intent="explain", text="中小企业标准是按啥定的", form=False), domain)
    text = said(dispatcher.messages[0], domain)
    assert standard()["standard"] in text and f"{standard()['employees_below']}人以下" in text


async def test_both_documents_asked_at_once_are_answered_for_each(domain):
    """「两个文件分别是谁发的？」 from a Hangzhou firm: both issuers, not only its own region's."""
    reply = await document_reply(domain, {"city": "杭州"}, "两个文件分别是谁发的？", [{"entity": "aspect", "value": "validity"}])
    assert "浙江省商务厅" in reply and "武汉" in reply


async def test_a_place_in_passing_that_is_no_single_place_keeps_the_firm_s_city(domain):
    """Sealed O: 「坐席三百来个 好多是黄冈孝感过来的小姑娘」 after 江汉区 cleared the city (two places named, neither the
    firm's) and the city question came back."""
    text = "坐席三百来个 好多是黄冈孝感过来的小姑娘"
    events = [{"event": "slot", "name": "city", "value": "武汉"}, {"event": "action", "name": "action_listen"},
              {"event": "user", "text": text, "parse_data": {"intent": {"name": "inform"}}}]
    entities = [{"entity": "city", "value": "黄冈孝感", "start": 5, "end": 9}]
    t = tracker({"city": "黄冈孝感"}, text=text, entities=entities, requested="offshore", events=events)
    _, out = await run(ValidateProfileForm(), t, domain)
    assert slot_events(out).get("city", "武汉") == "武汉"


async def test_impatience_is_told_how_to_end_the_questions_or_that_they_are_done(domain):
    """Sealed R: 「还要问几个啊 我等下还有个会」 got 「没有理解」."""
    from actions.manners import ActionAcknowledge

    text = "还要问几个啊 我等下还有个会"
    dispatcher, _ = await run(ActionAcknowledge(), tracker({"city": "杭州"}, intent="acknowledge", text=text), domain)
    assert dispatcher.messages[0]["response"] == "utter_impatient_in_form"
    assert "直接看结果" in said(dispatcher.messages[0], domain)
    shown, _ = await run(ActionShowResults(), tracker({"city": "杭州"}, form=False), domain)
    events = [{"event": "bot", "text": "…", "data": {"custom": shown.messages[0]["custom"]}},
              {"event": "user", "text": text}]
    t = tracker({"city": "杭州"}, intent="acknowledge", text=text, form=False, events=events)
    dispatcher, _ = await run(ActionAcknowledge(), t, domain)
    assert dispatcher.messages[0]["response"] == "utter_impatient_after_results"


async def test_a_fact_the_firm_is_now_unsure_of_after_the_results_is_unknown_again(domain):
    """「技术先进型的事我问了财务再来」 after a checklist's 「都没有」 (development f1-19): the no would keep 「技术先进型服务
    企业评选」 among what the firm can get — it is unknown from now on, and the change is said."""
    from actions.after_form import ActionShowResultsOnChange

    facts = {"city": "杭州", "service_types": ["ITO"], "offshore": True, "tech_advanced_certified": False}
    shown_dispatcher, _ = await run(ActionShowResults(), tracker(facts, form=False), domain)
    shown = {"event": "bot", "text": "…", "data": {"custom": shown_dispatcher.messages[0]["custom"]}}
    text = "行 技术先进型的事我问了财务再来"
    events = [{"event": "slot", "name": k, "value": v} for k, v in facts.items()] + [
        shown, {"event": "user", "text": text}]
    t = tracker(facts, intent="inform", text=text, form=False, events=events,
                entities=[{"entity": "unsure", "value": "tech_advanced_certified", "start": 2, "end": 7}])
    dispatcher, events = await run(ActionShowResultsOnChange(), t, domain)
    assert "tech_advanced_certified" in slot_events(events) and slot_events(events)["tech_advanced_certified"] is None
    replies = " ".join(said(m, domain) for m in dispatcher.messages)
    assert "技术先进型" in replies and "重新判断" in replies and "→ 不清楚" in replies
