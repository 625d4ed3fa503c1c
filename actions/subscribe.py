"""「有新政策请通知我」/「退订」: the firm's side of 精准推送 (bot/push).

    push_form                 push_consent (the notice: what is kept, for what, how long, how to stop)
                              → push_contact (website only: e-mail or 企业微信 account; WeCom users are
                              reached where they write)
    action_ask_push_consent   the notice, with the retention period (PUSH_RETENTION_MONTHS, default 12)
    validate_push_form        agreement and contact formats; nothing asked more than twice
    action_subscribe          stores the profile and its evaluation, or says why not
    action_unsubscribe        deletes every subscription of this conversation / WeCom user
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

from bot.nlu.consent import agrees_to_subscription, declines_subscription
from bot.push import contact, store
from bot.push.diff import snapshot

from .context import evaluate_tracker, profile_of
from .render import profile_summary
from .responses import render

logger = logging.getLogger(__name__)
MAX_TRIES = 2
RESET = [SlotSet("push_consent", None), SlotSet("push_contact", None), SlotSet("push_tries", None)]


def wecom_identity(tracker: Tracker) -> Optional[tuple[str, str, Optional[str]]]:
    """(channel, user id, open_kfid) when the firm writes from WeCom: it is reached where it writes."""
    sender = tracker.sender_id or ""
    if sender.startswith("wecom-"):
        return "wecom_app", sender[len("wecom-"):], None
    if sender.startswith("wxkf-"):
        metadata = tracker.latest_message.get("metadata") or {}
        return "wecom_kf", sender[len("wxkf-"):], metadata.get("open_kfid")
    return None


def notice(profile: dict, in_wecom: bool) -> tuple[str, Dict[str, Any]]:
    """The notice's response (domain/push.yml) and values: on WeCom the firm is reached where it writes."""
    name = "utter_push_notice_wecom" if in_wecom else "utter_push_notice"
    return name, {"summary": profile_summary(profile), "months": store.retention_months()}


def _intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


class ActionAskPushConsent(Action):
    def name(self) -> Text:
        return "action_ask_push_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        name, values = notice(profile_of(tracker), wecom_identity(tracker) is not None)
        dispatcher.utter_message(response=name, **values)  # with its 同意 / 不同意 buttons
        return []


class ValidatePushForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_push_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        if not profile_of(tracker).get("city") or tracker.get_slot("push_consent") is False:
            return []  # nothing to subscribe with, or declined: action_subscribe says so
        return ["push_consent"] if wecom_identity(tracker) else ["push_consent", "push_contact"]

    def _tries(self, tracker: Tracker) -> int:
        return int(tracker.get_slot("push_tries") or 0) + 1

    def validate_push_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        if isinstance(value, bool):  # already decided (validated on an earlier turn)
            return {"push_consent": value}
        text, intent = str(value or "").strip(), _intent(tracker)
        if intent == "deny" or declines_subscription(text):
            return {"push_consent": False}
        if intent == "affirm" or agrees_to_subscription(text):
            return {"push_consent": True, "push_tries": None}
        tries = self._tries(tracker)
        if tries >= MAX_TRIES:
            return {"push_consent": False, "push_tries": None}
        dispatcher.utter_message(response="utter_push_consent_unclear")
        return {"push_consent": None, "push_tries": tries}

    def validate_push_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        text = str(value or "").strip()
        found = contact.parse(text)
        if found and found[0] == "sms":
            dispatcher.utter_message(response="utter_push_no_sms")
            return {"push_contact": None}
        if found:
            return {"push_contact": f"{found[0]} {found[1]}", "push_tries": None}
        tries = self._tries(tracker)
        if declines_subscription(text) or tries >= MAX_TRIES:
            return {"push_contact": None, "push_consent": False, "push_tries": None}
        dispatcher.utter_message(response="utter_push_contact_format")
        return {"push_contact": None, "push_tries": tries}


class ActionSubscribe(Action):
    def name(self) -> Text:
        return "action_subscribe"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        profile = profile_of(tracker)
        if not profile.get("city"):
            dispatcher.utter_message(response="utter_push_needs_profile")
            return RESET
        if tracker.get_slot("push_consent") is not True:
            dispatcher.utter_message(response="utter_push_declined")
            return RESET
        identity = wecom_identity(tracker)
        if identity:
            channel, address, open_kfid = identity
        else:
            channel, _, address = (tracker.get_slot("push_contact") or "").partition(" ")
            open_kfid = None
            if not address:
                dispatcher.utter_message(response="utter_push_declined")
                return RESET
        name, values = notice(profile, identity is not None)
        try:
            sub = await asyncio.to_thread(
                store.subscribe, tracker.sender_id, channel, address, profile, snapshot(evaluate_tracker(tracker)),
                render(domain, name, **values), open_kfid)  # the notice as the firm read it
        except Exception:
            logger.exception("could not store the push subscription of %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_push_failed")
            return RESET
        until = f"{sub.expires_at.year}年{sub.expires_at.month}月{sub.expires_at.day}日"
        if identity:
            dispatcher.utter_message(response="utter_push_subscribed_wecom", until=until)
        else:
            dispatcher.utter_message(response="utter_push_subscribed", until=until,
                                     contact_shown=f"{contact.LABELS[channel]} {contact.masked(channel, address)}")
        return RESET


class ActionUnsubscribe(Action):
    def name(self) -> Text:
        return "action_unsubscribe"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        identity = wecom_identity(tracker)
        try:
            removed = await asyncio.to_thread(store.unsubscribe_conversation, tracker.sender_id,
                                              identity[1] if identity else None)
        except Exception:
            logger.exception("could not unsubscribe %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_push_failed")
            return RESET
        dispatcher.utter_message(response="utter_push_unsubscribed" if removed else "utter_push_not_subscribed")
        return RESET
