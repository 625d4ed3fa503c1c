"""Facts firms describe instead of naming (bot/nlu/phrases.py), and what the guards and the checklist make of
the way firms answer. Pure: no Rasa, no model — milliseconds."""
from __future__ import annotations

import pytest

from actions.checklist import read_answer
from bot.nlu import guards
from bot.nlu.normalize import normalize
from bot.nlu.phrases import client_spans, described_facts, firm_cities
from bot.nlu.short_answers import yes_no


def facts(text: str) -> dict:
    return {f["entity"]: f["value"] for f in described_facts(text)}


@pytest.mark.parametrize("text, expected", [
    ("有日本客户", {"offshore": True}),
    ("客户主要在台湾和日本", {"offshore": True}),
    ("你好，我们在光谷软件园，做软件外包，欧美客户为主", {"offshore": True}),
    ("主要给德国母公司做工程设计服务", {"offshore": True}),
    ("有一带一路的项目", {"offshore": True}),
    ("没有日本客户", {"offshore": False}),
    ("没接过国外的单", {"offshore": False}),
    ("国外的单子没有", {"offshore": False}),
    ("海外的单子有一些", {"offshore": True}),
    ("国内也有客户", {"onshore": True}),
    ("主要是国内", {"onshore": True}),
    ("总经理是德国人", {"hires_foreign_talent": True}),
    ("有几个日本籍员工没有上市计划", {"hires_foreign_talent": True}),  # the 没有 belongs to 上市
    ("外籍员工没有", {"hires_foreign_talent": False}),
    ("打算去德国开个办事处", {"overseas_expansion": True}),
    ("也想在东南亚设点", {"overseas_expansion": True}),
    ("我们是洪山区的高校", {"is_school": True}),
    ("我们是武汉大学孵化出来的软件外包企业", {}),
    ("我们是本地企业", {}),
])
def test_described_facts(text, expected):
    assert facts(text) == expected


@pytest.mark.parametrize("text, inside", [
    ("客户主要是香港的银行", "香港"),
    ("给几家银行做信用卡客服外包", "银行"),
    ("客户有不少外资企业", "外资"),
    ("客户是保险公司", "保险公司"),
])
def test_clients_are_not_the_firm(text, inside):
    start = text.index(inside)
    assert any(a <= start and start + len(inside) <= b for a, b in client_spans(text))


def test_the_firms_own_words_are_not_about_clients():
    text = "我们是杭州的一家城商行"
    start = text.index("城商行")
    assert not any(a <= start < b for a, b in client_spans(text))


def _cities(text, *names):
    return [{"entity": "city", "start": text.index(n), "end": text.index(n) + len(n), "value": n} for n in names]


def test_the_registered_city_wins_over_an_office():
    text = "哦不对，我们注册在武汉，杭州只是办事处"
    assert [e["value"] for e in firm_cities(text, _cities(text, "武汉", "杭州"))] == ["武汉"]
    text = "我们在杭州和武汉都有公司，先看武汉的吧"
    assert [e["value"] for e in firm_cities(text, _cities(text, "杭州", "武汉"))] == ["武汉"]  # one city: the one to judge by
    text = "我们在杭州和武汉都有公司"
    assert [e["value"] for e in firm_cities(text, _cities(text, "杭州", "武汉"))] == ["武汉"]  # no cue: the last


@pytest.mark.parametrize("text, intent, expected", [
    ("KPO", "explain", "inform"),
    ("法律外包算KPO", "explain", "inform"),
    ("啥是KPO？", "explain", "explain"),
    ("为什么外资企业利润再投资那条我们不能享受？", "inform", "ask_why_not"),
    ("也不是没有，有两个新加坡客户", "deny", "inform"),
    ("我们是发包方，不承接", "nlu_fallback", "inform"),
    ("该情况需内部核实，暂不清楚。", "nlu_fallback", "dont_know"),  # unsure, longer than a word, DIET without a guess
])
def test_intent_corrections_before_entities(text, intent, expected):
    chosen, _ = guards.before_entities(text, {"name": intent, "confidence": 0.6}, [{"name": intent, "confidence": 0.6}])
    assert chosen["name"] == expected


