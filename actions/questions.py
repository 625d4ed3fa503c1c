"""Questions about measures at any point: why not X, X's conditions, whom to call, measures on a topic."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from policies_db import coverage

from .context import catalogue, evaluate_tracker
from .lookup import for_region, measures_named, measures_on_topic
from .render import conditions_text, contact_text, coverage_text, outside_coverage_text, why_text

ANSWERS = {"ask_why_not": why_text, "ask_conditions": conditions_text, "ask_contact": contact_text}


def region_label(compiled, measure) -> str:
    """【浙江】/【武汉】: the short name of the document's jurisdiction."""
    return "【" + coverage.region_short(compiled.documents[measure.document_id].jurisdiction) + "】"


def _policy_phrases(tracker: Tracker) -> List[str]:
    return [str(v) for v in tracker.get_latest_entity_values("policy")]


def other_region_text(compiled, measures, profile: dict) -> str:
    """The firm asked about measures that exist only elsewhere (or the firm is outside coverage)."""
    if coverage.is_covered(compiled, profile) is False:
        return outside_coverage_text(compiled, profile)
    place = coverage.firm_place(profile)
    city = place.label if place else profile.get("city")
    docs = {m.document_id: compiled.documents[m.document_id] for m in measures}
    where = "、".join(dict.fromkeys(coverage.region_name(d.jurisdiction) for d in docs.values()))
    titles = "、".join(f"「{m.title}」" for m in measures)
    sources = "、".join(f"《{d.title}》" for d in docs.values())
    return f"{titles}出自{sources}，只适用于{where}的企业，贵公司在{city}，暂不适用。可以问我“{city}有哪些相关政策”。"


class ActionAnswerMeasure(Action):
    def name(self) -> Text:
        return "action_answer_measure"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        answer = ANSWERS.get(intent, why_text)
        phrases = _policy_phrases(tracker)
        if not phrases:
            if intent == "ask_contact":  # 「找哪个部门？」 without a measure: each has its own departments
                dispatcher.utter_message(text="每项政策的联系部门不同，会在结果中逐项列出；"
                                              "您也可以直接问某项政策，例如“零税率找哪个部门”。")
            else:
                dispatcher.utter_message(text="请问您想了解哪项政策？例如“零税率”“出口信用保险”“工作许可”“人才培训”。")
            return []
        compiled = catalogue()
        # The first phrase that names a measure: 「培训示范机构怎么认定」 is about 培训示范机构.
        phrase, named = phrases[0], []
        for candidate in phrases:
            named = measures_named(compiled, candidate)
            if named:
                phrase = candidate
                break
        if not named:
            dispatcher.utter_message(text=f"抱歉，没有找到与“{phrase}”对应的政策。{coverage_text(compiled)}，您可以换个说法，或说“有哪些人才政策”按主题查找。")
            return []
        evaluation = evaluate_tracker(tracker)
        measures, _ = for_region(compiled, named, evaluation.profile)
        if not measures:
            dispatcher.utter_message(text=other_region_text(compiled, named, evaluation.profile))
            return []
        several_regions = len({compiled.documents[m.document_id].jurisdiction for m in measures}) > 1
        parts = []
        for m in measures:
            prefix = region_label(compiled, m) if several_regions else ""
            parts.append(prefix + answer(evaluation.result(m.id)))
        if several_regions:
            parts.append("告诉我贵公司所在城市，我可以只回答适用的那一项。")
        dispatcher.utter_message(text="\n\n".join(parts))
        return []


class ActionTopicLookup(Action):
    def name(self) -> Text:
        return "action_topic_lookup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        phrases = _policy_phrases(tracker)
        phrase = phrases[0] if phrases else tracker.get_slot("pending_topic")
        if not phrase:
            dispatcher.utter_message(text="请问您想查哪一类政策？例如税收优惠、出口信用保险、人才引进、人才培训、市场开拓。")
            return [SlotSet("awaiting_region", None)]
        compiled = catalogue()
        found = measures_on_topic(compiled, phrase)
        evaluation = evaluate_tracker(tracker)
        city = evaluation.profile.get("city") or evaluation.profile.get("province")
        measures, need_region = for_region(compiled, found, evaluation.profile)
        # In the profile form the city question comes anyway: answer for every region now.
        if need_region and tracker.active_loop.get("name") != "profile_form":
            where = "和".join(dict.fromkeys(region_label(compiled, m).strip("【】") for m in measures))
            dispatcher.utter_message(text=f"{where}都有{phrase}相关的政策。请问贵公司在哪个城市？我只列出适用于贵公司的。")
            return [SlotSet("pending_topic", phrase), SlotSet("awaiting_region", True)]
        done = [SlotSet("pending_topic", None), SlotSet("awaiting_region", None)]
        if city and not measures and not found:
            dispatcher.utter_message(text=f"抱歉，没有找到“{phrase}”相关的政策。{coverage_text(compiled)}。")
            return done
        if not measures:
            dispatcher.utter_message(text=outside_coverage_text(compiled, evaluation.profile) if city
                                     else f"抱歉，没有找到“{phrase}”相关的政策。")
            return done
        several_regions = len({compiled.documents[m.document_id].jurisdiction for m in measures}) > 1
        lines = [f"与“{phrase}”相关的政策共{len(measures)}项："]
        for i, m in enumerate(measures, 1):
            r = evaluation.result(m.id)
            status = {"eligible": "贵公司符合", "undetermined": "还需确认", "ineligible": "暂不符合"}[r.status]
            region = region_label(compiled, m) if several_regions else ""
            lines.append(f"{i}. {region}{m.title}（{status}）：{m.summary}")
        lines.append("想了解某一项的条件或联系部门，直接问我，比如“" + measures[0].title + "找哪个部门”。")
        dispatcher.utter_message(text="\n".join(lines))
        return done
