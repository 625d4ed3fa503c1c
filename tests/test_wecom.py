"""WeCom channel: official crypto vector, encrypted round trips through a local WeCom stub, bad input."""
from __future__ import annotations

import re
import time
import uuid

import pytest
from wechatpy.enterprise.crypto import WeChatCrypto

from bot.channels.wecom.channel import WeComInput
from bot.channels.wecom.format import MAX_BYTES, choose, render, results_messages, split_bytes
from tests.conftest import WECOM
from tests.stack import http

CRYPTO = WeChatCrypto(WECOM["WECOM_TOKEN"], WECOM["WECOM_AES_KEY"], WECOM["WECOM_CORP_ID"])
# wechatpy's official vectors (tests/test_crypto.py)
VERIFY = {"msg_signature": "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "timestamp": "1411443780",
          "nonce": "437374425", "echostr": "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="}
VECTOR_XML = """<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>
<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>
<AgentID><![CDATA[1]]></AgentID>
</xml>"""
VECTOR_QUERY = "msg_signature=74d92dfeb87ba7c714f89d98870ae5eb62dff26d&timestamp=1411525903&nonce=461056294"


def url(servers, query=""):
    return f"{servers['plain']}/webhooks/wecom/webhook" + (f"?{query}" if query else "")


def get_text(target: str) -> tuple[int, str]:
    import urllib.request

    with urllib.request.urlopen(target, timeout=30) as response:
        return response.status, response.read().decode()