@pytest.mark.parametrize("text, intent, entities, expected", [
    ("人工智能", "human_handoff", [{"entity": "fields", "value": "digital_tech"}], "inform"),
    ("转人工", "human_handoff", [], "human_handoff"),
    ("我们是武汉光谷的一家初创公司，做AI", "subscribe_push", [{"entity": "city", "value": "武汉"}], "inform"),
    ("有新政策请通知我", "subscribe_push", [], "subscribe_push"),
    ("打算在新加坡设个办公室", "greet", [{"entity": "overseas_expansion", "value": True}], "inform"),
    ("你好，我们是杭州的", "greet", [{"entity": "city", "value": "杭州"}], "greet"),
])
def test_statements_misread_as_other_intents_become_inform(text, intent, entities, expected):
    chosen, _ = guards.after_entities(text, {"name": intent, "confidence": 0.6},
                                      [{"name": intent, "confidence": 0.6}], entities)
    assert chosen["name"] == expected


@pytest.mark.parametrize("text, value", [
    ("尚无", False), ("这个不涉及", False), ("这项不涉及", False), ("这块没有", False),
    ("有哈", True), ("是的，前面说过了", True), ("不清楚", None),
])
def test_short_answers(text, value):
    assert yes_no(text) is value


@pytest.mark.parametrize("typed, expected", [
    ("👍", "是的"), ("👍🏻", "是的"),
    ("我们是Wuhan Optics Valley的一家startup", "我们是武汉光谷的一家初创公司"),
    ("We are in Shenzhen, 做ITO outsourcing", "我们在深圳, 做ITO 外包"),
])
def test_normalizer_reads_emoji_and_pinyin_places(typed, expected):
    assert normalize(typed) == expected


OFFERED = ["foreign_invested", "hires_foreign_talent", "provides_training", "plans_listing", "financial_institution"]


@pytest.mark.parametrize("text, yes", [
    ("只有培训这项", {"provides_training"}),
    ("金融机构那项符合，其他没有", {"financial_institution"}),
    ("除了上市，其他都有", set(OFFERED) - {"plans_listing"}),
    ("3和4吧，上市暂时没想", {"provides_training"}),
])
def test_checklist_items_named_in_words(text, yes):
    answer = read_answer(text, "inform", [], OFFERED)
    assert {name for name, value in answer.values.items() if value} == yes
    assert set(answer.values) == set(OFFERED)


@pytest.mark.parametrize("text, expected", [
    ("国内也做", {"onshore": True}),
    ("国内没有", {"onshore": False}),
    ("国外也有", {"offshore": True}),
    ("海外没有", {"offshore": False}),
    ("主要做日本外包", {"offshore": True}),
    ("我们做对日软件外包", {"offshore": True}),
    ("杭州滨江，我们做SaaS，海外营收占一半", {"offshore": True}),
    ("武汉东湖高新，有外籍技术总监", {"hires_foreign_talent": True}),
])
def test_markets_named_bare_and_the_trades_own_words(text, expected):
    assert facts(text) == expected


def test_a_statement_read_as_a_question_about_a_measure_informs():
    ranking = [{"name": "ask_process", "confidence": 0.7}]
    assert guards.is_statement("国内也做") and not guards.is_statement("零税率要准备什么材料")
    chosen, _ = guards.statement_of_facts("国内也做", ranking[0], ranking,
                                          [{"entity": "onshore", "value": True}])
    assert chosen["name"] == "inform"
    chosen, _ = guards.statement_of_facts("好的", ranking[0], ranking, [])
    assert chosen["name"] == "ask_process"


@pytest.mark.parametrize("text, expected", [
    ("境外业务一点都没有", {"offshore": False}),
    ("境外客户暂时是零", {"offshore": False}),
    ("国外的项目暂无", {"offshore": False}),
    ("我们公司有四个阿拉伯籍员工，还有一个尼日利亚的小伙子", {"hires_foreign_talent": True}),
    ("有中国籍员工", {}),  # returnees are no foreign talent
    ("我们是新加坡独资的", {"foreign_invested": True}),
    ("做园区运营的，管着一个软件和服务外包产业园", {"runs_park": True}),
    ("园区里还搭了个给入驻企业用的公共服务平台", {"runs_platform": True}),
    ("疫情那两年受一家疫苗企业委托，做过新冠疫苗的临床样本检测", {"covid_commissioned": True}),
    ("帮香港几家保险公司处理理赔单据", {"offshore": True}),
])
def test_clause_negation_and_more_descriptions(text, expected):
    assert facts(text) == expected


