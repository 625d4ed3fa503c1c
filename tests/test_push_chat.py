"""精准推送, the firm's side, end to end on the real stack: subscribing through the REST channel, the WeCom
app (typed and through the app menu) and 微信客服; the notice before anything is kept; 退订 in chat and by the
link; the link to the firm's current report."""
from __future__ import annotations

import time
import urllib.request
import uuid

from sqlalchemy import select

from bot.push import db, store
from tests.conftest import WECOM
from tests.stack import CONSOLE_TOKEN, http
from tests.test_wecom import inner, send_encrypted


def rest(servers, sender: str, message: str) -> list[dict]:
    status, body = http("POST", f"{servers['plain']}/webhooks/rest/webhook", {"sender": sender, "message": message})
    assert status == 200, body
    return body


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def subscriptions(servers, conversation_id: str) -> list[store.Subscription]:
    return store.of_conversation(conversation_id, servers["push_db"])


def test_rest_subscribe_after_results_with_notice_consent_and_validated_contact(servers):
    sender = f"web-push-{uuid.uuid4().hex[:8]}"
    rest(servers, sender, "我们是杭州的软件公司，做离岸外包")
    rest(servers, sender, "直接看结果")
    notice = rest(servers, sender, "有新政策请通知我")
    text = texts(notice)
    for part in ("订阅前请您确认", "保存的信息", "杭州", "用途", "保存期限：12个月", "退订", "您同意吗"):
        assert part in text, text
    assert [b["title"] for r in notice for b in r.get("buttons", [])] == ["同意", "不同意"]
    assert subscriptions(servers, sender) == []  # nothing kept before the firm agrees

    assert "电子邮箱" in texts(rest(servers, sender, "同意"))
    assert "短信提醒暂未开通" in texts(rest(servers, sender, "138 1234 5678"))
    assert "没有识别出联系方式" in texts(rest(servers, sender, "就发给我吧"))
    done = texts(rest(servers, sender, "邮箱是 Firm.A@Example.com"))
    assert "已为您订阅新政策提醒" in done and "Fi***@example.com" in done and "退订" in done
    [sub] = subscriptions(servers, sender)
    assert (sub.channel, sub.address) == ("email", "Firm.A@example.com")
    assert sub.profile["city"] == "杭州" and sub.profile["offshore"] is True
    assert sub.snapshot and all(len(v) == 3 for v in sub.snapshot.values())
    with db.engine(servers["push_db"]).connect() as conn:  # the notice the firm agreed to, verbatim
        agreed = conn.execute(select(db.subscriptions.c.consent_notice).where(db.subscriptions.c.id == sub.id)).scalar()
    assert agreed == notice[0]["text"]

    # The report link in every notification leads to the firm's current report.
    with urllib.request.urlopen(f"{servers['plain']}/webhooks/push/results/{sub.token}", timeout=30) as page:
        assert "/report/" in page.url and "政策匹配报告" in page.read().decode()
        report_page = page.url

    assert "已为您退订" in texts(rest(servers, sender, "退订"))
    assert subscriptions(servers, sender) == []
    assert http("GET", report_page)[0] == 404  # the report made from the stored profile is gone too
    assert "没有订阅" in texts(rest(servers, sender, "退订"))


def test_rest_declining_keeps_nothing_and_no_profile_means_no_subscription(servers):
    sender = f"web-push-{uuid.uuid4().hex[:8]}"
    assert "先告诉我贵公司所在城市" in texts(rest(servers, sender, "有新政策请通知我"))
    rest(servers, sender, "我们是武汉的医药研发外包企业")
    rest(servers, sender, "直接看结果")
    rest(servers, sender, "订阅新政策")
    assert "不会保存您的信息" in texts(rest(servers, sender, "不同意"))
    assert subscriptions(servers, sender) == []


