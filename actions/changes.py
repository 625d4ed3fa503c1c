"""What the firm has been told of its results: the facts as they stood when it last saw them, and one line for a
fact that changed since (「对了 越南有个客户…这个能享受离岸零税率吗」 after the results: the change, then the answer)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from policies_db import FIELDS, wording

from .context import evaluate_tracker, normalized_field
from .render import previous_results

CHANGED = "utter_results_changed"  # the one line: once said, the firm knows its results under the new facts


def _told(event: Dict[str, Any]) -> bool:
    if event.get("event") != "bot":
        return False
    if ((event.get("data") or {}).get("custom") or {}).get("type") == "eligibility_results":
        return True
    return (event.get("metadata") or {}).get("utter_action") == CHANGED


def facts_at_last_results(events: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The profile facts as they were when the results (or a change to them) were last shown; None if never."""
    facts: Dict[str, Any] = {}
    shown: Optional[Dict[str, Any]] = None
    for event in events:
        kind = event.get("event")
        if kind == "restart":
            facts, shown = {}, None
        elif kind == "slot" and event.get("name") in FIELDS:
            facts[event["name"]] = event.get("value")
        elif _told(event):
            shown = dict(facts)
    return shown


def profile_of(slots: Dict[str, Any]) -> Dict[str, Any]:
    return {name: normalized_field(name, value) for name, value in slots.items() if value is not None}


def say_what_changed(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """After the results, outside the form: a message that stated a new fact beside its question gets the change in
    one line before the answer (the list is not sent again). True when a line was said."""
    if tracker.active_loop.get("name"):
        return False
    shown = facts_at_last_results(tracker.events)
    if shown is None:
        return False
    if profile_of(shown) == profile_of({name: tracker.get_slot(name) for name in FIELDS}):
        return False
    change = wording.diff(previous_results(tracker.events), evaluate_tracker(tracker))
    if not change or not change["facts"]:
        return False
    dispatcher.utter_message(response=CHANGED, change=wording.diff_text(change))
    return True
