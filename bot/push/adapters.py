"""Delivery adapters: one per channel. send() returns on delivery or raises Transient / Permanent.

Configured from the environment: WECOM_CORP_ID, WECOM_SECRET, WECOM_AGENT_ID, WECOM_API_BASE (the channel's
own settings); PUSH_SMTP_HOST, PUSH_SMTP_PORT, PUSH_SMTP_USER, PUSH_SMTP_PASSWORD, PUSH_SMTP_FROM,
PUSH_SMTP_TLS (none / starttls / ssl). SMS has no provider yet: its adapter refuses clearly.
"""
from __future__ import annotations

import asyncio
import os
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import aiohttp

# bot.channels loads Rasa (its patches): the WeCom client is imported only where it is used, so the CLI
# starts in a second.

# WeCom error codes worth another try: system busy, API frequency limits, and 微信客服's send limit.
WECOM_TRANSIENT = {-1, 45009, 45011, 45033, 45047, 95018}


class DeliveryError(Exception):
    pass


class Transient(DeliveryError):
    """Worth retrying: network, timeouts, rate limits, a busy server."""


class Permanent(DeliveryError):
    """Retrying now will not help (bad address, not configured); the notification stays pending."""


class OutsideWindow(DeliveryError):
    """微信客服 may only answer within 48 h / 5 messages of the firm's last message: keep it until it writes."""


def _wecom_error(exc: Exception) -> DeliveryError:
    if isinstance(exc, (aiohttp.ClientError, asyncio.TimeoutError, OSError)):
        return Transient(f"{exc.__class__.__name__}: {exc}")
    match = re.search(r"failed: (-?\d+)", str(exc))
    code = int(match.group(1)) if match else None
    return (Transient if code in WECOM_TRANSIENT else Permanent)(str(exc))


def wecom_client():
    """The channel's own client (bot/channels/wecom/api.py), or None when WeCom is not configured."""
    corp, secret = os.environ.get("WECOM_CORP_ID"), os.environ.get("WECOM_SECRET")
    if not (corp and secret):
        return None
    from bot.channels.wecom.api import WeComClient

    return WeComClient(corp, secret, os.environ.get("WECOM_API_BASE") or None)


def _api_error():
    from bot.channels.wecom.api import WeComAPIError

    return WeComAPIError


class WeComApp:
    """企业微信 self-built app: message/send to a member's user id."""

    channel = "wecom_app"

    def __init__(self, client=None, agent_id: str | None = None):
        self.client = client
        self.agent_id = agent_id or os.environ.get("WECOM_AGENT_ID") or ""

    async def send(self, sub, text: str, subject: str) -> None:
        if self.client is None or not self.agent_id:
            raise Permanent("企业微信未配置（WECOM_CORP_ID / WECOM_SECRET / WECOM_AGENT_ID）")
        try:
            data = await self.client.call("message/send", {"touser": sub.address, "msgtype": "text",
                                                           "agentid": int(self.agent_id), "text": {"content": text}})
        except (_api_error(), aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            raise _wecom_error(exc) from exc
        if sub.address in (data.get("invaliduser") or "").split("|"):  # errcode 0, yet not delivered
            raise Permanent(f"企业微信账号无效或不在应用可见范围内：{sub.address}")


class WeComKf:
    """微信客服: kf/send_msg, only inside the reply window (48 hours and 5 messages after the firm wrote)."""

    channel = "wecom_kf"
    WINDOW_HOURS = 48
    WINDOW_MESSAGES = 5

    def __init__(self, client=None):
        self.client = client

    def in_window(self, sub, now) -> bool:
        last = sub.kf_last_inbound_at
        return (last is not None and (now - last).total_seconds() < self.WINDOW_HOURS * 3600
                and sub.kf_sent_since_inbound < self.WINDOW_MESSAGES)

    async def send(self, sub, text: str, subject: str) -> None:
        if self.client is None:
            raise Permanent("企业微信未配置（WECOM_CORP_ID / WECOM_SECRET）")
        if not sub.open_kfid:
            raise OutsideWindow("客服账号未知：等企业下次发消息时发送")
        try:
            await self.client.kf_send_text(sub.open_kfid, sub.address, text)
        except (_api_error(), aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            raise _wecom_error(exc) from exc


class Email:
    channel = "email"

    def __init__(self, env: dict | None = None):
        e = os.environ if env is None else env
        self.host = e.get("PUSH_SMTP_HOST") or ""
        self.port = int(e.get("PUSH_SMTP_PORT") or 25)
        self.user, self.password = e.get("PUSH_SMTP_USER") or "", e.get("PUSH_SMTP_PASSWORD") or ""
        self.sender = e.get("PUSH_SMTP_FROM") or ""
        self.tls = (e.get("PUSH_SMTP_TLS") or "none").lower()

    def message(self, to: str, text: str, subject: str, unsubscribe: str | None = None) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = formataddr(("服务外包政策助手", self.sender))
        msg["To"] = to
        msg["Subject"] = subject
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        if unsubscribe:
            msg["List-Unsubscribe"] = f"<{unsubscribe}>"
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058: the link takes a POST
        msg.set_content(text, charset="utf-8")
        return msg

    def _send(self, msg: EmailMessage) -> None:
        context = ssl.create_default_context()
        smtp_class = smtplib.SMTP_SSL if self.tls == "ssl" else smtplib.SMTP
        kwargs = {"context": context} if self.tls == "ssl" else {}
        with smtp_class(self.host, self.port, timeout=20, **kwargs) as smtp:
            if self.tls == "starttls":
                smtp.starttls(context=context)
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(msg)

    async def send(self, sub, text: str, subject: str) -> None:
        if not self.host or not self.sender:
            raise Permanent("邮件未配置（PUSH_SMTP_HOST / PUSH_SMTP_FROM）")
        from .text import unsubscribe_link

        msg = self.message(sub.address, text, subject, unsubscribe_link(sub.token))
        try:
            await asyncio.to_thread(self._send, msg)
        except smtplib.SMTPResponseException as exc:  # 4xx: try again later; 5xx: refused
            kind = Transient if 400 <= exc.smtp_code < 500 else Permanent
            raise kind(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            kind = Transient if codes and all(400 <= c < 500 for c in codes) else Permanent
            raise kind(f"SMTP recipient refused: {exc.recipients}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise Transient(f"{exc.__class__.__name__}: {exc}") from exc


class Sms:
    """The interface a provider (e.g. a government SMS gateway) would implement. None is configured."""

    channel = "sms"

    def __init__(self, provider=None):
        self.provider = provider

    @property
    def configured(self) -> bool:
        return self.provider is not None

    async def send(self, sub, text: str, subject: str) -> None:
        if not self.configured:
            raise Permanent("短信通道未配置：没有接入短信服务商，无法发送短信")
        await self.provider.send(sub.address, text)


def default_adapters() -> dict:
    client = wecom_client()  # one access token for both WeCom adapters
    return {a.channel: a for a in (WeComApp(client), WeComKf(client), Email(), Sms())}
