"""A local stand-in for WeCom's server API (gettoken, message/send, media/upload, menu/create, kf/sync_msg,
kf/send_msg).

Runs an aiohttp server on 127.0.0.1 in a background thread and records every call.
"""
from __future__ import annotations

import asyncio
import threading
import time

from aiohttp import web

from tests.stack import free_port


class WeComStub:
    def __init__(self):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.calls: list[tuple[str, dict]] = []
        self.token_requests = 0
        self.kf_pending: list[dict] = []  # messages the next kf/sync_msg returns
        self.uploads: dict[str, dict] = {}  # media_id → the uploaded file
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)

    # -- server ---------------------------------------------------------------------------
    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        app.router.add_post("/cgi-bin/media/upload", self._upload)
        app.router.add_post("/cgi-bin/menu/create", self._menu_create)
        app.router.add_post("/cgi-bin/{path:.*}", self._post)
        return app

    async def _gettoken(self, request):
        with self._lock:
            self.token_requests += 1
        if request.query.get("corpsecret") != "test-secret":
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        return web.json_response({"errcode": 0, "access_token": "stub-token", "expires_in": 7200})

    async def _upload(self, request):
        """multipart/form-data with one part named "media", as WeCom documents; the file is kept for checks."""
        if request.query.get("access_token") != "stub-token":
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        kind = request.query.get("type")
        if kind not in ("image", "voice", "video", "file"):
            return web.json_response({"errcode": 40004, "errmsg": "invalid media type"})
        reader = await request.multipart()
        part = await reader.next()
        if part is None or part.name != "media" or not part.filename:
            return web.json_response({"errcode": 41001, "errmsg": "media data missing"})
        data = await part.read()
        if not data or len(data) > 20 * 1024 * 1024:  # WeCom: files up to 20 MB
            return web.json_response({"errcode": 40006, "errmsg": "invalid file size"})
        with self._lock:
            media_id = f"media-{len(self.uploads) + 1}"
            self.uploads[media_id] = {"type": kind, "filename": part.filename, "content_type": part.headers.get("Content-Type"),
                                      "data": data}
            self.calls.append(("media/upload", {"type": kind, "filename": part.filename, "media_id": media_id}))
        return web.json_response({"errcode": 0, "errmsg": "ok", "type": kind, "media_id": media_id,
                                  "created_at": str(int(time.time()))})

    async def _menu_create(self, request):
        """WeCom's rules: agentid (an integer) in the query string; 1–3 items, names up to 16 bytes, a click
        item's key up to 128 bytes. Recorded as ("menu/create", {"agentid": int, "button": [...]})."""
        if request.query.get("access_token") != "stub-token":
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        agentid = request.query.get("agentid", "")
        if not agentid.isdigit():
            return web.json_response({"errcode": 40056, "errmsg": "invalid agentid"})
        buttons = (await request.json()).get("button") or []
        if not 1 <= len(buttons) <= 3:
            return web.json_response({"errcode": 40016, "errmsg": "invalid button size"})
        for b in buttons:
            if not 0 < len(b.get("name", "").encode()) <= 16:
                return web.json_response({"errcode": 40018, "errmsg": "invalid button name size"})
            if b.get("type") == "click" and not 0 < len(b.get("key", "").encode()) <= 128:
                return web.json_response({"errcode": 40019, "errmsg": "invalid button key size"})
        with self._lock:
            self.calls.append(("menu/create", {"agentid": int(agentid), "button": buttons}))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _post(self, request):
        path = request.match_info["path"]
        if request.query.get("access_token") != "stub-token":
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        body = await request.json()
        if path == "message/send" and body.get("msgtype") == "file":
            with self._lock:
                known = (body.get("file") or {}).get("media_id") in self.uploads
            if not known:
                return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        if path == "message/send" and body.get("msgtype") == "text":
            if len((body.get("text") or {}).get("content", "").encode()) > 2048:  # WeCom cuts longer texts
                return web.json_response({"errcode": 44004, "errmsg": "text content over limit"})
        with self._lock:
            self.calls.append((path, body))
        if path == "kf/sync_msg":
            with self._lock:
                msgs, self.kf_pending = self.kf_pending, []
            return web.json_response({"errcode": 0, "next_cursor": f"cursor-{len(self.calls)}", "has_more": 0,
                                      "msg_list": msgs})
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def _run(self):
        asyncio.set_event_loop(self._loop)
        runner = web.AppRunner(self._app())
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self._loop.run_forever()

    def start(self) -> "WeComStub":
        self._thread.start()
        time.sleep(0.3)
        return self

    def stop(self):
        self._loop.call_soon_threadsafe(self._loop.stop)

    # -- assertions helpers ----------------------------------------------------------------------
    def sent(self, path: str = "message/send", user: str | None = None) -> list[dict]:
        with self._lock:
            calls = list(self.calls)
        return [b for p, b in calls if p == path and (user is None or b.get("touser") == user)]

    def wait_sent(self, count: int, path: str = "message/send", user: str | None = None, timeout: float = 30) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.sent(path, user)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {count} {path} calls to {user}, got {self.sent(path, user)}")
