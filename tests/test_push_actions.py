"""The subscribe actions against tracker fixtures and the real domain (fast; the stack tests are in
test_push_chat.py): the notice, what the form asks where, contact validation, storing and deleting."""
from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.subscribe import ActionAskPushConsent, ActionSubscribe, ActionUnsubscribe, ValidatePushForm
from bot.push import db, store
from tests.responses import buttons, said

ROOT = Path(__file__).resolve().parent.parent
PROFILE = {"city": "杭州", "offshore": True, "service_types": ["ITO"]}


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain")).as_dict()


@pytest.fixture(autouse=True)
def push_url(policy_db, monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'push.db'}"
    monkeypatch.setenv("PUSH_DB_URL", url)
    monkeypatch.setenv("POLICY_AS_OF", "2024-06-30")
    yield url
    db.dispose(url)


def tracker(sender="web-abc", slots=None, text="", intent="inform", requested=None, metadata=None):
    slots = {**PROFILE, "requested_slot": requested, **(slots or {})}
    return Tracker.from_dict({
        "sender_id": sender, "slots": slots,
        "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": [],
                           "metadata": metadata or {}},
        "events": [{"event": "action", "name": "action_listen"},
                   {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}]
                  + [{"event": "slot", "name": k, "value": v} for k, v in (slots or {}).items()],
        "active_loop": {"name": "push_form"}, "latest_action_name": "action_listen",
    })


async def run(action, t, domain):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, domain)
    return dispatcher, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_the_notice_says_what_why_how_long_and_how_to_stop(domain, monkeypatch):
    monkeypatch.setenv("PUSH_RETENTION_MONTHS", "6")
    dispatcher, _ = await run(ActionAskPushConsent(), tracker(), domain)
    [message] = dispatcher.messages
    for part in ("保存的信息", "杭州", "电子邮箱或企业微信账号", "用途", "保存期限：6个月", "退订", "您同意吗"):
        assert part in said(message, domain)
    assert [b["payload"] for b in buttons(message, domain)] == ["/affirm", "/deny"]
    dispatcher, _ = await run(ActionAskPushConsent(), tracker(sender="wecom-zhang"), domain)
    assert "您当前使用的企业微信账号" in said(dispatcher.messages[0], domain)


async def test_the_website_asks_a_contact_after_consent_wecom_does_not(domain):
    _, slots = await run(ValidatePushForm(), tracker(slots={"push_consent": "同意"}, text="同意", requested="push_consent"), domain)
    assert slots["push_consent"] is True
    required = await ValidatePushForm().required_slots([], CollectingDispatcher(), tracker(slots={"push_consent": True}), domain)
    assert required == ["push_consent", "push_contact"]
    _, slots = await run(ValidatePushForm(), tracker("wecom-zhang", {"push_consent": "/affirm"}, "/affirm", "affirm",
                                                     "push_consent"), domain)
    assert slots["push_consent"] is True and slots["requested_slot"] is None


async def test_declining_or_no_profile_ends_the_form(domain):
    _, slots = await run(ValidatePushForm(), tracker(slots={"push_consent": "不同意"}, text="不同意", requested="push_consent"), domain)
    assert slots["push_consent"] is False and slots["requested_slot"] is None
    no_city = tracker(slots={"city": None})
    _, slots = await run(ValidatePushForm(), no_city, domain)
    assert slots.get("requested_slot") is None


@pytest.mark.parametrize("typed, stored, response", [
    ("name@example.com", "email name@example.com", None),
    ("企业微信 li_si", "wecom_app li_si", None),
    ("13812345678", None, "utter_push_no_sms"),
    ("随便", None, "utter_push_contact_format"),
])
async def test_contacts_are_validated(domain, typed, stored, response):
    t = tracker(slots={"push_consent": True, "push_contact": typed}, text=typed, requested="push_contact")
    dispatcher, slots = await run(ValidatePushForm(), t, domain)
    assert slots["push_contact"] == stored
    assert [m.get("response") for m in dispatcher.messages] == ([response] if response else [])


async def test_subscribe_stores_the_profile_and_unsubscribe_deletes_it(domain, push_url):
    t = tracker("wxkf-wm123", {"push_consent": True}, metadata={"open_kfid": "wk-9"})
    dispatcher, slots = await run(ActionSubscribe(), t, domain)
    assert "已为您订阅" in said(dispatcher.messages[0], domain) and slots["push_consent"] is None
    [sub] = store.of_conversation("wxkf-wm123", push_url)
    assert (sub.channel, sub.address, sub.open_kfid, sub.profile["city"]) == ("wecom_kf", "wm123", "wk-9", "杭州")
    dispatcher, _ = await run(ActionUnsubscribe(), tracker("wxkf-wm123"), domain)
    assert dispatcher.messages[0]["response"] == "utter_push_unsubscribed"
    assert store.of_conversation("wxkf-wm123", push_url) == []
    dispatcher, _ = await run(ActionUnsubscribe(), tracker("wxkf-wm123"), domain)
    assert dispatcher.messages[0]["response"] == "utter_push_not_subscribed"


async def test_nothing_is_stored_without_consent(domain, push_url):
    dispatcher, _ = await run(ActionSubscribe(), tracker("web-x", {"push_consent": False}), domain)
    assert dispatcher.messages[0]["response"] == "utter_push_declined"
    assert store.of_conversation("web-x", push_url) == []