def test_the_unsubscribe_link_asks_then_deletes(servers):
    sender = f"web-push-{uuid.uuid4().hex[:8]}"
    rest(servers, sender, "我们是宁波的外资企业，做离岸呼叫中心")
    rest(servers, sender, "直接看结果")
    rest(servers, sender, "有新政策请通知我")
    rest(servers, sender, "好的")
    rest(servers, sender, "企业微信账号：ningbo_callcenter")
    [sub] = subscriptions(servers, sender)
    assert (sub.channel, sub.address) == ("wecom_app", "ningbo_callcenter")
    link = f"{servers['plain']}/webhooks/push/unsubscribe/{sub.token}"
    with urllib.request.urlopen(link, timeout=10) as page:  # a GET (a mail scanner) deletes nothing
        assert "确认退订" in page.read().decode()
    assert len(subscriptions(servers, sender)) == 1
    request = urllib.request.Request(link, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as page:
        assert "已全部删除" in page.read().decode()
    assert subscriptions(servers, sender) == []


def _wait_text(stub, user: str, needle: str, path: str = "message/send", timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for m in stub.sent(path, user):
            body = m.get("text") or m.get("markdown") or {}
            content = body.get("content") or (m.get("msgmenu") or {}).get("head_content") or ""
            if needle in content:
                return content
        time.sleep(0.2)
    raise AssertionError(f"no message to {user} containing {needle!r}: {stub.sent(path, user)}")


def test_wecom_app_subscribe_by_typing_and_unsubscribe_from_the_menu(servers, wecom_stub):
    user = f"push-{uuid.uuid4().hex[:6]}"
    send_encrypted(servers, inner(user, "我们是杭州的软件公司，做离岸外包"))
    wecom_stub.wait_sent(1, user=user)
    send_encrypted(servers, inner(user, "有新政策请通知我"))
    notice = _wait_text(wecom_stub, user, "订阅前请您确认")
    assert "企业微信账号" in notice and "1. 同意" in notice and "2. 不同意" in notice
    send_encrypted(servers, inner(user, "1"))  # the numbered option: 同意
    done = _wait_text(wecom_stub, user, "已为您订阅")
    assert "通过企业微信通知您" in done
    [sub] = subscriptions(servers, f"wecom-{user}")
    assert (sub.channel, sub.address) == ("wecom_app", user) and sub.profile["city"] == "杭州"

    menu = inner(user, kind="event", extra="<Event><![CDATA[click]]></Event><EventKey><![CDATA[/unsubscribe_push]]></EventKey>")
    send_encrypted(servers, menu)
    _wait_text(wecom_stub, user, "已为您退订")
    assert subscriptions(servers, f"wecom-{user}") == []


def test_wecom_menu_item_starts_the_subscription(servers, wecom_stub):
    user = f"menu-{uuid.uuid4().hex[:6]}"
    send_encrypted(servers, inner(user, "我们是武汉的软件外包公司"))
    wecom_stub.wait_sent(1, user=user)
    click = inner(user, kind="event", extra="<Event><![CDATA[click]]></Event><EventKey><![CDATA[/subscribe_push]]></EventKey>")
    send_encrypted(servers, click)
    _wait_text(wecom_stub, user, "订阅前请您确认")


def kf_message(customer: str, text: str, menu_id: str | None = None) -> dict:
    body = {"content": text, **({"menu_id": menu_id} if menu_id else {})}
    return {"msgid": uuid.uuid4().hex, "open_kfid": "wk-push", "external_userid": customer,
            "send_time": int(time.time()), "origin": 3, "msgtype": "text", "text": body}


def kf_event() -> str:
    return (f"<xml><ToUserName><![CDATA[{WECOM['WECOM_CORP_ID']}]]></ToUserName><CreateTime>{int(time.time())}"
            "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>"
            "<Token><![CDATA[sync-token]]></Token><OpenKfId><![CDATA[wk-push]]></OpenKfId></xml>")


def test_wechat_customer_service_subscribe_keeps_the_kf_account_and_window(servers, wecom_stub):
    customer = f"wm-push-{uuid.uuid4().hex[:6]}"
    wecom_stub.kf_pending = [kf_message(customer, "我们在杭州，做ITO软件开发，有离岸业务")]
    send_encrypted(servers, kf_event())
    wecom_stub.wait_sent(1, path="kf/send_msg", user=customer)
    wecom_stub.kf_pending = [kf_message(customer, "有新政策请通知我")]  # mid-form: the form gives way
    send_encrypted(servers, kf_event())
    _wait_text(wecom_stub, customer, "订阅前请您确认", path="kf/send_msg")
    wecom_stub.kf_pending = [kf_message(customer, "同意", menu_id="/affirm")]  # the menu item tapped
    send_encrypted(servers, kf_event())
    _wait_text(wecom_stub, customer, "已为您订阅", path="kf/send_msg")
    [sub] = subscriptions(servers, f"wxkf-{customer}")
    assert (sub.channel, sub.address, sub.open_kfid) == ("wecom_kf", customer, "wk-push")
    deadline = time.monotonic() + 10  # the channel counts its replies right after sending them
    while sub.kf_sent_since_inbound < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
        [sub] = subscriptions(servers, f"wxkf-{customer}")
    assert sub.kf_last_inbound_at is not None and sub.kf_sent_since_inbound >= 1  # the window's count


def test_console_preview_api_needs_the_token(servers):
    base = f"{servers['plain']}/webhooks/push"
    assert http("GET", f"{base}/api/preview")[0] == 401
    assert http("GET", f"{base}/api/outbox", headers={"Authorization": "Bearer wrong"})[0] == 401
    auth = {"Authorization": f"Bearer {CONSOLE_TOKEN}"}
    status, body = http("GET", f"{base}/api/preview", headers=auth, timeout=120)
    assert status == 200 and body["dry_run"] is True and set(body["summary"]) >= {"subscribers", "to_notify"}
    status, body = http("GET", f"{base}/api/outbox", headers=auth)
    assert status == 200 and set(body) == {"waiting", "audit"}
    with urllib.request.urlopen(f"{base}/preview.js", timeout=10) as script:
        assert script.headers["Content-Type"].startswith("application/javascript") and b"push-preview" in script.read()
