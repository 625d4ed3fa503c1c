"""精准推送 over HTTP, served by the Rasa server (an input channel only for its blueprint, like the console).

    GET  /webhooks/push/unsubscribe/<token>   退订 page: one button (a GET never deletes: mail scanners follow links)
    POST /webhooks/push/unsubscribe/<token>   deletes the subscription and the stored profile (also RFC 8058 one-click)
    GET  /webhooks/push/results/<token>       the firm's current 政策匹配报告 (bot/report), made from its stored profile
    GET  /webhooks/push/preview.js            the console's 新政策推送预览 section (bot/web/console.html loads it)
    GET  /webhooks/push/api/preview           新政策推送预览 for the console: who would be told what (dry run of the
                                              server's catalogue directory); needs `Authorization: Bearer $CONSOLE_TOKEN`
    GET  /webhooks/push/api/outbox            notifications still waiting, and the latest audit rows (same token)
"""
from __future__ import annotations

import asyncio
import datetime as dt
import os
from html import escape
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sqlalchemy import select

from bot import rasa_patches
from bot.channels.console.auth import console_refusal
from bot.channels.static import SECURITY_HEADERS

from . import db, store
from .contact import masked
from .run import preview

PREVIEW_JS = Path(__file__).with_name("preview.js")
HEADERS = {**SECURITY_HEADERS, "Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def _page(title: str, body: str, status: int = 200):
    html = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
            f'<link rel="stylesheet" href="/report/assets/report.css"></head><body class="report"><main>'
            f"<h1>{escape(title)}</h1>{body}</main></body></html>")
    return response.html(html, status=status, headers=HEADERS)


def _json(data: Any, status: int = 200):
    return response.json(data, status=status, headers=HEADERS, ensure_ascii=False, default=str)


def as_of() -> dt.date:
    pinned = os.environ.get("POLICY_AS_OF")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def outbox(limit: int = 50) -> dict:
    n, s, a = db.notifications, db.subscriptions, db.audit
    with db.engine().connect() as conn:
        waiting = conn.execute(select(n.c.id, n.c.status, n.c.attempts, n.c.last_error, n.c.created_at, n.c.new,
                                      n.c.changed, s.c.channel, s.c.address).join(s, s.c.id == n.c.subscription_id)
                               .where(n.c.status != "sent").order_by(n.c.id)).all()
        audit = conn.execute(select(a).order_by(a.c.id.desc()).limit(limit)).all()
    return {"waiting": [{**r._mapping, "recipient": masked(r.channel, r.address)} for r in waiting],
            "audit": [dict(r._mapping) for r in audit]}


class PushInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "push"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "InputChannel":
        rasa_patches.apply()  # start-up: see bot/channels/__init__.py
        return cls((credentials or {}).get("token") or os.environ.get("CONSOLE_TOKEN"))

    def __init__(self, token: Optional[str] = None) -> None:
        self.token = token or None

    def _refusal(self, request: Request):
        return console_refusal(self.token, request)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("push", __name__)

        @bp.route("/preview.js", methods=["GET"])
        async def preview_js(request: Request):  # the console's 新政策推送预览 section
            return response.raw(PREVIEW_JS.read_bytes(), content_type="application/javascript; charset=utf-8",
                                headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})

        @bp.route("/unsubscribe/<token>", methods=["GET"])
        async def confirm(request: Request, token: str):
            sub = await asyncio.to_thread(store.get, token)
            if sub is None:
                return _page("已退订", "<p>该订阅不存在或已退订，您的信息已删除。</p>", 404)
            where = "企业微信" if sub.channel.startswith("wecom") else masked(sub.channel, sub.address)
            return _page("退订新政策提醒", (
                f"<p>退订后，将不再向 {escape(where)} 发送新政策提醒，保存的企业信息和联系方式会立即删除。</p>"
                '<form method="post"><button class="button" type="submit">确认退订</button></form>'))

        @bp.route("/unsubscribe/<token>", methods=["POST"])
        async def unsubscribe(request: Request, token: str):
            removed = await asyncio.to_thread(store.unsubscribe_token, token)
            text = "已为您退订新政策提醒，保存的企业信息和联系方式已全部删除。" if removed else "该订阅不存在或已退订，您的信息已删除。"
            return _page("已退订", f"<p>{text}</p>")

        @bp.route("/results/<token>", methods=["GET"])
        async def results(request: Request, token: str):
            sub = await asyncio.to_thread(store.get, token)
            if sub is None:
                return _page("订阅不存在", "<p>该订阅不存在或已退订。</p>", 404)
            from bot.report import store as reports  # the 政策匹配报告, made fresh from the stored profile

            link = await asyncio.to_thread(reports.publish, store.report_conversation(sub.id), sub.profile, as_of())
            return response.redirect(reports.links(link["token"])["page"], headers=HEADERS)

        @bp.route("/api/preview", methods=["GET"])
        async def api_preview(request: Request):
            if refusal := self._refusal(request):
                return refusal
            from policies_db import CatalogueError
            from policies_db.authoring.loader import CATALOGUE_DIR

            try:
                return _json(await asyncio.to_thread(preview, CATALOGUE_DIR, None, as_of()))
            except CatalogueError as exc:
                return _json({"error": str(exc)}, 422)

        @bp.route("/api/outbox", methods=["GET"])
        async def api_outbox(request: Request):
            if refusal := self._refusal(request):
                return refusal
            return _json(await asyncio.to_thread(outbox))

        return bp
