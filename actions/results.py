"""Results of the eligibility evaluation, and the explanation of what the firm misses."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.report import store as report_links
from policies_db import wording
from policies_db.evaluation import coverage

from .context import evaluate_tracker
from .render import ineligible_text, previous_results, results_payload, results_text

logger = logging.getLogger(__name__)


async def _report(sender_id: str, evaluation) -> Optional[dict]:
    """The conversation's report link, refreshed with these facts; None if the firm is outside coverage
    or the link store is unavailable (the results are shown anyway)."""
    if not coverage.is_covered(evaluation.compiled, evaluation.profile):
        return None
    try:
        link = await asyncio.to_thread(report_links.publish, sender_id, evaluation.profile, evaluation.as_of)
    except Exception:  # any store failure: the firm must still get its results
        logger.exception("could not publish the report link for %s", sender_id)
        return None
    return {**report_links.links(link["token"]), "expires_at": link["expires_at"]}


class ActionShowResults(Action):
    def name(self) -> Text:
        return "action_show_results"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        evaluation = evaluate_tracker(tracker)
        # After a correction: what changed since the results shown last (新增 2 项 / 不再符合 1 项).
        change = wording.diff(previous_results(tracker.events), evaluation)
        if change and not change["facts"]:
            change = None  # the same facts again: nothing to highlight
        report = await _report(tracker.sender_id, evaluation)
        # 精准推送: a firm with results it can act on may ask to hear about new ones (actions/subscribe.py).
        buttons = [{"title": "有新政策请通知我", "payload": "/subscribe_push"}] if report else []
        dispatcher.utter_message(text=results_text(evaluation, change),
                                 json_message=results_payload(evaluation, change, report), buttons=buttons)
        return [SlotSet("misunderstood_turns", None)]


class ActionExplainIneligible(Action):
    def name(self) -> Text:
        return "action_explain_ineligible"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text=ineligible_text(evaluate_tracker(tracker)))
        return []
