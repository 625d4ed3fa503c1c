"""The report, served by the Rasa server: an input channel only for its blueprint (like console/web).

    GET    /report/<token>            the 政策匹配报告 page
    GET    /report/<token>/pdf        the same as a PDF download
    DELETE /report/<token>            the firm deletes its report (the widget's 删除报告)
    GET    /report/assets/<name>      the page's stylesheets (report.css, report-screen.css)

url_prefix() is absolute, so Rasa mounts the blueprint at /report rather than /webhooks/report.
An unknown, expired or deleted token is a 404 with a short page; the token is the only key.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Optional, Text
from urllib.parse import quote

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

import policies_db
from bot import rasa_patches

from ..channels.static import SECURITY_HEADERS
from . import page, store

logger = logging.getLogger(__name__)
_PDF_LOCK = threading.Lock()
HEADERS = {**SECURITY_HEADERS, "Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
GONE = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>报告不存在</title>'
        '<link rel="stylesheet" href="assets/report.css"></head><body class="report"><main><h1>报告不存在或已过期</h1>'
        "<p>该报告链接已过期或已被删除。请回到对话中重新查看结果，系统会生成新的报告链接。</p></main></body></html>")


def evaluation_for(link: dict):
    """The evaluation a report shows: the saved facts on the saved date."""
    return policies_db.evaluate_compiled(policies_db.load(), link["profile"], link["as_of"])


def html_for(link: dict, for_pdf: bool = False) -> str:
    """The report page for a live link (store.get(token)); other channels (console 打印) call this too."""
    return page.render(evaluation_for(link), expires_at=link["expires_at"], pdf_href=f"{link['token']}/pdf",
                       for_pdf=for_pdf)


_PDF_CACHE: "OrderedDict[tuple, bytes]" = OrderedDict()
_PDF_CACHE_SIZE = 16


def pdf_for(link: dict) -> bytes:
    """The report PDF for a live link (WeCom's file message, the console's 发送给企业). Blocking: a few
    seconds of CPU for a long report, so the same facts on the same date are rendered once (small LRU)."""
    from .pdf import render_pdf

    key = (link["token"], json.dumps(link["profile"], sort_keys=True, ensure_ascii=False), str(link["as_of"]),
           str(link["expires_at"]),
           id(policies_db.load()))
    with _PDF_LOCK:
        if key in _PDF_CACHE:
            _PDF_CACHE.move_to_end(key)
            return _PDF_CACHE[key]
    data = render_pdf(html_for(link, for_pdf=True))
    with _PDF_LOCK:
        _PDF_CACHE[key] = data
        while len(_PDF_CACHE) > _PDF_CACHE_SIZE:
            _PDF_CACHE.popitem(last=False)
    return data


_pdf = pdf_for  # the name bot/channels/wecom/channel.py first used


class ReportInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "report"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "InputChannel":
        rasa_patches.apply()  # start-up: see bot/channels/__init__.py
        return cls()

    def url_prefix(self) -> Text:
        return "/report"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("policy_report", __name__)

        @bp.route("/assets/<name>", methods=["GET"])
        async def stylesheet(request: Request, name: str):
            if name not in page.ASSETS:
                return response.text("not found", status=404, headers=SECURITY_HEADERS)
            return response.text(page.ASSETS[name].read_text(encoding="utf-8"), content_type="text/css; charset=utf-8",
                                 headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})

        @bp.route("/<token>", methods=["GET"])
        async def report_page(request: Request, token: str):
            link = await asyncio.to_thread(store.get, token)
            if link is None:
                return response.html(GONE, status=404, headers=HEADERS)
            html = await asyncio.to_thread(html_for, link)
            return response.html(html, headers=HEADERS)

        @bp.route("/<token>/pdf", methods=["GET"])
        async def report_pdf(request: Request, token: str):
            link = await asyncio.to_thread(store.get, token)
            if link is None:
                return response.html(GONE.replace('href="assets/', 'href="../assets/'), status=404, headers=HEADERS)
            data = await asyncio.to_thread(pdf_for, link)
            name = f"政策匹配报告-{link['as_of']:%Y%m%d}.pdf"
            disposition = f"attachment; filename=\"report.pdf\"; filename*=UTF-8''{quote(name)}"
            return response.raw(data, content_type="application/pdf",
                                headers={**HEADERS, "Content-Disposition": disposition})

        @bp.route("/<token>", methods=["DELETE"])
        async def delete_report(request: Request, token: str):
            removed = await asyncio.to_thread(store.remove, token)
            return response.json({"deleted": removed}, status=200 if removed else 404, headers=HEADERS)

        return bp
