"""Questions the firm asks instead of answering: 「啥是KPO？」「什么意思」「要准备什么材料？」「多久能批下来？」.

Answered in a sentence, then the form goes on with the question it was on (data/rules). Never taken as an answer.
The catalogue holds no application materials, time limits or procedures: for those the honest answer is that
the source text does not say, with the measure's departments when the firm named one.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.nlu.normalize import normalize
from policies_db import FIELDS

from .checklist import SITUATIONS
from .context import catalogue, evaluate_tracker
from .lookup import for_region, measures_named
from .render import conditions_text, contact_text

# Terms a firm may not know, explained with examples (the usual ITO/BPO/KPO split of China's
# service-outsourcing statistics).
TERMS = [
    (r"KPO|知识流程外包", "KPO（知识流程外包）指以专业知识和研发为主的外包服务，例如工业设计、医药研发、数据分析。"),
    (r"BPO|业务流程外包", "BPO（业务流程外包）指替客户承担业务流程的外包服务，例如呼叫中心、人力资源外包、供应链管理、金融后台。"),
    (r"ITO|信息技术外包", "ITO（信息技术外包）指为客户提供软件和信息技术服务的外包，例如软件开发、系统集成、IT运维。"),
    (r"离岸", "离岸服务外包指为境外客户提供服务，例如承接海外公司的软件开发或客服业务。"),
    (r"在岸", "在岸服务外包指为境内客户提供服务外包，也就是客户在国内。"),
    (r"外商投资|外资", "外商投资企业指有境外投资者出资的企业，例如中外合资企业、外商独资企业。"),
    (r"综保区|综合保税区", "综合保税区（综保区）是海关特殊监管区域，这里问的是公司是否注册或经营在综保区内。"),
    (r"技术先进型", "技术先进型服务企业是经有关部门认定的一类服务外包企业资质，已获认定的企业会有认定文件；没有申请过选“不是”即可。"),
]
_TERMS = [(re.compile(p, re.IGNORECASE), text) for p, text in TERMS]

QUESTIONS = {  # what each question is about, in one sentence with examples
    "city": "这里问的是贵公司注册所在的城市，例如杭州、宁波、武汉，区县名也可以。",
    "service_types": "服务外包分三类：信息技术外包（ITO，如软件开发、IT运维）、业务流程外包（BPO，如呼叫中心、人力资源外包）、"
                     "知识流程外包（KPO，如工业设计、医药研发、数据分析），说出贵公司做的业务也可以。",
    "fields": "这里问的是贵公司的主要业务领域，例如软件开发、人工智能、医药研发、工业设计、会计法律、呼叫中心。",
    "employees": "这里问的是贵公司目前的员工总数，说个大概即可，例如“两百人左右”。",
    "hires_foreign_talent": "这里问的是贵公司是否聘用或计划聘用外籍员工，例如外籍工程师、外国专家。",
    "recruits_senior_talent": "这里问的是贵公司近期是否计划引进紧缺急需的高级人才，例如高级研发或管理人才。",
    "provides_training": "这里问的是贵公司是否开展服务外包人才培训，例如作为培训机构为外包企业培养从业人员。",
    "financial_institution": "这里问的是贵单位是否为银行、保险公司、证券公司等金融机构。",
    "in_bonded_zone": "这里问的是公司是否注册或经营在综合保税区（综保区）内。",
    "plans_listing": "这里问的是贵公司是否有上市（IPO）或挂牌融资的计划。",
    "overseas_expansion": "这里问的是贵公司是否计划在海外设立分公司、子公司、办事处或境外合作园区。",
    SITUATIONS: "列出的是几种企业情况，符合哪几项就回复它们的编号，例如“1 3”；都不符合请回复“都没有”，拿不准的可以说“不清楚”。",
}
_FIELD_TERM = {"service_types": "KPO", "offshore": "离岸", "onshore": "在岸", "foreign_invested": "外资",
               "in_bonded_zone": "综保区", "tech_advanced_certified": "技术先进型"}

_MATERIALS = re.compile(r"材料|资料|文件|证明|准备什么|提交什么|要带")
_TIME = re.compile(r"多久|多长时间|几天|几个月|时限|什么时候|何时|截止|期限|到账")
_PROCEDURE = re.compile(r"流程|步骤|程序|怎么申请|如何申请|怎么申报|如何申报|怎么报|在哪.*申")


def term_explanation(text: str) -> str | None:
    for pattern, explanation in _TERMS:
        if pattern.search(text):
            return explanation
    return None


def question_explanation(requested: str | None) -> str:
    if requested in QUESTIONS:
        return QUESTIONS[requested]
    if requested in _FIELD_TERM:
        return term_explanation(_FIELD_TERM[requested]) or ""
    if requested in FIELDS:
        return f"这里想了解贵公司{FIELDS[requested].label.removeprefix('是否')}，按实际情况回答“是”或“不是”即可，拿不准可以说“不清楚”。"
    return "我会问几个关于贵公司的简单问题（所在城市、业务类型等），据此找出贵公司可以享受的服务外包扶持政策。"


def _named_measures(tracker: Tracker):
    compiled = catalogue()
    for phrase in tracker.get_latest_entity_values("policy"):
        named = measures_named(compiled, str(phrase))
        if named:
            city = evaluate_tracker(tracker).profile.get("city")
            measures, _ = for_region(compiled, named, city)
            return measures or named
    return []


class ActionExplain(Action):
    """「啥是KPO？」「不懂」「什么意思」: the term, or the question being asked, in one sentence."""

    def name(self) -> Text:
        return "action_explain"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = normalize(tracker.latest_message.get("text") or "")
        explanation = term_explanation(text)
        if explanation is None:
            measures = _named_measures(tracker)
            if measures:  # 「零税率是什么意思」 asks about a measure
                evaluation = evaluate_tracker(tracker)
                dispatcher.utter_message(text="\n\n".join(conditions_text(evaluation.result(m.id)) for m in measures))
                return []
            explanation = question_explanation(tracker.get_slot("requested_slot"))
        dispatcher.utter_message(text=explanation)
        return []


class ActionAnswerProcess(Action):
    """Materials, time limits, procedures: not in the source texts — said so, with the departments to ask."""

    def name(self) -> Text:
        return "action_answer_process"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = normalize(tracker.latest_message.get("text") or "")
        aspects = [name for pattern, name in ((_MATERIALS, "申报材料"), (_TIME, "办理时限"), (_PROCEDURE, "申报流程"))
                   if pattern.search(text)] or ["申报材料和流程"]
        what = "和".join(aspects)
        measures = _named_measures(tracker)
        if not measures:
            dispatcher.utter_message(text=f"{what}政策原文未规定，请以部门通知为准。每项政策的联系部门会在结果中列出，"
                                          "您也可以问“某项政策找哪个部门”。")
            return []
        evaluation = evaluate_tracker(tracker)
        lines = [f"「{m.title}」的{what}，政策原文未规定，请以部门通知为准。{contact_text(evaluation.result(m.id))}"
                 for m in measures]
        dispatcher.utter_message(text="\n\n".join(lines))
        return []