def test_a_bank_that_does_not_do_something_is_still_a_bank():
    from bot.nlu.phrases import negated_after
    text = "银行不接这类业务"
    found = negated_after(text, [{"entity": "financial_institution", "value": True, "start": 0, "end": 2}],
                          ["financial_institution"])
    assert found[0]["value"] is True
    text = "离岸的我们不接"
    found = negated_after(text, [{"entity": "offshore", "value": True, "start": 0, "end": 2}], ["offshore"])
    assert found[0]["value"] is False


def test_a_question_about_a_measure_sets_no_fact():
    ranking = [{"name": "inform", "confidence": 0.8}]
    chosen, _ = guards.after_entities("技术先进型服务企业对人数有要求吗", ranking[0], ranking,
                                      [{"entity": "tech_advanced_certified", "value": True}])
    assert chosen["name"] == "ask_conditions"
    chosen, _ = guards.after_entities("长沙的软件外包公司，有什么政策吗", ranking[0], ranking,
                                      [{"entity": "city", "value": "长沙"}])
    assert chosen["name"] == "inform"


def test_named_service_types_and_numbers():
    from bot.nlu.numbers import bare_count
    from bot.nlu.phrases import named_service_types
    assert [e["value"] for e in named_service_types("应该归业务流程外包那一类", [])] == ["BPO"]
    assert named_service_types("我们不是BPO", []) == []
    assert bare_count("三十几个人") == 30 and bare_count("百把号人") == 100
    assert read_answer("就外籍员工一项", "inform", [], ["provides_training", "plans_listing"]).values == {
        "provides_training": False, "plans_listing": False}


@pytest.mark.parametrize("text, expected", [
    ("好像有个新加坡的项目在谈，还没签下来", {"offshore": False}),  # not yet business
    ("海外那块我们还没开始做", {"offshore": False}),
    ("东南亚那边有两个客户", {"offshore": True}),
    ("境外嘛，印尼有个工厂项目正在做", {"offshore": True}),
    ("今年还打算引进两三个高级工程师", {"recruits_senior_talent": True}),
    ("我们有几个同事拿了英国皇家特许测量师RICS的证", {"overseas_qualification": True}),
])
def test_second_batch_descriptions(text, expected):
    assert facts(text) == expected


def test_applying_for_a_certification_is_not_holding_it():
    from bot.nlu.phrases import applying_is_not_certified
    text = "国内的单子暂时没有准备明年申报技术先进型"
    at = text.index("技术先进型")
    found = applying_is_not_certified(text, [{"entity": "tech_advanced_certified", "start": at, "end": at + 5,
                                              "value": True}])
    assert found[0]["value"] is False


def test_a_city_the_firm_says_it_is_not_in_is_dropped():
    text = "湖北襄阳的，不是武汉哈"
    assert [e["value"] for e in firm_cities(text, _cities(text, "襄阳", "武汉"))] == ["襄阳"]


def test_work_for_manufacturers_is_producer_services():
    from bot.nlu.phrases import described_fields
    assert [f["value"] for f in described_fields("我们给船厂做船舶设计和海工图纸")] == ["producer_services"]
    assert described_fields("给银行做系统") == []
    assert [f["value"] for f in described_fields("做车险电销和理赔回访的外包")] == ["business_operations"]


def test_a_correction_is_no_answer():
    assert yes_no("哦不对，还有一个韩国籍的设计师") is None
    assert yes_no("没有，只做国内") is False


def test_no_type_is_guessed_beside_one_said_outright():
    from bot.nlu.phrases import inferred_service_types

    stated = [{"entity": "service_types", "value": "ITO", "start": 10, "end": 13}]
    assert inferred_service_types("做大数据分析和数据处理外包 ITO为主", stated) == []
    assert {e["value"] for e in inferred_service_types("做跨境数据处理和大数据分析外包", [])} == {"BPO", "KPO"}
