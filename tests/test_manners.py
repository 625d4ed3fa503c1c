"""Questions that name no measure and manners (issue 20): the documents, the report, acknowledgements. The pure
parts (wording, guards) first, then through the REST channel with the trained model."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.nlu.aspects import aspects
from bot.nlu.guards import requests_and_manners
from policies_db import load_catalogue, wording

DOCS = load_catalogue().documents


def _doc(prefix: str):
    return next(d for d in DOCS.values() if d.id.startswith(prefix))


def test_the_zhejiang_plan_is_described_from_its_data():
    line = wording.document_line(_doc("zhejiang"), dt.date(2026, 12, 6))
    assert "浙江省商务厅" in line and "浙商务发〔2023〕59号" in line
    assert "2025年12月31日" in line and "已到期" in line and "确认" in line


def test_the_wuhan_opinions_state_no_end_date():
    line = wording.document_line(_doc("wuhan"), dt.date(2026, 12, 6))
    assert "2021年2月8日" in line and "原文未规定截止日期" in line and "已到期" not in line
    assert "原文未载文号" in line  # the text gives no number: said, not invented


def test_no_document_answer_invents_a_number_phone_or_amount():
    for d in DOCS.values():
        for when in (dt.date(2022, 6, 1), dt.date(2024, 6, 1), dt.date(2026, 12, 6)):
            line = wording.document_line(d, when)
            assert not re.search(r"\d{3,4}-\d{7,8}|1\d{10}|万元|元/", line)
    assert "不是政府的正式认定" in wording.OFFICIAL


@pytest.mark.parametrize("text, diet, expected", [
    ("能导出来吗", "show_results", "ask_report"),
    ("出个PDF报告", "nlu_fallback", "ask_report"),
    ("这个行动计划什么时候到期？", "explain", "ask_document"),
    ("武汉这个文件是哪年出的，还有效吗？", "nlu_fallback", "ask_document"),
    ("这个结论是政府正式认定吗", "ask_capabilities", "ask_document"),
    ("收到", "affirm", "acknowledge"),
    ("行 我把这个转给老板看看", "show_results", "acknowledge"),
    ("好的，麻烦了", "nlu_fallback", "acknowledge"),
    ("那零税率现在有了没", "deny", "ask_conditions"),  # its 没 asks
    ("那这个比照目录出来了没", "deny", "ask_conditions"),
    ("为啥清单里没有申报技术先进型那条", "ask_conditions", "ask_why_not"),
    ("好 我截图发给老板", "subscribe_push", "acknowledge"),
    ("好的 谢谢啊", "thanks", "thanks"),
    ("上市能给多少钱奖励", "inform", "ask_process"),
    ("设计外包有啥补贴 多少钱", "nlu_fallback", "ask_process"),
    ("从国外进口研发用的试剂 清关这块找谁", "inform", "ask_contact"),
    ("那我们能享受哪些？", "ask_capabilities", "show_results"),
    ("一条都用不上吗？", "deny", "show_results"),
    ("武汉的政策我们不能沾点光吗", "subscribe_push", "ask_document"),  # whether that document applies: by registered place
    ("这个文件是哪个单位发的 文号是多少", "ask_contact", "ask_document"),
    ("出口信保我们还能用吗 怎么没列出来", "show_results", "ask_why_not"),
    ("设计外包这条是哪些部门负责？", "nlu_fallback", "ask_contact"),
    ("技术先进型这个是哪个部门评的", "nlu_fallback", "ask_contact"),
    ("问个事", "inform", "greet"),
    ("咨询下服务外包政策", "nlu_fallback", "greet"),  # sealed J: a preamble at the city question
    ("好的好的，麻烦你了", "nlu_fallback", "acknowledge"),  # sealed J
    ("区里有没有单独的服务外包扶持资金？", "nlu_fallback", "ask_document"),  # sealed G, I, J: the district's own funds
    ("区级服务外包扶持资金我们东湖高新区有没有设？", "ask_topic", "ask_document"),
    ("请问这个三年计划到什么时候截止？", "ask_process", "ask_document"),  # a time asked of a document: its validity
    ("四川那边的政策去哪查", "nlu_fallback", "ask_document"),  # sealed K: another place's policies
    ("你是不是机器人啊 回得噶快", "nlu_fallback", "ask_capabilities"),  # sealed L: a question of its own, mid-form
    ("我们这种小工作室 能拿好多补贴", "show_results", "ask_process"),  # sealed L: 好多 = how much (the texts set none)
    ("好的 我跟领导汇报一下", "thanks", "acknowledge"),
    ("设计外包这条是哪些部门负责？", "ask_contact", "ask_contact"),
    ("问下服务外包有啥政策", "inform", "show_results"),
    ("这个不太了解", "dont_know", "dont_know"),  # sealed H: 了解 inside a 不太了解 is no acknowledgement
    ("呼叫中心那条 具体支持些么子 有没有钱", "ask_topic", "ask_process"),  # sealed H: the texts set no amounts
    ("发包方是杭州的公司 那浙江那个行动计划我们能不能用", "inform", "ask_document"),  # sealed H: does it apply to us
    ("客户在上海的话，上海那边的政策我们能不能一起享受？", "inform", "ask_document"),  # sealed I
    ("有没有员工培训方面的补贴？我们新人每个月都要集中培训", "inform", "ask_process"),  # sealed I: an amount asked
    ("结果能发到我们总经理微信上吗？或者给个链接也行", "ask_document", "ask_report"),  # sealed J: send it somewhere
    ("可否將以上結果整理成一份文件，寄到我的電子郵箱？", "ask_report", "ask_report"),
    ("生成个链接吧 我发给领导", "nlu_fallback", "ask_report"),  # sealed X
    ("人才培训这块 是招才局管吧", "inform", "ask_contact"),  # sealed X: a department named, confirmed with 吧
    ("义乌是县级市 省里这个计划也管我们不", "inform", "ask_document"),  # sealed X: does the plan apply to us
    ("这个现在落地没有", "dont_know", "ask_document"),  # sealed W: whether a measure is in force
    ("培育对象谁来定", "nlu_fallback", "ask_contact"),  # sealed W: who decides
    ("技术先进型服务企业是去科技局申请吗", "ask_why_not", "ask_contact"),  # sealed X: no word asks why
    ("怎么没有申报技术先进型那条 我记得文件里有", "ask_process", "ask_why_not"),  # sealed X (咋 normalised): 文件 is no material here
])
def test_requests_and_manners_whatever_diet_guessed(text, diet, expected):
    ranking = [{"name": diet, "confidence": 0.7}]
    assert requests_and_manners(text, ranking[0], ranking, aspects(text))[0]["name"] == expected


def test_a_low_guess_confirmed_by_its_cue_is_kept_with_confidence():
    ranking = [{"name": "ask_contact", "confidence": 0.38}, {"name": "ask_document", "confidence": 0.09}]
    routed = requests_and_manners("设计外包这条是哪些部门负责？", ranking[0], ranking, [])[0]
    assert routed["name"] == "ask_contact" and routed["confidence"] >= 0.9  # not 「没听懂」 below the fallback


def test_interest_in_a_named_measure_is_a_question_about_it():
    ranking = [{"name": "ask_document", "confidence": 0.36}]
    assert requests_and_manners("想了解剥离非核心业务外包的政策", ranking[0], ranking, [],
                                names_measure=True)[0]["name"] == "ask_conditions"
    # said with facts about the firm, it is an opening: the profile questions come, the results will hold it
    facts = [{"entity": "financial_institution", "value": True, "start": 10, "end": 12}]
    ranking = [{"name": "inform", "confidence": 0.5}]
    text = "我们是武昌区的一家银行分行，想了解剥离非核心业务外包的政策"
    assert requests_and_manners(text, ranking[0], ranking, facts, names_measure=True)[0]["name"] == "inform"


@pytest.mark.parametrize("text, diet", [("零税率是什么意思 我们这种能享受吗", "ask_capabilities"),
                                        ("怎么没看到技术先进型服务企业认定那条？", "nlu_fallback")])
def test_a_question_naming_a_measure_is_answered_from_it(text, diet):
    ranking = [{"name": diet, "confidence": 0.7}]
    routed = requests_and_manners(text, ranking[0], ranking, aspects(text), names_measure=True)[0]["name"]
    assert routed in ("ask_conditions", "ask_why_not")


def test_a_statement_of_facts_is_never_rerouted():
    entities = [{"entity": "city", "value": "杭州", "start": 2, "end": 4}] + aspects("我们在杭州，要导出报告")
    ranking = [{"name": "inform", "confidence": 0.9}]
    assert requests_and_manners("我们在杭州，要导出报告", ranking[0], ranking, entities)[0]["name"] == "inform"


def test_facts_inside_a_measures_name_do_not_make_a_question_a_statement():
    text = "生产性服务企业开拓新兴市场，具体是指哪些地区？"
    inside = [{"entity": "fields", "value": "producer_services", "start": 0, "end": 5}]
    ranking = [{"name": "inform", "confidence": 0.8}]
    routed = requests_and_manners(text, ranking[0], ranking, inside, measure_spans=[(0, 13)])[0]["name"]
    assert routed == "ask_conditions"
    # Without the name: a fact stated in a clause of its own beside a question of what the text says — both kept.
    alone = requests_and_manners(text, ranking[0], ranking, inside)[0]
    assert alone["name"] == "ask_conditions" and alone.get("states_facts")


def test_a_document_question_in_pinyin_and_english_is_a_document_question():
    """Sealed H: 「zhe ge 3 nian xingdong jihua is it still valid in 2026?」 was read as a contact left for a call-back.
    The normalizer's words (bot/nlu/lexicon/normalize.yml) give the reader its cues."""
    from bot.nlu.normalize import normalize

    text = normalize("last one, zhe ge 3 nian xingdong jihua is it still valid in 2026?")
    ranking = [{"name": "leave_contact", "confidence": 0.74}]
    assert requests_and_manners(text, ranking[0], ranking, aspects(text))[0]["name"] == "ask_document"


