"""Website chat: the REST channel under the name `web`, plus the widget and a demo bureau page.

    POST /webhooks/web/webhook        {"sender": "...", "message": "..."} → bot messages (as REST)
    GET  /webhooks/web/widget/        demo page of a commerce bureau with the chat widget
    GET  /webhooks/web/widget/<file>  widget.js, widget.css
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from .failure import APOLOGY, turn_failed
from .static import serve

WIDGET_FILES = {"index.html", "widget.js", "widget.css"}
MAX_SENDER = 128
MAX_MESSAGE = 5000


class WebChatInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "web"

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()  # the console tells web and WeCom conversations apart by it

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = super().blueprint(on_new_message)

        @bp.middleware("request")
        async def well_formed(request: Request):
            # The REST handler assumes a JSON object; answer anything else with a clear 400, not a 500.
            if request.method != "POST":
                return None
            try:
                body = request.json
            except Exception:  # noqa: BLE001 - sanic raises on invalid JSON
                body = None
            sender = body.get("sender") if isinstance(body, dict) else None
            message = body.get("message") if isinstance(body, dict) else None
            if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER or not isinstance(message, str):
                return response.json({"error": "请求体应为 JSON：{\"sender\": \"…\", \"message\": \"…\"}"}, status=400)
            if len(message) > MAX_MESSAGE:
                return response.json({"error": f"消息过长（上限 {MAX_MESSAGE} 字）"}, status=413)
            return None

        @bp.middleware("response")
        async def apologize_on_failure(request: Request, resp):
            if request.method != "POST" or resp.status != 200:
                return None
            messages = json.loads(resp.body or b"[]")
            # Every turn of this assistant says something: silence means an action failed.
            if not messages or await turn_failed(request.app, (request.json or {}).get("sender")):
                messages.append({"recipient_id": request.json["sender"], "text": APOLOGY})
                return response.json(messages)
            return None

        @bp.route("/widget", methods=["GET"], strict_slashes=False)
        async def page(request: Request):
            if not request.path.endswith("/"):  # the page's relative links need the slash
                return response.redirect(request.path + "/")
            return serve("index.html", WIDGET_FILES)

        @bp.route("/widget/<name>", methods=["GET"])
        async def asset(request: Request, name: str):
            return serve(name or "index.html", WIDGET_FILES)

        return bp

    def get_metadata(self, request: Request) -> Optional[dict]:
        return None  # the page sends none; don't store what a client makes up
