"""The adaptive profile form: ask only the field that decides the most open measures."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from policies_db import FIELDS
from policies_db.engine import evaluate_compiled

from .checklist import OFFERED, SITUATIONS, checklist_items, read_answer
from .context import as_of, catalogue, normalized_field, profile_from_slots

MAX_MISUNDERSTOOD = 2  # answers not understood before a question is skipped

# Intents the form leaves to the rules (questions, handoff, results…): the form steps aside.
INTERRUPTIONS = {
    "show_results", "ask_why_not", "ask_conditions", "ask_contact", "ask_topic", "ask_capabilities",
    "restart", "human_handoff", "out_of_scope", "goodbye", "thanks", "greet",
    "leave_contact",  # a phone number / WeChat id: data/rules/handoff.yml
}


def _just_answered(tracker: Tracker) -> bool:
    """Is the form running on the firm's reply (and not resuming after an interruption)?

    Rasa marks the tracker it sends for validation with the form's own action event: skip it."""
    for event in reversed(tracker.events):
        if event.get("event") in ("slot", "user_featurization", "active_loop"):
            continue
        if event.get("event") == "action" and event.get("name") == "profile_form":
            continue
        return event.get("event") == "user"
    return False


class ValidateProfileForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_profile_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        # The fields already known (so their new values are validated) and then the one question
        # that decides the most open measures; the form asks the first unfilled slot.
        # Several yes/no circumstances still open after the core questions: one checklist instead.
        profile = profile_from_slots(tracker.slots)
        skipped = tracker.slots.get("skipped_fields") or []
        open_questions = evaluate_compiled(catalogue(), profile, as_of()).open_questions(exclude=skipped)
        known = [name for name in domain_slots if name in FIELDS and tracker.slots.get(name) is not None]
        if checklist_items(open_questions):
            return known + [SITUATIONS]
        return known + open_questions[:1]

    async def extract_situations(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        """The firm's answer to the checklist: the circumstances that apply, those that don't, those unclear."""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if tracker.get_slot("requested_slot") != SITUATIONS or intent in INTERRUPTIONS or not _just_answered(tracker):
            return {}
        offered = tracker.get_slot(OFFERED) or []
        answer = read_answer(tracker.latest_message.get("text") or "", intent,
                             tracker.latest_message.get("entities") or [], offered)
        if answer is None:
            return {}
        slots: Dict[Text, Any] = dict(answer.values)
        if answer.unknown:
            slots["skipped_fields"] = list(tracker.get_slot("skipped_fields") or []) + answer.unknown
            if not answer.values:
                dispatcher.utter_message(response="utter_skip_ok")
        return slots

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        skipped_before = tracker.get_slot("skipped_fields")
        events = await super().run(dispatcher, tracker, domain)
        if tracker.get_slot("skipped_fields") != skipped_before:
            # Set by extract_situations ("其他不清楚"); the SDK returns only the form's own slots.
            events = [e for e in events if e.get("name") != "skipped_fields"]
            events.append(SlotSet("skipped_fields", tracker.get_slot("skipped_fields")))
        requested = tracker.get_slot("requested_slot")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        answer_slots = set(FIELDS) | ({"skipped_fields"} if requested == SITUATIONS else set())
        filled = any(isinstance(e, dict) and e.get("event") == "slot" and e.get("name") in answer_slots for e in events)
        if filled and tracker.get_slot("misunderstood_turns"):
            events = events + [SlotSet("misunderstood_turns", None)]
        if not requested or filled or tracker.active_loop.get("name") != "profile_form":
            return events
        if intent == "dont_know":
            # Unknown stays unknown; remember not to ask it again and move on.
            return await self._skip(dispatcher, tracker, domain, events, requested, "utter_skip_ok")
        if intent not in INTERRUPTIONS:
            count = (tracker.get_slot("misunderstood_turns") or 0) + 1
            if count >= MAX_MISUNDERSTOOD:
                # Twice not understood: leave the field unknown rather than loop on it.
                return await self._skip(dispatcher, tracker, domain, events, requested, "utter_skip_unclear")
            # Nothing usable in the answer: say what is expected and ask again instead of leaving the form.
            hint = ("utter_did_not_understand_checklist" if requested == SITUATIONS
                    else "utter_did_not_understand_list" if FIELDS[requested].kind == "list"
                    else "utter_did_not_understand")
            dispatcher.utter_message(response=hint)
            return events + [SlotSet("misunderstood_turns", count)]
        return events

    async def _skip(self, dispatcher, tracker, domain, events, requested, response) -> List[EventType]:
        unanswered = (tracker.get_slot(OFFERED) or []) if requested == SITUATIONS else [requested]
        skipped = list(tracker.get_slot("skipped_fields") or []) + unanswered
        dispatcher.utter_message(response=response)
        tracker.slots["skipped_fields"] = skipped
        extra: List[EventType] = [SlotSet("skipped_fields", skipped), SlotSet("misunderstood_turns", None)]
        extra.append(await self.next_requested_slot(dispatcher, tracker, domain))
        return [e for e in events if not (e.get("event") == "slot" and e.get("name") == "requested_slot")] + extra

    # -- per-slot normalization (the engine's contract) -----------------------------------------

    def _validate(self, name: str, value: Any) -> Dict[Text, Any]:
        return {name: normalized_field(name, value)}

    async def validate_city(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._validate("city", value)

    async def validate_service_types(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._validate("service_types", value)

    async def validate_fields(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._validate("fields", value)

    async def validate_employees(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._validate("employees", value)


def _bool_validator(name: str):
    async def validate(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._validate(name, value)

    validate.__name__ = f"validate_{name}"
    return validate


for _name, _spec in FIELDS.items():
    if _spec.kind == "bool":
        setattr(ValidateProfileForm, f"validate_{_name}", _bool_validator(_name))
