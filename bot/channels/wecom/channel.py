"""WeCom (企业微信) input channel for a self-built app (自建应用), and 微信客服 through the same callback.

    GET  /webhooks/wecom/webhook   URL verification: msg_signature check, decrypted echostr back
    POST /webhooks/wecom/webhook   encrypted callback: signature checked (403 if bad), answered at once with
                                   an empty 200; the assistant's replies go out through message/send
                                   (or kf/send_msg for 微信客服) in the background

Results go out as text messages under 2,048 bytes, cut between measures, ending with the link to the full
report (PUBLIC_BASE_URL + /report/<token>); the app channel also sends the report as a PDF file
(media/upload + message/send msgtype=file). The hotline console sends a report through deliver_report().

Configured from the environment through credentials.yml: WECOM_CORP_ID, WECOM_SECRET, WECOM_AGENT_ID,
WECOM_TOKEN, WECOM_AES_KEY, WECOM_API_BASE. Off (404) while WECOM_TOKEN is empty.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from typing import Any, Awaitable, Callable, Optional, Text

import xmltodict
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException, WeChatException

from bot import rasa_patches
from bot.channels.failure import APOLOGY, turn_failed
from bot.channels.wecom.api import WeComClient
from bot.channels.wecom.format import choose, public_url, render, results_messages
from bot.channels.wecom.state import state_from_env
from bot.push import kf as push_kf

ACTIVE: Optional["WeComInput"] = None  # the enabled channel of this server, for the console's 发送给企业

logger = logging.getLogger(__name__)
UNSUPPORTED_REPLY = "抱歉，目前只能处理文字消息。请用文字告诉我贵公司的情况，或者问“有哪些出口信用保险政策”。"
MAX_TEXT = 2000  # characters kept of one incoming message


class WeComInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "wecom"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "InputChannel":
        rasa_patches.apply()  # start-up: see bot/channels/__init__.py
        c = credentials or {}
        return cls(c.get("corp_id") or "", c.get("secret") or "", str(c.get("agent_id") or ""),
                   c.get("token") or "", c.get("aes_key") or "", c.get("api_base") or None)

    def __init__(self, corp_id: str, secret: str, agent_id: str, token: str, aes_key: str,
                 api_base: Optional[str] = None) -> None:
        self.enabled = bool(token)
        self.corp_id, self.agent_id = corp_id, agent_id
        self.crypto = WeChatCrypto(token, aes_key, corp_id) if self.enabled else None
        self.client = WeComClient(corp_id, secret, api_base) if self.enabled else None
        self.state = state_from_env()  # retries seen, numbered options, kf cursors (Redis with replicas)
        self._tasks: set[asyncio.Task] = set()
        if self.enabled:
            global ACTIVE
            ACTIVE = self

    # -- the HTTP side ------------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("wecom_webhook", __name__)

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request):
            if not self.enabled:
                return response.text("WeCom channel is off (WECOM_TOKEN not set)", status=404)
            args = _args(request, "msg_signature", "timestamp", "nonce", "echostr")
            if args is None:
                return response.text("missing parameters", status=400)
            try:
                echo = self.crypto.check_signature(args["msg_signature"], args["timestamp"], args["nonce"], args["echostr"])
            except (InvalidSignatureException, WeChatException, ValueError):
                return response.text("invalid signature", status=403)
            return response.text(echo.decode() if isinstance(echo, bytes) else echo)

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            if not self.enabled:
                return response.text("WeCom channel is off (WECOM_TOKEN not set)", status=404)
            args = _args(request, "msg_signature", "timestamp", "nonce")
            if args is None:
                return response.text("missing parameters", status=400)
            try:
                outer = xmltodict.parse(request.body)["xml"]
                if not isinstance(outer, dict) or not outer.get("Encrypt"):
                    raise ValueError("no Encrypt element")
            except Exception:  # noqa: BLE001 - any parse failure is the sender's malformed XML
                return response.text("malformed XML", status=400)
            try:
                plain = self.crypto.decrypt_message(outer, args["msg_signature"], args["timestamp"], args["nonce"])
                message = xmltodict.parse(plain)["xml"]
            except InvalidSignatureException:
                return response.text("invalid signature", status=403)
            except Exception:  # noqa: BLE001 - wrong key, bad padding or corp id: not from our WeCom
                return response.text("cannot decrypt", status=403)
            self._spawn(self._dispatch(message, on_new_message))
            return response.text("")  # within WeCom's 5 seconds; replies follow through the API

        return bp

    def _spawn(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- messages ---------------------------------------------------------------------------------------
    async def _dispatch(self, message: dict, on_new_message) -> None:
        try:
            kind = message.get("MsgType")
            if kind == "event" and message.get("Event") == "kf_msg_or_event":
                await self._pull_kf(message, on_new_message)
                return
            if kind == "event" and message.get("Event") == "click" and (message.get("EventKey") or "").startswith("/"):
                kind, message = "text", {**message, "Content": message["EventKey"]}  # app menu item → its payload
            user = message.get("FromUserName")
            key = message.get("MsgId") or f"{user}:{message.get('CreateTime')}:{message.get('Event')}"
            if not user or kind == "event" or not await self.state.first_time(str(key)):
                return  # events such as enter_agent, and retries, need no answer
            if kind != "text":
                await self.client.send_text(self.agent_id, user, UNSUPPORTED_REPLY)
                return
            text = choose((message.get("Content") or "")[:MAX_TEXT], await self.state.options(user))
            await self._converse(f"wecom-{user}", text, on_new_message, self._app_sender(user), user)
        except Exception:
            logger.exception("WeCom message handling failed")

    def _app_sender(self, user: str):
        async def send(kind: str, content: str) -> None:
            if kind == "report_pdf":
                await self._send_pdf(user, content)
            elif kind == "markdown":
                await self.client.send_markdown(self.agent_id, user, content)
            else:
                await self.client.send_text(self.agent_id, user, content)
        return send

    async def _send_pdf(self, user: str, token: str) -> bool:
        """The report as a file message; a failure is logged, the link has already gone out."""
        try:
            data = await asyncio.to_thread(_report_pdf, token)
            if data is None:
                return False
            name = f"政策匹配报告-{dt.date.today():%Y%m%d}.pdf"
            media_id = await self.client.upload_media("file", name, data, "application/pdf")
            await self.client.send_file(self.agent_id, user, media_id)
            return True
        except Exception:
            logger.exception("could not send the report PDF to %s", user)
            return False

    async def _converse(self, sender_id: str, text: str, on_new_message, send, user: str,
                        metadata: Optional[dict] = None) -> int:
        """One turn; returns how many messages went out."""
        if not text.strip():
            return 0
        collector = CollectingOutputChannel()
        started = time.monotonic()
        await on_new_message(UserMessage(text, collector, sender_id, input_channel=self.name(), metadata=metadata))
        messages = collector.messages
        if not messages or turn_failed(sender_id, started):  # silence means an action failed
            messages = messages + [{"text": APOLOGY}]
        rendered = await asyncio.to_thread(render, messages, _results_text)  # evaluates: off the event loop
        await self.state.set_options(user, rendered.options)
        for outgoing in rendered.messages:
            await send(outgoing.kind, outgoing.content)
        return len(rendered.messages)

    # -- the console's 发送给企业 ------------------------------------------------------------------------
    async def deliver_report(self, sender_id: str, token: str, open_kfid: Optional[str] = None) -> str:
        """Send a conversation's report to the firm where it wrote: the link (and the PDF in the app channel).
        Returns what was done, in Chinese, for the staff member; raises if WeCom refuses."""
        page = public_url(f"/report/{token}")
        text = ("您好，这是热线工作人员为您整理的政策匹配报告" + (f"：{page}" if page else "，请查收文件。")
                + "\n具体申报条件和流程，以相关部门的通知为准。")
        if sender_id.startswith("wecom-"):
            user = sender_id[len("wecom-"):]
            await self.client.send_text(self.agent_id, user, text)
            sent_pdf = await self._send_pdf(user, token)
            return "已通过企业微信发送报告链接" + ("和 PDF 文件" if sent_pdf else "")
        if sender_id.startswith("wxkf-") and open_kfid and page:
            await self.client.kf_send_text(open_kfid, sender_id[len("wxkf-"):], text)
            return "已通过微信客服发送报告链接"
        raise ValueError("该对话不是来自企业微信，或未配置 PUBLIC_BASE_URL")

    # -- 微信客服 (WeChat customer service) -----------------------------------------------------------------
    async def _pull_kf(self, event: dict, on_new_message) -> None:
        open_kfid, token = event.get("OpenKfId"), event.get("Token")
        if not open_kfid or not token:
            return
        while True:
            data = await self.client.kf_sync_msg(token, open_kfid, await self.state.cursor(open_kfid))
            if data.get("next_cursor"):
                await self.state.set_cursor(open_kfid, data["next_cursor"])
            for msg in data.get("msg_list", []):
                if msg.get("origin") != 3 or not await self.state.first_time(f"kf:{msg.get('msgid')}"):
                    continue  # only what customers wrote, once
                user = msg.get("external_userid")
                send = self._kf_sender(open_kfid, user)
                if msg.get("msgtype") == "text":
                    body = msg.get("text") or {}
                    # A tapped menu item arrives as text with the item's id: the quick reply's payload.
                    text = (body.get("menu_id") or body.get("content") or "")[:MAX_TEXT]
                elif msg.get("msgtype") == "event":
                    continue
                else:
                    await send("text", UNSUPPORTED_REPLY)
                    continue
                await push_kf.firm_wrote(user, open_kfid)  # 精准推送: the firm's message opens the reply window
                sent = await self._converse(f"wxkf-{user}", choose(text, await self.state.options(f"kf:{user}")),
                                            on_new_message, send, f"kf:{user}", {"open_kfid": open_kfid})
                await push_kf.replied(self.client, user, sent)  # counts the replies, sends what was held
            if not data.get("has_more"):
                break

    def _kf_sender(self, open_kfid: str, user: str):
        async def send(kind: str, content: str) -> None:
            if kind == "report_pdf":
                return  # 微信客服 gets the link (in the text); files only through the app channel
            options = await self.state.options(f"kf:{user}")
            if kind == "text" and options and content.endswith("（回复数字即可）"):
                head = content.split("\n1. ")[0]
                await self.client.kf_send_menu(open_kfid, user, head, options)
            else:
                await self.client.kf_send_text(open_kfid, user, content)
        return send


def _results_text(payload: dict) -> list[str]:
    """Results as WeCom text messages, from the facts and date the results payload carries."""
    import policies_db
    from policies_db import wording

    as_of = dt.date.fromisoformat(payload["as_of"]) if payload.get("as_of") else None
    ev = policies_db.evaluate_compiled(policies_db.load(), payload.get("profile") or {}, as_of)
    blocks = wording.text_blocks(ev)
    change = payload.get("change")
    if isinstance(change, dict) and change.get("text"):
        blocks = [wording.diff_text(change)] + blocks
    return results_messages(blocks, payload)


def _report_pdf(token: str) -> Optional[bytes]:
    """The PDF behind a live report link (None if it expired or was deleted meanwhile)."""
    from bot.report import channel as report_channel
    from bot.report import store

    link = store.get(token)
    return report_channel.pdf_for(link) if link else None


def _args(request: Request, *names: str) -> Optional[dict]:
    values = {n: request.args.get(n) for n in names}
    return values if all(values.values()) else None
