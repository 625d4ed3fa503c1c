"""Questions the firm asks instead of answering: 「啥是KPO？」「什么意思」「要准备什么材料？」「多久能批下来？」.

Answered in a sentence, then the form goes on with the question it was on (data/rules). Never taken as an answer.
The catalogue holds no application materials, time limits or procedures: for those the honest answer is that
the source text does not say, with the measure's departments when the firm named one.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.nlu.aspects import cue, term_explanations, without_asking
from bot.nlu.normalize import normalize
from policies_db import FIELDS, wording
from policies_db.evaluation import coverage
from policies_db.evaluation.sme import standard
from policies_db.wording.search import best_matches, index_for

from .changes import continue_profile, keeps_city, say_what_changed
from .checklist import SITUATIONS
from .context import catalogue, evaluate_tracker
from .lookup import for_region, measures_named
from .references import asked_again, pointed_measures
from .render import conditions_text, contact_text

QUESTIONS = {  # what each question is about, in one sentence with examples; other yes/no questions: utter_explain_yes_no
    "city": "utter_explain_question_city",
    "service_types": "utter_explain_question_service_types",
    "fields": "utter_explain_question_fields",
    "employees": "utter_explain_question_employees",
    "hires_foreign_talent": "utter_explain_question_hires_foreign_talent",
    "recruits_senior_talent": "utter_explain_question_recruits_senior_talent",
    "provides_training": "utter_explain_question_provides_training",
    "financial_institution": "utter_explain_question_financial_institution",
    "in_bonded_zone": "utter_explain_question_in_bonded_zone",
    "plans_listing": "utter_explain_question_plans_listing",
    "overseas_expansion": "utter_explain_question_overseas_expansion",
    SITUATIONS: "utter_explain_question_situations",
    # a question whose term says it all
    "offshore": "utter_explain_offshore",
    "onshore": "utter_explain_onshore",
    "foreign_invested": "utter_explain_foreign_invested",
    "tech_advanced_certified": "utter_explain_tech_advanced",
}



# Explanations whose figures come from data, not the reply text.
TERM_VALUES = {"utter_explain_sme": lambda: {"standard": standard()["standard"], "line": standard()["employees_below"]}}


def question_explanation(requested: str | None) -> tuple[str, Dict[str, str]]:
    """The response explaining the question being asked, with its values."""
    if requested in QUESTIONS:
        return QUESTIONS[requested], {}
    if requested in FIELDS:
        return "utter_explain_yes_no", {"circumstance": FIELDS[requested].label.removeprefix("是否")}
    return "utter_explain_the_questions", {}


def _explained_last_turn(tracker: Tracker, response: str) -> bool:
    """Did the assistant's reply to the firm's previous message explain the question (`response`) already?"""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                return False
        elif event.get("event") == "bot" and users == 1 \
                and (event.get("metadata") or {}).get("utter_action") == response:
            return True
    return False


def _named_measures(tracker: Tracker, carry_previous: bool = False):
    compiled = catalogue()
    pointed = pointed_measures(tracker, compiled)
    if pointed:  # 「第二个要什么材料」: an item of the list just given
        return pointed
    for phrase in tracker.get_latest_entity_values("policy"):
        named = measures_named(compiled, str(phrase))
        if named:
            city = evaluate_tracker(tracker).profile.get("city")
            measures, _ = for_region(compiled, named, city)
            return measures or named
    # No exact name: the measure the question is about by its words (「进口研发试剂免许可证要什么材料」, typos).
    named = best_matches(index_for(compiled), without_asking(normalize(tracker.latest_message.get("text") or "")))
    if named:
        measures, _ = for_region(compiled, named, evaluate_tracker(tracker).profile.get("city"))
        return measures or named
    if not carry_previous:
        return []  # 「不懂」 explains the question being asked, not the measure of an earlier turn
    # 「那这个怎么申请」 right after a measure was asked about: that measure (as for 「那这个找谁」).
    from .questions import _previous_measures, asked_region

    profile = evaluate_tracker(tracker).profile
    return _previous_measures(tracker, compiled, asked_region(tracker, profile))


class ActionExplain(Action):
    """「啥是KPO？」「不懂」「什么意思」: the term, or the question being asked, in one sentence."""

    def name(self) -> Text:
        return "action_explain"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = normalize(tracker.latest_message.get("text") or "")
        terms = term_explanations(text)
        if terms:  # (「ITO BPO KPO到底啥区别」: each of them)
            for term in terms:
                dispatcher.utter_message(response=term, **TERM_VALUES.get(term, dict)())
            return []
        measures = _named_measures(tracker)
        if measures:  # 「零税率是什么意思」 asks about a measure
            evaluation = evaluate_tracker(tracker)
            dispatcher.utter_message(text="\n\n".join(conditions_text(evaluation.result(m.id)) for m in measures))
            return []
        requested = tracker.get_slot("requested_slot")
        response, values = question_explanation(requested)
        if requested in FIELDS and _explained_last_turn(tracker, response):
            # 「不太懂」 again right after the question was explained: left unknown, not explained a third time.
            dispatcher.utter_message(response="utter_skip_ok")
            return [SlotSet("skipped_fields", list(tracker.get_slot("skipped_fields") or []) + [requested])]
        dispatcher.utter_message(response=response, **values)
        return []


def process_aspects(text: str) -> List[str]:
    """What of the process a message asks about (materials, time limits, procedure, amount), in words."""
    return [name for key, name in (("materials", "申报材料"), ("timing", "办理时限"), ("procedure", "申报流程"),
                                   ("amount", "补贴金额")) if cue(key, text)]


class ActionAnswerProcess(Action):
    """Materials, time limits, procedures: not in the source texts — said so, with the departments to ask."""

    def name(self) -> Text:
        return "action_answer_process"

    @keeps_city
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        say_what_changed(dispatcher, tracker)  # a fact stated beside the question, after the results
        text = normalize(tracker.latest_message.get("text") or "")
        again = asked_again(tracker)  # 「那第二个呢」 after 「…要什么材料」: the aspects asked before
        what = "和".join(process_aspects(normalize(again[1]) if again else text) or ["申报材料和流程"])
        measures = asked = _named_measures(tracker, carry_previous=True)
        if not measures:
            dispatcher.utter_message(response="utter_process_not_in_source", aspects=what)
            return []
        evaluation = evaluate_tracker(tracker)
        if not for_region(catalogue(), measures, evaluation.profile)[0] \
                and coverage.is_covered(catalogue(), evaluation.profile):
            from .questions import elsewhere

            # 「组织参展那个 展位费能报销多少」 from Jinhua: 参展 names Wuhan's measures, the words a Zhejiang one.
            def here(m):
                return bool(for_region(catalogue(), [m], evaluation.profile)[0])

            measures = best_matches(index_for(catalogue()), without_asking(text), keep=here)
            named = any(measures_named(catalogue(), str(p)) for p in tracker.get_latest_entity_values("policy"))
            if not measures and named:  # 「武汉那个培训示范机构的补贴有多少」 from Hangzhou: another region's — say so
                dispatcher.utter_message(response="utter_measure_elsewhere",
                                         **elsewhere(catalogue(), asked, evaluation.profile))
                return continue_profile(dispatcher, tracker)
            if not measures:
                # Only words another region's measure shares (「浙江这个政策对我们发包的有没有补贴」 from Taizhou, 「补贴
                # 有多少钱」): no measure of the firm's own is asked about — what the texts say of that, in general.
                dispatcher.utter_message(response="utter_process_not_in_source", aspects=what)
                return continue_profile(dispatcher, tracker)
        for m in measures:  # one message each (channels split a text at blank lines anyway)
            r = evaluation.result(m.id)  # (what the text does say — 「以申报通知为准」 — before whom to ask)
            dispatcher.utter_message(response="utter_process_not_in_source_for", title=m.title, aspects=what,
                                     departments=wording.notes_sentence(r) + contact_text(r))
        return continue_profile(dispatcher, tracker)
