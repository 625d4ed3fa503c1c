"""What the firm has been told of its results: the facts as they stood when it last saw them, and one line for a
fact that changed since (「对了 越南有个客户…这个能享受离岸零税率吗」 after the results: the change, then the answer)."""
from __future__ import annotations

import functools
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.nlu.normalize import normalize
from bot.nlu.short_answers import is_correction
from policies_db import FIELDS, wording
from policies_db.evaluation import coverage

from .context import evaluate_tracker, normalized_field, previous_value
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


def questions_left(tracker: Tracker) -> bool:
    """Would the form ask anything (a covered place, facts that still decide a measure) — and has it not just ended?"""
    for event in reversed(tracker.events):  # once per message: the form that ran since ends with the results
        if event.get("event") == "user":
            break
        if event.get("event") == "action" and event.get("name") == "profile_form":
            return False
    evaluation = evaluate_tracker(tracker)
    if coverage.is_covered(evaluation.compiled, evaluation.profile) is False:
        return False
    return bool(evaluation.open_questions(exclude=tracker.get_slot("skipped_fields") or []))


def continue_profile(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    """After a question answered outside the form, from a firm that has told us about itself and not yet seen its
    results (「以下是我司简介，麻烦看下能享受哪些…」 then a question): the questions go on, as a clerk's would."""
    from rasa_sdk.events import FollowupAction

    if tracker.active_loop.get("name") or facts_at_last_results(tracker.events) is not None:
        return []
    if not profile_of({name: tracker.get_slot(name) for name in FIELDS}):
        return []
    if questions_left(tracker):
        dispatcher.utter_message(response="utter_profile_goes_on")
    # (no question left — outside coverage, say: the form ends at once and the results say where the firm stands)
    return [FollowupAction("profile_form")]


def city_named_in_passing(tracker: Tracker) -> List[Dict[str, Any]]:
    """[the previous city] when the latest message moved the city slot without saying the firm moved: no 「注册在…」,
    no correction (the form's validate_city applies the same rule inside the form). Empty otherwise."""
    known, now = previous_value(tracker, "city"), tracker.get_slot("city")
    if not known or not now or now == known or tracker.active_loop.get("name"):
        return []
    if previous_value(tracker, "place_query"):
        return []  # the known city was only assumed for a shared name (「西湖区」 → 杭州): the firm's place corrects it
    entities = [e for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "city"]
    if any(e.get("registered") for e in entities) or is_correction(normalize(tracker.latest_message.get("text") or "")):
        return []
    return [{"value": known}]


def keeps_city(run):
    """For an answer action outside the form: a city named in the question (「我们四川的企业 能享受啥子政策」 after 成都,
    「武汉那个…我们能用吗」) does not move the firm — the city is put back before the answer reads the profile."""
    @functools.wraps(run)
    async def wrapped(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]):
        kept = city_named_in_passing(tracker)
        if kept:
            tracker.slots["city"] = kept[0]["value"]
        return ([SlotSet("city", kept[0]["value"])] if kept else []) + await run(self, dispatcher, tracker, domain)
    return wrapped