def post_xml(target: str, body: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(target, data=body.encode(), method="POST", headers={"Content-Type": "text/xml"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def inner(user: str, content: str = "", kind: str = "text", msg_id: str | None = None, extra: str = "") -> str:
    body = f"<Content><![CDATA[{content}]]></Content>" if kind == "text" else extra
    return (f"<xml><ToUserName><![CDATA[{WECOM['WECOM_CORP_ID']}]]></ToUserName><FromUserName><![CDATA[{user}]]>"
            f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>"
            f"{body}<MsgId>{msg_id or uuid.uuid4().int % 10**18}</MsgId><AgentID>1000002</AgentID></xml>")


def send_encrypted(servers, message_xml: str, signature: str | None = None) -> tuple[int, str, float]:
    nonce, timestamp = "1234567", str(int(time.time()))
    envelope = CRYPTO.encrypt_message(message_xml, nonce, timestamp)
    import xmltodict

    sig = signature or xmltodict.parse(envelope)["xml"]["MsgSignature"]
    started = time.monotonic()
    status, body = post_xml(url(servers, f"msg_signature={sig}&timestamp={timestamp}&nonce={nonce}"), envelope)
    return status, body, time.monotonic() - started


def test_official_vector_verifies_the_callback_url(servers):
    query = "&".join(f"{k}={v}" for k, v in VERIFY.items())
    status, body = http("GET", url(servers, query.replace("+", "%2B")))
    expected = CRYPTO.check_signature(*VERIFY.values())
    assert status == 200 and str(body) == (expected.decode() if isinstance(expected, bytes) else expected)


def test_url_verification_with_a_bad_signature_is_refused(servers):
    query = "&".join(f"{k}={v}" for k, v in {**VERIFY, "nonce": "437374424"}.items())
    assert http("GET", url(servers, query.replace("+", "%2B")))[0] == 403


def test_official_vector_message_is_decrypted_and_answered(servers, wecom_stub):
    status, body = post_xml(url(servers, VECTOR_QUERY), VECTOR_XML)
    assert (status, body) == (200, "")
    [reply, *_] = wecom_stub.wait_sent(1, user="messense")  # the vector's sender wrote "test"
    assert reply["agentid"] == 1000002 and reply["msgtype"] in ("text", "markdown")


def test_round_trip_with_numbered_quick_replies_results_link_and_pdf(servers, wecom_stub):
    user = f"zhang-{uuid.uuid4().hex[:6]}"
    tokens_before = wecom_stub.token_requests  # the stub is shared with other modules' servers
    status, body, elapsed = send_encrypted(servers, inner(user, "我们是宁波的外资企业，有离岸业务，有外籍员工"))
    assert (status, body) == (200, "") and elapsed < 5
    first = wecom_stub.wait_sent(1, user=user)
    question = first[-1]["text"]["content"]
    assert "\n1. " in question and "\n2. " in question and "回复数字" in question  # buttons as numbered options
    asked = question.split("\n1. ")[0].splitlines()[-1]
    send_encrypted(servers, inner(user, "2"))  # the second option's payload, as the number says
    second = wecom_stub.wait_sent(len(first) + 1, user=user)
    assert asked not in second[-1]["text"]["content"]  # answered: the next question, not the same again
    before = len(wecom_stub.sent(user=user))
    send_encrypted(servers, inner(user, "直接看结果"))
    deadline = time.monotonic() + 60
    messages = wecom_stub.sent(user=user)
    while not any(m["msgtype"] == "file" for m in messages) and time.monotonic() < deadline:
        time.sleep(0.2)
        messages = wecom_stub.sent(user=user)
    texts = [m["text"]["content"] for m in messages[before:] if m["msgtype"] == "text"]
    results = "\n".join(texts)
    assert "根据您提供的信息" in texts[0] and "宁波市商务局" in results  # the summary first
    for m in messages:
        assert m["msgtype"] in ("text", "file")  # plain text: it shows in WeChat as well as in WeCom
        if m["msgtype"] == "text":
            assert len(m["text"]["content"].encode()) <= MAX_BYTES
    # The last text ends with the link to the full report, which the server serves.
    link = re.search(r"完整报告[^：]*：(https://policy\.example\.gov\.cn(/report/[A-Za-z0-9_-]+))", texts[-1])
    assert link, texts[-1]
    status, page = get_text(f"{servers['plain']}{link.group(2)}")
    assert status == 200 and "政策匹配报告" in page
    # …and the same report as a PDF file message, uploaded through media/upload first.
    [file_message] = [m for m in messages if m["msgtype"] == "file"]
    upload = wecom_stub.uploads[file_message["file"]["media_id"]]
    assert upload["type"] == "file" and upload["filename"].endswith(".pdf") and upload["data"].startswith(b"%PDF")
    assert messages.index(file_message) == len(messages) - 1  # after the texts
    assert wecom_stub.token_requests - tokens_before <= 1  # the access token is cached until it expires


def test_console_sends_the_report_to_a_wecom_firm_with_the_pdf(servers, wecom_stub):
    from tests.stack import CONSOLE_TOKEN

    user = f"li-{uuid.uuid4().hex[:6]}"
    send_encrypted(servers, inner(user, "我们是武汉的企业，做软件外包，有离岸业务"))
    wecom_stub.wait_sent(1, user=user)
    before = len(wecom_stub.sent(user=user))
    status, sent = http("POST", f"{servers['plain']}/webhooks/console/api/conversations/wecom-{user}/send",
                        {"staff": "张三"}, {"Authorization": f"Bearer {CONSOLE_TOKEN}"})
    assert status == 200 and sent["via"] == "wecom" and "PDF" in sent["message"], sent
    new = wecom_stub.sent(user=user)[before:]
    assert [m["msgtype"] for m in new] == ["text", "file"]
    assert f"https://policy.example.gov.cn{sent['report']['page']}" in new[0]["text"]["content"]
    assert wecom_stub.uploads[new[1]["file"]["media_id"]]["data"].startswith(b"%PDF")


def test_bad_signature_is_refused_and_nothing_processed(servers, wecom_stub):
    user = f"mallory-{uuid.uuid4().hex[:6]}"
    status, _, _ = send_encrypted(servers, inner(user, "你好"), signature="0" * 40)
    assert status == 403
    time.sleep(2)
    assert wecom_stub.sent(user=user) == []


def test_replayed_msg_id_is_answered_once(servers, wecom_stub):
    user = f"retry-{uuid.uuid4().hex[:6]}"
    message = inner(user, "你好", msg_id="777000111")
    assert send_encrypted(servers, message)[0] == 200
    wecom_stub.wait_sent(2, user=user)  # greeting and first question
    time.sleep(1)
    answered = len(wecom_stub.sent(user=user))
    for _ in range(2):  # WeCom's retries of the same MsgId
        assert send_encrypted(servers, message)[0] == 200
    time.sleep(2)
    assert len(wecom_stub.sent(user=user)) == answered


@pytest.mark.parametrize("body, status", [("not xml at all", 400), ("<xml><Encrypt></Encrypt></xml>", 400),
                                          ("<xml><Encrypt><![CDATA[Zm9vYmFy]]></Encrypt></xml>", 403), ("", 400)])
def test_malformed_callbacks_never_5xx(servers, body, status):
    assert post_xml(url(servers, "msg_signature=abc&timestamp=1&nonce=2"), body)[0] == status
    assert post_xml(url(servers), body)[0] == 400  # missing parameters


def test_image_gets_a_polite_text_reply_and_events_are_ignored(servers, wecom_stub):
    user = f"img-{uuid.uuid4().hex[:6]}"
    image = inner(user, kind="image", extra="<PicUrl><![CDATA[http://127.0.0.1/x.png]]></PicUrl><MediaId>m1</MediaId>")
    assert send_encrypted(servers, image)[0] == 200
    [reply] = wecom_stub.wait_sent(1, user=user)
    assert "文字" in reply["text"]["content"]
    event = inner(user, kind="event", extra="<Event><![CDATA[enter_agent]]></Event>")
    assert send_encrypted(servers, event)[0] == 200
    time.sleep(2)
    assert len(wecom_stub.sent(user=user)) == 1


def test_wechat_customer_service_pulls_and_replies_with_a_menu(servers, wecom_stub):
    customer = f"wm-{uuid.uuid4().hex[:6]}"
    wecom_stub.kf_pending = [{"msgid": uuid.uuid4().hex, "open_kfid": "wk-1", "external_userid": customer,
                              "send_time": int(time.time()), "origin": 3, "msgtype": "text",
                              "text": {"content": "我们在杭州，做ITO软件开发"}}]
    event = (f"<xml><ToUserName><![CDATA[{WECOM['WECOM_CORP_ID']}]]></ToUserName><CreateTime>{int(time.time())}"
             "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>"
             "<Token><![CDATA[sync-token]]></Token><OpenKfId><![CDATA[wk-1]]></OpenKfId></xml>")
    assert send_encrypted(servers, event)[0] == 200
    replies = wecom_stub.wait_sent(1, path="kf/send_msg", user=customer)
    menus = [r for r in replies if r["msgtype"] == "msgmenu"]
    assert menus and [i["click"]["content"] for i in menus[0]["msgmenu"]["list"]] == ["是的", "不是", "不清楚"]
    syncs = wecom_stub.sent(path="kf/sync_msg")
    assert syncs[-1]["token"] == "sync-token" and syncs[-1]["open_kfid"] == "wk-1"
    # The next event continues from the cursor kept for this open_kfid.
    assert send_encrypted(servers, event)[0] == 200
    deadline = time.monotonic() + 10
    while len(wecom_stub.sent(path="kf/sync_msg")) < len(syncs) + 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert wecom_stub.sent(path="kf/sync_msg")[-1].get("cursor", "").startswith("cursor-")


# ---- formatting, without a server ----------------------------------------------------------------------

def test_split_bytes_keeps_every_piece_under_the_limit():
    text = "\n".join(["政策" * 300, "短行", "x" * 5000])
    pieces = split_bytes(text)
    assert all(len(p.encode()) <= MAX_BYTES for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_results_split_only_between_measures_and_end_with_the_link(compiled, monkeypatch):
    import datetime as dt

    from policies_db import evaluate_compiled, wording

    monkeypatch.setenv("PUBLIC_BASE_URL", "https://policy.example.gov.cn/")
    profile = {"city": "武汉", "foreign_invested": True, "offshore": True, "onshore": True, "service_types": ["ITO", "KPO"],
               "fields": ["software_it", "digital_tech"], "employees": 300}
    ev = evaluate_compiled(compiled, profile, dt.date(2024, 6, 30))
    blocks = wording.text_blocks(ev)
    payload = {"report": {"page": "/report/" + "a" * 32, "pdf": "/report/" + "a" * 32 + "/pdf"}}
    for limit in (MAX_BYTES, 700):
        messages = results_messages(blocks, payload, limit)
        assert all(len(m.encode()) <= limit for m in messages)
        assert messages[-1].endswith("完整报告（条件、出处、联系部门）：https://policy.example.gov.cn/report/" + "a" * 32)
        for block in blocks:  # every measure whole, in exactly one message
            assert sum(block in m for m in messages) == 1, block
    assert len(results_messages(blocks, payload, 700)) > len(results_messages(blocks, payload, MAX_BYTES)) >= 1
    rendered = render([{"text": "x", "custom": {"type": "eligibility_results", **payload}}], lambda p: ["结果"])
    assert [(o.kind, o.content) for o in rendered.messages] == [("text", "结果"), ("report_pdf", "a" * 32)]


def test_numbered_options_map_digits_to_payloads():
    rendered = render([{"text": "是否承接离岸业务？", "buttons": [{"title": "是的", "payload": "/affirm"},
                                                          {"title": "不是", "payload": "/deny"}]}])
    assert "1. 是的\n2. 不是" in rendered.messages[0].content
    assert choose("2", rendered.options) == "/deny"
    assert choose("3", rendered.options) == "3" and choose("我们在杭州", rendered.options) == "我们在杭州"


def test_channel_is_off_without_a_token():
    assert WeComInput.from_credentials({"token": ""}).enabled is False
    assert WeComInput.from_credentials(None).enabled is False
    assert WeComInput.from_credentials({"token": "t", "aes_key": WECOM["WECOM_AES_KEY"], "corp_id": "c"}).enabled
