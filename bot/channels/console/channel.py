"""Hotline staff console, served by the Rasa server behind a token (docs/console.md).

    GET  /webhooks/console/                              the console page (it asks for the token and a name)
    GET  /webhooks/console/api/fields                    profile fields for the form
    POST /webhooks/console/api/evaluate                  {"profile", "as_of"?} → results + answer script
    POST /webhooks/console/api/report                    {"profile", "as_of"?} → a report link for a caller
    GET  /webhooks/console/api/search?q=…                measures by keyword (出口信用保险, 工作许可…)
    GET  /webhooks/console/api/queue?q=…&status=…        the hand-off queue: one row per conversation; search by
                                                         firm name, phone / WeChat, measure; status new,taken,closed
    POST /webhooks/console/api/queue/ID/take|note|close  {"staff", "text"?}: work an item (stored, survives restarts)
    GET  /webhooks/console/api/conversations/ID          profile, results and script, queue item, transcript
    POST /webhooks/console/api/conversations/ID/send     {"staff"}: the report to the firm (WeCom) or a link to copy
    GET  /webhooks/console/api/handoffs                  open queue items (first version's name)

Every /api/ call needs `Authorization: Bearer $CONSOLE_TOKEN` (401 otherwise); without CONSOLE_TOKEN the
API answers 503 and stays closed. Staff give their name once (it is stored with what they do).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import uuid
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

import policies_db
from bot import rasa_patches
from bot.channels.console.auth import console_refusal
from bot.channels.console.transcript import last_metadata, transcript
from bot.channels.static import SECURITY_HEADERS, serve
from bot.handoff import queue as handoff_queue
from policies_db import CATEGORIES, FIELD_ORDER, FIELDS, ProfileError, evaluate_compiled
from policies_db.wording.hotline import answer_script, search_measures

logger = logging.getLogger(__name__)
CONSOLE_FILES = {"console.html", "console.js", "console.css", "staff.css"}
PROFILE_SLOTS = set(FIELD_ORDER)
QUEUE_ACTIONS = {"take", "note", "close"}


def _json(data: Any, status: int = 200):
    return response.json(data, status=status, headers={**SECURITY_HEADERS, "Cache-Control": "no-store"},
                         ensure_ascii=False)


def _body(request: Request) -> dict:
    try:
        body = request.json
    except Exception:  # noqa: BLE001 - sanic raises on malformed JSON
        return {}
    return body if isinstance(body, dict) else {}


def _evaluation_data(profile: dict, as_of: Optional[dt.date]) -> dict:
    """Results as the console shows them: the engine's dict, the answer script, the summary lines."""
    from policies_db import wording

    evaluation = evaluate_compiled(policies_db.load(), profile, as_of or dt.date.today())
    data = evaluation.to_dict()
    data["script"] = answer_script(evaluation)
    data["summary"] = wording.summary_lines(evaluation)
    data["categories"] = CATEGORIES
    return data


def _publish_report(conversation_id: str, profile: dict, as_of: Optional[dt.date]) -> dict:
    from bot.report import store

    link = store.publish(conversation_id, profile, as_of or dt.date.today())
    return {**store.links(link["token"]), "token": link["token"], "expires_at": link["expires_at"]}


def _as_of(value: Any) -> Optional[dt.date]:
    return dt.date.fromisoformat(value) if value else None


def _policy_as_of() -> dt.date:
    pinned = os.environ.get("POLICY_AS_OF")  # the same "today" as the action server's
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


class HotlineConsoleInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "console"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "InputChannel":
        rasa_patches.apply()  # start-up: see bot/channels/__init__.py
        token = (credentials or {}).get("token") or os.environ.get("CONSOLE_TOKEN")
        return cls(token)

    def __init__(self, token: Optional[str]) -> None:
        self.token = token or None

    def _authorized(self, request: Request) -> Optional[Any]:
        """None when the request may pass, else the refusal to send."""
        return console_refusal(self.token, request)

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
            ], "as_of": _policy_as_of().isoformat()})

        @bp.route("/api/evaluate", methods=["POST"])
        async def evaluate(request: Request):
            if refusal := self._authorized(request):
                return refusal
            body = request.json if _is_json(request) else None
            if not isinstance(body, dict) or not isinstance(body.get("profile", {}), dict):
                return _json({"error": "请求体应为 JSON：{\"profile\": {...}}"}, 400)
            try:
                data = await asyncio.to_thread(_evaluation_data, body.get("profile") or {},
                                               _as_of(body.get("as_of")) or _policy_as_of())
            except (ProfileError, ValueError, TypeError) as exc:
                return _json({"error": str(exc)}, 400)
            return _json(data)

        @bp.route("/api/report", methods=["POST"])
        async def report_for_caller(request: Request):
            """A report link for a profile staff filled in for a caller (no chat conversation behind it)."""
            if refusal := self._authorized(request):
                return refusal
            body = _body(request)
            try:
                profile = policies_db.normalize_profile(body.get("profile") or {})
                link = await asyncio.to_thread(_publish_report, f"hotline-{uuid.uuid4().hex}", profile,
                                               _as_of(body.get("as_of")) or _policy_as_of())
            except (ProfileError, ValueError, TypeError) as exc:
                return _json({"error": str(exc)}, 400)
            return _json(link)

        @bp.route("/api/search", methods=["GET"])
        async def search(request: Request):
            if refusal := self._authorized(request):
                return refusal
            query = (request.args.get("q") or "").strip()[:50]
            if not query:
                return _json({"error": "请输入关键词"}, 400)
            compiled = await asyncio.to_thread(policies_db.load)
            return _json({"query": query, "measures": search_measures(compiled, query)})

        @bp.route("/api/queue", methods=["GET"])
        async def queue(request: Request):
            if refusal := self._authorized(request):
                return refusal
            query = (request.args.get("q") or "").strip()[:60]
            status = request.args.get("status") or None
            if status and not set(status.split(",")) <= set(handoff_queue.STATUSES):
                return _json({"error": "status 应为 new、taken、closed（可用逗号连接）"}, 400)
            items = await asyncio.to_thread(handoff_queue.search, query, status)
            return _json({"items": items, "query": query})

        @bp.route("/api/handoffs", methods=["GET"])
        async def handoffs(request: Request):
            if refusal := self._authorized(request):
                return refusal
            return _json({"handoffs": await asyncio.to_thread(handoff_queue.open_requests)})

        @bp.route("/api/queue/<conversation_id>/<action>", methods=["POST"])
        async def work(request: Request, conversation_id: str, action: str):
            if refusal := self._authorized(request):
                return refusal
            if action not in QUEUE_ACTIONS:
                return _json({"error": f"未知操作 {action}"}, 404)
            body = _body(request)
            staff, text = str(body.get("staff") or ""), str(body.get("text") or "")
            try:
                if action == "take":
                    item = await asyncio.to_thread(handoff_queue.take, conversation_id, staff)
                elif action == "note":
                    item = await asyncio.to_thread(handoff_queue.add_note, conversation_id, staff, text)
                else:
                    item = await asyncio.to_thread(handoff_queue.close, conversation_id, staff, text or None)
            except handoff_queue.QueueError as exc:
                return _json({"error": str(exc)}, 409 if "已" in str(exc) else 400)
            return _json(item)

        @bp.route("/api/conversations/<conversation_id>", methods=["GET"])
        async def conversation(request: Request, conversation_id: str):
            if refusal := self._authorized(request):
                return refusal
            tracker = await self._tracker(request, conversation_id)
            if tracker is None:
                return _json({"error": f"没有找到对话 {conversation_id}"}, 404)
            data = _conversation(tracker)
            data["queue"] = await asyncio.to_thread(handoff_queue.get, conversation_id)
            try:
                data["evaluation"] = await asyncio.to_thread(_evaluation_data, data["profile"], _policy_as_of())
            except (ProfileError, ValueError, TypeError):
                logger.exception("could not evaluate conversation %s", conversation_id)
                data["evaluation"] = None
            return _json(data)

        @bp.route("/api/conversations/<conversation_id>/send", methods=["POST"])
        async def send(request: Request, conversation_id: str):
            """发送给企业: the report through WeCom when the firm wrote there; otherwise a link to copy."""
            if refusal := self._authorized(request):
                return refusal
            staff = str(_body(request).get("staff") or "").strip()
            if not staff:
                return _json({"error": "请先填写您的姓名或工号"}, 400)
            tracker = await self._tracker(request, conversation_id)
            if tracker is None:
                return _json({"error": f"没有找到对话 {conversation_id}"}, 404)
            data = _conversation(tracker)
            try:
                link = await asyncio.to_thread(_publish_report, conversation_id, data["profile"], _policy_as_of())
            except (ProfileError, ValueError, TypeError) as exc:
                return _json({"error": str(exc)}, 400)
            result = {"report": link, "via": "link", "message": "请复制链接发给企业"}
            from bot.channels.wecom import channel as wecom

            if wecom.ACTIVE is not None and conversation_id.startswith(("wecom-", "wxkf-")):
                try:
                    result["message"] = await wecom.ACTIVE.deliver_report(
                        conversation_id, link["token"], last_metadata(tracker.events, "open_kfid"))
                    result["via"] = "wecom"
                except Exception as exc:
                    logger.exception("could not send the report of %s through WeCom", conversation_id)
                    result["message"] = f"企业微信发送失败（{exc}），请复制链接发给企业"
            if await asyncio.to_thread(handoff_queue.get, conversation_id):
                note = f"{result['message']}：{link['page']}"
                await asyncio.to_thread(handoff_queue.add_note, conversation_id, staff, note, None, "sent")
            return _json(result)

        return bp

    @staticmethod
    async def _tracker(request: Request, conversation_id: str):
        if len(conversation_id) > 255:
            return None
        tracker = await request.app.ctx.agent.tracker_store.retrieve(conversation_id)
        return tracker if tracker is not None and tracker.events else None


def _is_json(request: Request) -> bool:
    try:
        return request.json is not None
    except Exception:  # noqa: BLE001 - sanic raises on malformed JSON
        return False


def _profile(tracker) -> dict:
    """The profile from the slots, field by field as the actions read it: Rasa's [[]] for an empty list
    is flattened, employees arrive as a float, a value the contract rejects stays unknown."""
    profile = {}
    for name in FIELD_ORDER:
        value = tracker.get_slot(name)
        if value is None:
            continue
        if FIELDS[name].kind == "list" and isinstance(value, list):
            value = [v for item in value for v in (item if isinstance(item, list) else [item])]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            profile.update(policies_db.normalize_profile({name: value}))
        except ProfileError:
            continue
    return profile


def _conversation(tracker) -> dict:
    slots = _profile(tracker)
    return {
        "id": tracker.sender_id,
        "channel": tracker.get_latest_input_channel(),
        "profile": slots,
        "profile_text": {name: FIELDS[name].describe(value) for name, value in slots.items()},
        "handoff_requested": bool(tracker.get_slot("handoff_requested")),
        "transcript": transcript(tracker.events),
    }
