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
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.push import contact, store
from bot.push.diff import snapshot

from .context import evaluate_tracker, profile_of
from .render import profile_summary

logger = logging.getLogger(__name__)
MAX_TRIES = 2
_DECLINE = re.compile(r"不同意|不用|不要|不需要|算了|取消|拒绝|不了|^不$|^否$|^no$", re.IGNORECASE)
_AGREE = re.compile(r"同意|好的?|可以|行|是的?|嗯|确认|没问题|^ok$|^yes$", re.IGNORECASE)
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


def notice(profile: dict, in_wecom: bool) -> str:
    reach = "您当前使用的企业微信账号" if in_wecom else "您接下来留下的电子邮箱或企业微信账号"
    months = store.retention_months()
    return ("订阅前请您确认：\n"
            f"· 保存的信息：贵公司的情况（{profile_summary(profile)}）和{reach}；\n"
            "· 用途：仅用于在发布新的或有变化的扶持政策时，判断是否适用于贵公司并通知您；\n"
            f"· 保存期限：{months}个月，到期自动删除；\n"
            "· 随时停止：回复“退订”或点击提醒中的退订链接，信息立即删除。\n"
            "您同意吗？")


def _intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


class ActionAskPushConsent(Action):
    def name(self) -> Text:
        return "action_ask_push_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text=notice(profile_of(tracker), wecom_identity(tracker) is not None),
                                 buttons=[{"title": "同意", "payload": "/affirm"}, {"title": "不同意", "payload": "/deny"}])
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
        if intent == "deny" or _DECLINE.search(text):
            return {"push_consent": False}
        if intent == "affirm" or _AGREE.search(text):
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
        if _DECLINE.search(text) or tries >= MAX_TRIES:
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
        try:
            sub = await asyncio.to_thread(
                store.subscribe, tracker.sender_id, channel, address, profile, snapshot(evaluate_tracker(tracker)),
                notice(profile, identity is not None), open_kfid)
        except Exception:
            logger.exception("could not store the push subscription of %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_push_failed")
            return RESET
        where = "企业微信" if identity else f"{contact.LABELS[channel]} {contact.masked(channel, address)}"
        until = f"{sub.expires_at.year}年{sub.expires_at.month}月{sub.expires_at.day}日"
        dispatcher.utter_message(text=(
            f"已为您订阅新政策提醒。有新的或变化的扶持政策适用于贵公司时，我们会通过{where}通知您。"
            f"订阅有效至{until}；如需停止，回复“退订”即可，信息会立即删除。"))
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
