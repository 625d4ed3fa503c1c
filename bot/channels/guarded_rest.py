"""The REST channel with its input checked: malformed requests get a clear 4xx, oversized or empty
messages a polite reply, and a failed turn an apology — never a 500 or silence."""
from __future__ import annotations

import json
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot import rasa_patches

from .failure import APOLOGY, turn_failed

MAX_SENDER = 128
MAX_MESSAGE = 5000
TOO_LONG = f"您的消息太长了（超过{MAX_MESSAGE}字），请分几次发送，或简要说明贵公司的情况。"
EMPTY = "请输入您想咨询的内容，例如“我们是宁波的外资企业，做离岸呼叫中心”。"


def _body(request: Request):
    try:
        return request.json
    except Exception:  # noqa: BLE001 - sanic raises on invalid JSON or bytes that are not UTF-8
        return None


class GuardedRestMixin:
    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "InputChannel":
        rasa_patches.apply()  # start-up: see bot/channels/__init__.py
        return cls()

    def guard(self, bp: Blueprint) -> Blueprint:
        @bp.middleware("request")
        async def well_formed(request: Request):
            if request.method != "POST":
                return None
            body = _body(request)
            sender = body.get("sender") if isinstance(body, dict) else None
            message = body.get("message") if isinstance(body, dict) else None
            if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER or not isinstance(message, str):
                return response.json({"error": "请求体应为 JSON：{\"sender\": \"…\", \"message\": \"…\"}"}, status=400)
            if len(message) > MAX_MESSAGE:
                return response.json([{"recipient_id": sender, "text": TOO_LONG}])
            if not message.strip():
                return response.json([{"recipient_id": sender, "text": EMPTY}])
            request.ctx.turn_started = time.monotonic()
            return None

        @bp.middleware("response")
        async def apologize_on_failure(request: Request, resp):
            if request.method != "POST" or resp.status != 200 or request.args.get("stream"):
                return None
            messages = json.loads(resp.body or b"[]")
            sender = (_body(request) or {}).get("sender")
            # Every turn of this assistant says something: silence means an action failed.
            started = getattr(request.ctx, "turn_started", None)
            if not messages or (started is not None and turn_failed(sender, started)):
                messages.append({"recipient_id": sender, "text": APOLOGY})
                return response.json(messages)
            return None

        return bp


class GuardedRestInput(GuardedRestMixin, RestInput):
    """Replaces `rest:` in credentials.yml; same name, same URL (/webhooks/rest/webhook)."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return self.guard(super().blueprint(on_new_message))
