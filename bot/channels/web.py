"""Website chat: the REST channel under the name `web`, plus the widget and a demo bureau page.

    POST /webhooks/web/webhook        {"sender": "...", "message": "..."} → bot messages (as REST)
    GET  /webhooks/web/widget/        demo page of a commerce bureau with the chat widget
    GET  /webhooks/web/widget/<file>  widget.js, widget.css
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from .guarded_rest import GuardedRestMixin
from .static import serve

WIDGET_FILES = {"index.html", "widget.js", "widget.css"}


class WebChatInput(GuardedRestMixin, RestInput):
    @classmethod
    def name(cls) -> Text:
        return "web"

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()  # the console tells web and WeCom conversations apart by it

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = self.guard(super().blueprint(on_new_message))

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
