"""「转人工」: queue the conversation for hotline staff, ask the firm's name, and — only after a one-line notice
of purpose and retention, and the firm's consent — a phone number or WeChat id (PIPL). A refusal is fine.

    action_handoff              the request: one queue row per conversation (bot/handoff/queue.py)
    handoff_form                firm_name → contact_consent (the notice) → contact (if agreed)
    action_ask_contact_consent  the notice, with the number already typed if there is one
    validate_handoff_form       names, consent and formats (bot/handoff/contact.py); no question asked more than twice
    action_handoff_submit       stores name and contact with the hand-off, confirms
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.handoff import queue as handoff_queue
from bot.handoff.contact import KIND_LABELS, Contact, find_contact, looks_like_contact_attempt, mask
from bot.nlu.consent import agrees_to_handoff, firm_name, refuses_handoff

from .context import evaluate_tracker, profile_of

logger = logging.getLogger(__name__)

MAX_TRIES = 2  # an answer not understood twice: the question is dropped, never asked a third time
MAX_FIRM_NAME = 60


def _intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _as_contact(described: Optional[str]) -> Optional[Contact]:
    """A slot holds a contact as "手机 13812345678" (labelled, so retention can redact it anywhere)."""
    if not described or "****" in described:
        return None
    kind_label, _, value = described.partition(" ")
    kinds = {label: kind for kind, label in KIND_LABELS.items()}
    return Contact(kinds[kind_label], value) if kind_label in kinds and value else None


def _stored_contact(conversation_id: str) -> Optional[Contact]:
    row = handoff_queue.get(conversation_id)
    if row and row.get("contact") and row.get("contact_kind"):
        return Contact(row["contact_kind"], row["contact"])
    return None


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        channel = (tracker.get_latest_input_channel() or "").strip() or None
        text = tracker.latest_message.get("text") or ""
        try:
            evaluation = evaluate_tracker(tracker)
            measures = [r.measure.title for r in evaluation.eligible + evaluation.undetermined]
        except Exception:
            logger.exception("could not evaluate %s for the queue", tracker.sender_id)
            measures = None
        try:
            await asyncio.to_thread(handoff_queue.request, tracker.sender_id, channel, text, profile_of(tracker), measures)
            typed = find_contact(text)
            candidate = typed or await asyncio.to_thread(_stored_contact, tracker.sender_id)
        except Exception:
            logger.exception("could not queue handoff for %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_handoff_failed")
            return [SlotSet("handoff_requested", False)]
        if _intent(tracker) == "leave_contact":
            dispatcher.utter_message(response="utter_handoff_contact_received")
        else:
            dispatcher.utter_message(response="utter_handoff_done")
        # The consent is asked on every hand-off (with the number already known, if any): a contact is kept
        # only while the firm agrees to it, and the form always has a question, so it never ends at once.
        return [SlotSet("handoff_requested", True), SlotSet("contact_consent", None), SlotSet("contact", None),
                SlotSet("contact_candidate", candidate.describe() if candidate else None),
                SlotSet("handoff_misunderstood", None)]


class ActionAskContactConsent(Action):
    """The one-line notice (purpose, retention) before any contact is kept."""

    def name(self) -> Text:
        return "action_ask_contact_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        days = handoff_queue.contact_days()
        candidate = _as_contact(tracker.get_slot("contact_candidate"))
        if candidate:
            dispatcher.utter_message(response="utter_contact_notice_known", days=days,
                                     contact_shown=f"{candidate.label} {candidate.masked()}")
        else:
            dispatcher.utter_message(response="utter_contact_notice", days=days)
        return []


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_handoff_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        if not tracker.slots.get("handoff_requested"):
            return []
        # A number typed on its own: the notice about it first, then the name.
        order = ["contact_consent", "firm_name"] if tracker.slots.get("contact_candidate") else ["firm_name", "contact_consent"]
        if tracker.slots.get("contact_consent") is True:
            order.append("contact")
        return order

    async def next_requested_slot(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Optional[EventType]:
        # Always decided here (the SDK leaves it to Rasa when the list happens to equal the domain's).
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        return SlotSet("requested_slot", next((s for s in required if tracker.slots.get(s) is None), None))

    def _misunderstood(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, hint: str,
                       give_up: Any, give_up_response: Optional[str] = None) -> Dict[Text, Any]:
        count = (tracker.get_slot("handoff_misunderstood") or 0) + 1
        if count >= MAX_TRIES:
            if give_up_response:
                dispatcher.utter_message(response=give_up_response)
            return {slot: give_up, "handoff_misunderstood": None}
        dispatcher.utter_message(response=hint)
        return {slot: None, "handoff_misunderstood": count}

    async def validate_firm_name(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        text = str(slot_value or "").strip()
        if contact := find_contact(text):  # a number instead of the name: keep it for the notice
            return {"firm_name": "", "contact_candidate": contact.describe(), "handoff_misunderstood": None}
        if _intent(tracker) in ("deny", "dont_know") or refuses_handoff(text):
            return {"firm_name": "", "handoff_misunderstood": None}
        name = firm_name(text)
        if not name or name.startswith("/"):
            return self._misunderstood(dispatcher, tracker, "firm_name", "utter_firm_name_unclear", "")
        if len(name) > MAX_FIRM_NAME:
            return self._misunderstood(dispatcher, tracker, "firm_name", "utter_firm_name_too_long", "")
        return {"firm_name": name, "handoff_misunderstood": None}

    async def validate_contact_consent(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> Dict[Text, Any]:
        if isinstance(slot_value, bool):
            return {"contact_consent": slot_value}
        text = str(slot_value or "").strip()
        intent = _intent(tracker)
        if contact := find_contact(text):  # the number itself, typed after the notice: that is the consent
            return {"contact_consent": True, "contact": contact.describe(), "handoff_misunderstood": None}
        if intent in ("deny", "dont_know") or refuses_handoff(text):
            return {"contact_consent": False, "contact_candidate": None, "handoff_misunderstood": None}
        if intent == "affirm" or agrees_to_handoff(text):
            candidate = tracker.get_slot("contact_candidate")
            return {"contact_consent": True, "contact": candidate or None, "handoff_misunderstood": None}
        if looks_like_contact_attempt(text):  # digits, but no valid number: consent is clear, the format is not
            dispatcher.utter_message(response="utter_contact_format")
            return {"contact_consent": True, "contact": None, "handoff_misunderstood": 1}
        return self._misunderstood(dispatcher, tracker, "contact_consent", "utter_contact_consent_unclear", False)

    async def validate_contact(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        text = str(slot_value or "").strip()
        if _as_contact(text):  # already validated (from the consent answer or the candidate)
            return {"contact": text}
        if contact := find_contact(text, bare=True):
            return {"contact": contact.describe(), "handoff_misunderstood": None}
        if _intent(tracker) in ("deny", "dont_know") or refuses_handoff(text):
            return {"contact": None, "contact_consent": False, "handoff_misunderstood": None}
        result = self._misunderstood(dispatcher, tracker, "contact", "utter_contact_format", None, "utter_contact_skipped")
        if "handoff_misunderstood" in result and result["handoff_misunderstood"] is None:
            result["contact_consent"] = False  # twice not a valid number: go on without one
        return result


class ActionHandoffSubmit(Action):
    def name(self) -> Text:
        return "action_handoff_submit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if not tracker.get_slot("handoff_requested"):
            return []
        firm = (tracker.get_slot("firm_name") or "").strip()
        contact = _as_contact(tracker.get_slot("contact")) if tracker.get_slot("contact_consent") is True else None
        try:
            await asyncio.to_thread(handoff_queue.set_details, tracker.sender_id, firm or None, contact)
        except Exception:
            logger.exception("could not store the hand-off details of %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_handoff_details_failed")
            return [SlotSet("contact_candidate", None)]
        if contact:
            shown, days = f"{contact.label} {contact.masked()}", handoff_queue.contact_days()
            if firm:
                dispatcher.utter_message(response="utter_handoff_submitted_named_contact", firm=firm,
                                         contact_shown=shown, days=days)
            else:
                dispatcher.utter_message(response="utter_handoff_submitted_contact", contact_shown=shown, days=days)
        elif firm:
            dispatcher.utter_message(response="utter_handoff_submitted_named", firm=firm)
        else:
            dispatcher.utter_message(response="utter_handoff_submitted")
        # The slot keeps only the masked form; the full contact lives in the queue, where retention removes it.
        return [SlotSet("contact", f"{contact.label} {mask(contact.value)}" if contact else None),
                SlotSet("contact_candidate", None), SlotSet("handoff_misunderstood", None)]
