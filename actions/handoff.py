"""「转人工」: queue the conversation for hotline staff and tell the firm what happens next."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import handoff_queue

from .context import profile_of

logger = logging.getLogger(__name__)


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        channel = (tracker.get_latest_input_channel() or "").strip() or None
        try:
            await asyncio.to_thread(handoff_queue.add, tracker.sender_id, channel,
                                    tracker.latest_message.get("text"), profile_of(tracker))
        except Exception:  # noqa: BLE001 - the firm must still get an answer
            logger.exception("could not queue handoff for %s", tracker.sender_id)
            dispatcher.utter_message(text="抱歉，转人工暂时没有成功。请稍后再试，或直接联系所在地商务主管部门。")
            return []
        dispatcher.utter_message(text=(
            "好的，已为您转人工。热线工作人员会查看本次对话和您已提供的企业信息，在工作时间与您联系。"
            "如需电话回复，请留下联系人和电话；在此期间您也可以继续问我。"))
        return [SlotSet("handoff_requested", True)]
