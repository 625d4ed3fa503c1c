"""The results, when the profile form ends or the firm asks for them outside it (data/rules/rules.yml).

  - A question, thanks, small talk or a stray message after the results passes through the form (every message is
    read for facts); when it brings no new fact the firm gets one line, not the whole list again.
  - 「请问有什么政策适合我们企业」 as an opening line, with nothing known yet: the profile questions start.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from policies_db import FIELDS, coverage

from .context import evaluate_tracker, normalized_field
from .results import ActionShowResults


def facts_at_last_results(events: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The profile facts as they were when the results were last shown; None if they never were."""
    facts: Dict[str, Any] = {}
    shown: Optional[Dict[str, Any]] = None
    for event in events:
        kind = event.get("event")
        if kind == "restart":
            facts, shown = {}, None
        elif kind == "slot" and event.get("name") in FIELDS:
            facts[event["name"]] = event.get("value")
        elif kind == "bot" and ((event.get("data") or {}).get("custom") or {}).get("type") == "eligibility_results":
            shown = dict(facts)
    return shown


def _profile(slots: Dict[str, Any]) -> Dict[str, Any]:
    return {name: normalized_field(name, value) for name, value in slots.items() if value is not None}


class ActionShowResultsOnChange(Action):
    def name(self) -> Text:
        return "action_show_results_on_change"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        shown = facts_at_last_results(tracker.events)
        now = {name: tracker.get_slot(name) for name in FIELDS}
        asked = (tracker.latest_message.get("intent") or {}).get("name") == "show_results"
        if asked and not _profile(now) and tracker.active_loop.get("name") != "profile_form":
            dispatcher.utter_message(response="utter_greet")
            return [FollowupAction("profile_form")]
        if shown is not None and _profile(shown) == _profile(now):
            # Nothing changed: one line and the report link, whatever the phrasing (「好的，请告诉我结果」「再发一遍」).
            from .manners import report_links_for

            links = await report_links_for(tracker)
            evaluation = evaluate_tracker(tracker)
            if coverage.is_covered(evaluation.compiled, evaluation.profile) is False:
                # 「那我们能享受哪些？」 from a firm outside coverage: its place, what is covered, whom to ask.
                dispatcher.utter_message(response="utter_outside_coverage",
                                         outside=coverage.outside_text(evaluation.compiled, evaluation.profile))
            elif links is None:
                dispatcher.utter_message(response="utter_results_unchanged")
            else:
                dispatcher.utter_message(response="utter_results_unchanged_link", page=links["page"])
            return []
        return await ActionShowResults().run(dispatcher, tracker, domain)