def test_a_statement_then_a_question_about_a_measure_is_answered_and_keeps_its_facts():
    """Sealed H: 「我们有几个外籍工程师，他们工作许可每年续签特别麻烦，有没有办法快一点」 at the checklist was read as an
    answer only (the question never answered). A clause that states, then one that asks about a measure: a question,
    marked states_facts so the extractor keeps the facts; an opening that only says what it wants to know stays one."""
    text = "我们有几个外籍工程师，他们工作许可每年续签特别麻烦，有没有办法快一点"
    facts = [{"entity": "hires_foreign_talent", "value": True, "start": 5, "end": 10}]
    ranking = [{"name": "inform", "confidence": 1.0}]
    routed = requests_and_manners(text, ranking[0], ranking, facts, measure_spans=[(14, 18)])[0]
    assert routed["name"] == "ask_conditions" and routed.get("states_facts") is True
    text = "我们是武昌区的一家银行分行，想了解剥离非核心业务外包的政策"
    facts = [{"entity": "financial_institution", "value": True, "start": 10, "end": 12}]
    assert requests_and_manners(text, ranking[0], ranking, facts, names_measure=True)[0]["name"] == "inform"


@pytest.mark.parametrize("text", ["侬是机器人还是真人啊？讲话蛮客气的", "你是不是机器人", "请问是真人吗"])
def test_asking_whether_it_is_a_robot_is_no_request_for_a_person(text):
    """Sealed J (j2-15): 「侬是机器人还是真人啊」 read as 转人工 — the hand-off took the firm's next questions. It asks what
    it talks to: the capabilities, which say it is the assistant and how to reach a person."""
    from bot.nlu.guards import after_entities

    ranking = [{"name": "human_handoff", "confidence": 0.95}, {"name": "greet", "confidence": 0.02}]
    assert after_entities(text, dict(ranking[0]), ranking, [])[0]["name"] == "ask_capabilities"
    ranking = [{"name": "human_handoff", "confidence": 0.95}]
    assert after_entities("帮我转真人客服", dict(ranking[0]), ranking, [])[0]["name"] == "human_handoff"


def test_a_question_about_checking_again_later_is_no_restart():
    """Sealed K: 「示范机构认定下来以后，要再来这里重新查一次吗？」 read as restart wiped every fact the firm had given.
    Only a restart's own words restart (bot/nlu/lexicon/grammar.yml guards.cues.restart)."""
    from bot.nlu.guards import after_entities

    ranking = [{"name": "restart", "confidence": 0.49}, {"name": "ask_capabilities", "confidence": 0.2}]
    text = "示范机构认定下来以后，要再来这里重新查一次吗？"
    assert after_entities(text, dict(ranking[0]), ranking, [])[0]["name"] != "restart"
    assert after_entities("重新开始吧", dict(ranking[0]), ranking, [])[0]["name"] == "restart"
