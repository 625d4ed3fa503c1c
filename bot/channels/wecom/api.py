"""WeCom server API over aiohttp: access token (cached until it expires), message/send, media/upload, 微信客服 kf/*."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Optional

import aiohttp

logger = logging.getLogger(__name__)
DEFAULT_API_BASE = "https://qyapi.weixin.qq.com"
TOKEN_MARGIN = 300  # refresh five minutes before WeCom says the token expires


class WeComAPIError(RuntimeError):
    pass


class WeComClient:
    def __init__(self, corp_id: str, secret: str, api_base: Optional[str] = None, timeout: float = 10):
        self.corp_id, self.secret = corp_id, secret
        self.api_base = (api_base or DEFAULT_API_BASE).rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None
        self._token: Optional[str] = None
        self._token_expires = 0.0
        self._token_lock = asyncio.Lock()

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session and not self._session.closed:
            await self._session.close()

    async def access_token(self) -> str:
        async with self._token_lock:
            if self._token and time.monotonic() < self._token_expires:
                return self._token
            async with self._http().get(f"{self.api_base}/cgi-bin/gettoken",
                                        params={"corpid": self.corp_id, "corpsecret": self.secret}) as resp:
                data = await resp.json(content_type=None)
            if data.get("errcode", 0) != 0 or "access_token" not in data:
                raise WeComAPIError(f"gettoken failed: {data.get('errcode')} {data.get('errmsg')}")
            self._token = data["access_token"]
            self._token_expires = time.monotonic() + max(60, int(data.get("expires_in", 7200)) - TOKEN_MARGIN)
            return self._token

    async def call(self, path: str, payload: dict[str, Any], params: Optional[dict[str, str]] = None) -> dict[str, Any]:
        for attempt in (1, 2):
            query = {"access_token": await self.access_token(), **(params or {})}
            async with self._http().post(f"{self.api_base}/cgi-bin/{path}", params=query, json=payload) as resp:
                data = await resp.json(content_type=None)
            if data.get("errcode") in (40014, 42001) and attempt == 1:  # invalid or expired token: fetch anew
                self._token = None
                continue
            if data.get("errcode", 0) != 0:
                raise WeComAPIError(f"{path} failed: {data.get('errcode')} {data.get('errmsg')}")
            return data
        raise WeComAPIError(f"{path} failed after refreshing the token")

    # -- self-built app (自建应用) --------------------------------------------------------------
    async def send_text(self, agent_id: str, user: str, content: str) -> None:
        await self.call("message/send", {"touser": user, "msgtype": "text", "agentid": int(agent_id),
                                         "text": {"content": content}})

    async def send_file(self, agent_id: str, user: str, media_id: str) -> None:
        await self.call("message/send", {"touser": user, "msgtype": "file", "agentid": int(agent_id),
                                         "file": {"media_id": media_id}})

    async def upload_media(self, kind: str, filename: str, data: bytes, content_type: str) -> str:
        """media/upload (multipart, field "media"): a temporary media id, valid three days."""
        for attempt in (1, 2):
            form = aiohttp.FormData()
            form.add_field("media", data, filename=filename, content_type=content_type)
            token = await self.access_token()
            async with self._http().post(f"{self.api_base}/cgi-bin/media/upload",
                                         params={"access_token": token, "type": kind}, data=form) as resp:
                result = await resp.json(content_type=None)
            if result.get("errcode") in (40014, 42001) and attempt == 1:
                self._token = None
                continue
            if result.get("errcode", 0) != 0 or not result.get("media_id"):
                raise WeComAPIError(f"media/upload failed: {result.get('errcode')} {result.get('errmsg')}")
            return result["media_id"]
        raise WeComAPIError("media/upload failed after refreshing the token")

    async def create_menu(self, agent_id: str, buttons: list[dict[str, Any]]) -> None:
        """menu/create: the app's own menu (1–3 items). The agent id goes in the query string, not the body;
        a click on an item reaches the callback as an event carrying the item's key."""
        await self.call("menu/create", {"button": buttons}, params={"agentid": str(int(agent_id))})

    async def send_markdown(self, agent_id: str, user: str, content: str) -> None:
        await self.call("message/send", {"touser": user, "msgtype": "markdown", "agentid": int(agent_id),
                                         "markdown": {"content": content}})

    # -- 微信客服 -----------------------------------------------------------------------------------
    async def kf_sync_msg(self, token: str, open_kfid: str, cursor: Optional[str]) -> dict[str, Any]:
        payload = {"token": token, "open_kfid": open_kfid, "limit": 1000}
        if cursor:
            payload["cursor"] = cursor
        return await self.call("kf/sync_msg", payload)

    async def kf_send_text(self, open_kfid: str, user: str, content: str) -> None:
        await self.call("kf/send_msg", {"touser": user, "open_kfid": open_kfid, "msgtype": "text",
                                        "text": {"content": content}})

    async def kf_send_menu(self, open_kfid: str, user: str, head: str, options: list[tuple[str, str]]) -> None:
        await self.call("kf/send_msg", {
            "touser": user, "open_kfid": open_kfid, "msgtype": "msgmenu",
            "msgmenu": {"head_content": head, "list": [{"type": "click", "click": {"id": i, "content": t}}
                                                       for i, t in options]},
        })
