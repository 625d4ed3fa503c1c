"""Bad input over REST, the web channel and socket.io: never a 5xx or a crash; a polite reply where due.
(WeCom's bad input is in tests/test_wecom.py.)"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import pytest

CHANNELS = ["rest", "web"]


def post(url: str, data: bytes, content_type: str = "application/json") -> tuple[int, object]:
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def message(text: str, sender: str | None = None) -> bytes:
    return json.dumps({"sender": sender or f"bad-{uuid.uuid4().hex[:8]}", "message": text}).encode()


def texts(body) -> str:
    return " ".join(m.get("text", "") for m in body)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("text", [
    "😀😀😀", "<script>alert(1)</script><b>粗体</b>", "'; DROP TABLE events; --", "1 OR 1=1", "\u0000\u200b", "　",
])
def test_odd_text_gets_a_reply(servers, channel, text):
    status, body = post(f"{servers['plain']}/webhooks/{channel}/webhook", message(text))
    assert status == 200 and texts(body).strip()


@pytest.mark.parametrize("channel", CHANNELS)
def test_ten_thousand_characters_get_a_polite_reply(servers, channel):
    status, body = post(f"{servers['plain']}/webhooks/{channel}/webhook", message("我们在杭州" * 2000))
    assert status == 200 and "太长" in texts(body)


@pytest.mark.parametrize("channel", CHANNELS)
def test_empty_message_gets_a_polite_reply(servers, channel):
    status, body = post(f"{servers['plain']}/webhooks/{channel}/webhook", message(""))
    assert status == 200 and "请输入" in texts(body)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("data, content_type", [
    (b"\xff\xfe\xfa not utf-8", "application/json"),
    (b'{"sender": "x", "message": "\xff\xfe"}', "application/json"),
    (b"not json", "application/json"),
    (b'{"message": "no sender"}', "application/json"),
    (b'["a", "list"]', "application/json"),
    (b'{"sender": 5, "message": "x"}', "application/json"),
    (b"sender=x&message=y", "application/x-www-form-urlencoded"),
    (b"", "application/json"),
])
def test_malformed_requests_get_a_clear_4xx(servers, channel, data, content_type):
    status, _ = post(f"{servers['plain']}/webhooks/{channel}/webhook", data, content_type)
    assert 400 <= status < 500


@pytest.mark.parametrize("channel", CHANNELS)
def test_huge_json_body(servers, channel):
    data = json.dumps({"sender": "huge", "message": "x", "padding": "y" * 3_000_000}).encode()
    status, _ = post(f"{servers['plain']}/webhooks/{channel}/webhook", data)
    assert status < 500


@pytest.mark.parametrize("channel", CHANNELS)
def test_json_with_a_wrong_content_type_still_works(servers, channel):
    status, body = post(f"{servers['plain']}/webhooks/{channel}/webhook", message("你好"), "text/plain")
    assert status == 200 and "服务外包政策助手" in texts(body)


def test_server_still_answers_after_all_that(servers):
    status, body = post(f"{servers['plain']}/webhooks/rest/webhook", message("你好"))
    assert status == 200 and "服务外包政策助手" in texts(body)


def test_socketio_survives_malformed_events(servers):
    import socketio

    client = socketio.Client(reconnection=False)
    received: list[dict] = []
    client.on("bot_uttered", lambda data: received.append(data))
    client.connect(servers["plain"], transports=["polling"], wait_timeout=20)
    try:
        session = f"sio-{uuid.uuid4().hex[:8]}"
        client.emit("session_request", {"session_id": session})
        client.sleep(1)
        for bad in [None, "just a string", {"session_id": session}, {"message": None, "session_id": session},
                    {"message": "长" * 10000, "session_id": session}, {"message": "😀", "session_id": session}]:
            client.emit("user_uttered", bad)
        client.sleep(2)
        received.clear()
        client.emit("user_uttered", {"message": "我们在杭州", "session_id": session})
        for _ in range(150):
            if any(m.get("text") for m in received):
                break
            client.sleep(0.2)
    finally:
        client.disconnect()
    assert any(m.get("text") for m in received)  # the session still answers
