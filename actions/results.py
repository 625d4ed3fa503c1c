"""Results of the eligibility evaluation, and the explanation of what the firm misses."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .context import evaluate_tracker
from .render import ineligible_text, results_payload, results_text


class ActionShowResults(Action):
    def name(self) -> Text:
        return "action_show_results"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        evaluation = evaluate_tracker(tracker)
        dispatcher.utter_message(text=results_text(evaluation), json_message=results_payload(evaluation))
        return [SlotSet("misunderstood_turns", None)]


class ActionExplainIneligible(Action):
    def name(self) -> Text:
        return "action_explain_ineligible"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text=ineligible_text(evaluate_tracker(tracker)))
        return []
