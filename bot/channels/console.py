"""Hotline staff console, served by the Rasa server behind a token.

    GET  /webhooks/console/                     the console page (it asks for the token)
    GET  /webhooks/console/api/fields           profile fields for the form
    POST /webhooks/console/api/evaluate         {"profile": {...}, "as_of": "YYYY-MM-DD"?} → results + answer script
    GET  /webhooks/console/api/search?q=…       measures by keyword (出口信用保险, 工作许可…)
    GET  /webhooks/console/api/handoffs         conversations flagged by 转人工
    GET  /webhooks/console/api/conversations/ID transcript and the profile collected so far

Every /api/ call needs `Authorization: Bearer $CONSOLE_TOKEN` (401 otherwise); without
CONSOLE_TOKEN the API answers 503 and stays closed.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import os
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

import policies_db
from bot import handoff_queue
from policies_db import FIELD_ORDER, FIELDS, ProfileError
from policies_db.engine import evaluate_compiled
from policies_db.schema import CATEGORIES

from .console_script import answer_script, search_measures
from .static import SECURITY_HEADERS, serve

CONSOLE_FILES = {"console.html", "console.js", "console.css"}
PROFILE_SLOTS = set(FIELD_ORDER)


def _json(data: Any, status: int = 200):
    return response.json(data, status=status, headers=SECURITY_HEADERS, ensure_ascii=False)


class HotlineConsoleInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "console"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "InputChannel":
        token = (credentials or {}).get("token") or os.environ.get("CONSOLE_TOKEN")
        return cls(token)

    def __init__(self, token: Optional[str]) -> None:
        self.token = token or None

    def _authorized(self, request: Request) -> Optional[Any]:
        """None when the request may pass, else the refusal to send."""
        if not self.token:
            return _json({"error": "控制台未启用：请设置 CONSOLE_TOKEN"}, 503)
        header = request.headers.get("authorization", "")
        given = header[7:] if header.lower().startswith("bearer ") else ""
        if not given or not hmac.compare_digest(given.encode(), self.token.encode()):
            return _json({"error": "需要有效的令牌"}, 401)
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("hotline_console", __name__)

        @bp.route("/", methods=["GET"])
        async def page(request: Request):
            if not request.path.endswith("/"):
                return response.redirect(request.path + "/")
            return serve("console.html", CONSOLE_FILES)

        @bp.route("/<name>", methods=["GET"])
        async def asset(request: Request, name: str):
            return serve(name or "console.html", CONSOLE_FILES)

        @bp.route("/api/fields", methods=["GET"])
        async def fields(request: Request):
            if refusal := self._authorized(request):
                return refusal
            return _json({"fields": [
                {"name": f.name, "kind": f.kind, "label": f.label, "choices": f.choices} for f in FIELDS.values()
            ]})

        @bp.route("/api/evaluate", methods=["POST"])
        async def evaluate(request: Request):
            if refusal := self._authorized(request):
                return refusal
            body = request.json if _is_json(request) else None
            if not isinstance(body, dict) or not isinstance(body.get("profile", {}), dict):
                return _json({"error": "请求体应为 JSON：{\"profile\": {...}}"}, 400)
            try:
                as_of = dt.date.fromisoformat(body["as_of"]) if body.get("as_of") else dt.date.today()
                compiled = await asyncio.to_thread(policies_db.load)
                evaluation = evaluate_compiled(compiled, body.get("profile") or {}, as_of)
            except (ProfileError, ValueError, TypeError) as exc:
                return _json({"error": str(exc)}, 400)
            data = evaluation.to_dict()
            data["script"] = answer_script(evaluation)
            data["categories"] = CATEGORIES
            return _json(data)

        @bp.route("/api/search", methods=["GET"])
        async def search(request: Request):
            if refusal := self._authorized(request):
                return refusal
            query = (request.args.get("q") or "").strip()[:50]
            if not query:
                return _json({"error": "请输入关键词"}, 400)
            compiled = await asyncio.to_thread(policies_db.load)
            return _json({"query": query, "measures": search_measures(compiled, query)})

        @bp.route("/api/handoffs", methods=["GET"])
        async def handoffs(request: Request):
            if refusal := self._authorized(request):
                return refusal
            return _json({"handoffs": await asyncio.to_thread(handoff_queue.open_requests)})

        @bp.route("/api/conversations/<conversation_id>", methods=["GET"])
        async def conversation(request: Request, conversation_id: str):
            if refusal := self._authorized(request):
                return refusal
            store = request.app.ctx.agent.tracker_store
            tracker = await store.retrieve(conversation_id) if len(conversation_id) <= 255 else None
            if tracker is None or not tracker.events:
                return _json({"error": f"没有找到对话 {conversation_id}"}, 404)
            return _json(_conversation(tracker))

        return bp


def _is_json(request: Request) -> bool:
    try:
        return request.json is not None
    except Exception:  # noqa: BLE001 - sanic raises on malformed JSON
        return False


def _conversation(tracker) -> dict:
    transcript = []
    for event in tracker.events:
        kind = getattr(event, "type_name", "")
        if kind == "user" and event.text:
            transcript.append({"who": "firm", "text": event.text, "time": event.timestamp,
                               "channel": event.input_channel})
        elif kind == "bot" and (event.text or (event.data or {}).get("custom")):
            transcript.append({"who": "bot", "text": event.text or "（结果卡片）", "time": event.timestamp})
    slots = {name: tracker.get_slot(name) for name in FIELD_ORDER if tracker.get_slot(name) is not None}
    return {
        "id": tracker.sender_id,
        "channel": tracker.get_latest_input_channel(),
        "profile": slots,
        "profile_text": {name: FIELDS[name].describe(value) for name, value in slots.items()},
        "handoff_requested": bool(tracker.get_slot("handoff_requested")),
        "transcript": transcript,
    }
