"""转人工: contact formats, the queue store (SQLite and PostgreSQL), the hand-off actions in process, and the
whole exchange through the REST channel with the real servers."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionAskContactConsent, ActionHandoff, ActionHandoffSubmit, ValidateHandoffForm
from bot.handoff import queue as handoff_queue
from bot.handoff.contact import find_contact, mask, redact
from tests.responses import buttons, said
from tests.stack import http

ROOT = Path(__file__).resolve().parent.parent


# ---- formats ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, kind, value", [
    ("13812345678", "mobile", "13812345678"),
    ("我的电话是138 1234 5678", "mobile", "13812345678"),
    ("+86 139-5812-3347", "mobile", "13958123347"),
    ("０５７１－８８８８６６６６", "landline", "0571-88886666"),
    ("座机 010-62751234转806", "landline", "010-62751234-806"),
    ("0577 8890331", "landline", "0577-8890331"),
    ("微信 zhang_san88", "wechat", "zhang_san88"),
    ("我的微信号是Lily-chen01", "wechat", "Lily-chen01"),
    ("wxid_abcd1234ef", "wechat", "wxid_abcd1234ef"),
    ("微信同手机 13867451120", "mobile", "13867451120"),
])
def test_valid_contacts_are_found_and_normalized(text, kind, value):
    contact = find_contact(text)
    assert contact is not None and (contact.kind, contact.value) == (kind, value)


@pytest.mark.parametrize("text", ["12812345678", "1381234567", "138123456789", "021-1234567", "0123-1234567",
                                  "027-0234567", "微信 12345", "微信 ab", "我们有120人", "2023年成立", "abc_123"])
def test_invalid_or_absent_contacts_are_refused(text):
    assert find_contact(text) is None


def test_a_bare_wechat_id_counts_only_as_the_answer_to_the_question():
    assert find_contact("zhang_san88") is None
    assert find_contact("zhang_san88", bare=True).value == "zhang_san88"
    assert find_contact("1zhang_san", bare=True) is None  # must start with a letter


def test_masks_and_redaction():
    assert mask("13812345678") == "138****5678"
    assert mask("0571-88886666") == "0571-****6666"
    assert "zhang_san88" not in mask("zhang_san88")
    assert redact("电话 13812345678，微信号 zhang_san88，五十人") == "电话 ［已删除］,微信号 ［已删除］,五十人"


# ---- the queue store --------------------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def queue_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.db'}"
    return request.getfixturevalue("pg_url")


def test_one_row_per_conversation_worked_from_new_to_closed(queue_url):
    handoff_queue.request("web-a", "web", "转人工", {"city": "杭州"}, ["离岸服务外包零税率或免税优惠"], url=queue_url)
    handoff_queue.request("web-a", "web", "还是转人工吧", {"city": "杭州", "offshore": True}, url=queue_url)
    handoff_queue.set_details("web-a", "杭州云帆科技有限公司", find_contact("0571-88886666"), url=queue_url)
    handoff_queue.request("wecom-b", "wecom", "转人工", {"city": "武汉"}, ["服务外包出口信用保险"], url=queue_url)
    rows = handoff_queue.search(url=queue_url)
    assert sorted(r["conversation_id"] for r in rows) == ["web-a", "wecom-b"]  # not one row per message
    a = handoff_queue.get("web-a", queue_url)
    assert (a["status"], a["firm_name"], a["city"], a["contact"]) == ("new", "杭州云帆科技有限公司", "杭州", "0571-88886666")
    assert a["last_message"] == "还是转人工吧" and a["measures"] == ["离岸服务外包零税率或免税优惠"]

    # Search by firm name, phone (any spacing), measure.
    assert [r["conversation_id"] for r in handoff_queue.search("云帆", url=queue_url)] == ["web-a"]
    assert [r["conversation_id"] for r in handoff_queue.search("0571 8888 6666", url=queue_url)] == ["web-a"]
    assert [r["conversation_id"] for r in handoff_queue.search("出口信用保险", url=queue_url)] == ["wecom-b"]
    assert handoff_queue.search("100%_", url=queue_url) == []  # wildcards are literal

    taken = handoff_queue.take("web-a", "张三", url=queue_url)
    assert (taken["status"], taken["taken_by"]) == ("taken", "张三") and taken["taken_at"]
    with pytest.raises(handoff_queue.QueueError, match="张三"):
        handoff_queue.take("web-a", "李四", url=queue_url)
    handoff_queue.add_note("web-a", "张三", "已电话联系，企业下周提交材料", url=queue_url)
    closed = handoff_queue.close("web-a", "张三", url=queue_url)
    assert (closed["status"], closed["closed_by"]) == ("closed", "张三")
    assert [(n["kind"], n["text"]) for n in closed["notes"]] == [
        ("taken", "接手处理"), ("note", "已电话联系，企业下周提交材料"), ("closed", "已办结")]
    assert [r["conversation_id"] for r in handoff_queue.search(status="new,taken", url=queue_url)] == ["wecom-b"]
    with pytest.raises(handoff_queue.QueueError):
        handoff_queue.take("web-a", "张三", url=queue_url)

    # A new 转人工 after closing reopens the same row.
    handoff_queue.request("web-a", "web", "转人工", {"city": "杭州"}, url=queue_url)
    again = handoff_queue.get("web-a", queue_url)
    assert again["status"] == "new" and again["taken_by"] is None and again["notes"][-1]["kind"] == "reopened"
    with pytest.raises(handoff_queue.QueueError, match="姓名"):
        handoff_queue.take("web-a", " ", url=queue_url)
    with pytest.raises(handoff_queue.QueueError):
        handoff_queue.take("nobody", "张三", url=queue_url)


# ---- the actions in process --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain")).as_dict()


@pytest.fixture()
def queue(tmp_path, monkeypatch, policy_db):
    url = f"sqlite:///{tmp_path / 'handoff.db'}"
    monkeypatch.setenv("HANDOFF_DB_URL", url)
    monkeypatch.setenv("HANDOFF_CONTACT_DAYS", "30")
    monkeypatch.setenv("POLICY_AS_OF", "2026-11-22")
    return url


def tracker(slots, text, intent="inform", requested=None, sender="firm-1"):
    candidates = [{"event": "slot", "name": requested, "value": text}] if requested else []
    return Tracker.from_dict({
        "sender_id": sender, "slots": {"requested_slot": requested, "handoff_requested": True, **slots},
        "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []},
        "events": [{"event": "action", "name": "action_listen"},
                   {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}] + candidates,
        "active_loop": {"name": "handoff_form"} if requested else {}, "latest_action_name": "action_listen",
    })


async def run(action, t, domain):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, domain)
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_handoff_queues_with_measures_and_asks_consent_on_a_typed_number(queue, domain):
    messages, slots = await run(ActionHandoff(), tracker({"city": "宁波", "offshore": True}, "13812345678",
                                                         intent="leave_contact"), domain)
    assert slots["handoff_requested"] is True and slots["contact_candidate"] == "手机 13812345678"
    assert "热线工作人员" in said(messages[0], domain)
    row = handoff_queue.get("firm-1", queue)
    assert row["status"] == "new" and row["city"] == "宁波" and row["measures"]
    assert row["contact"] is None  # nothing kept before the notice and the firm's agreement
    messages, _ = await run(ActionAskContactConsent(), tracker({"contact_candidate": "手机 13812345678"}, ""), domain)
    notice = said(messages[0], domain)
    assert "138****5678" in notice and "仅用于本次政策咨询的回访" in notice and "30 天后自动删除" in notice
    assert [b["title"] for b in buttons(messages[0], domain)] == ["同意", "不用了"]


@pytest.mark.parametrize("answer, intent, expected", [
    ("杭州云帆科技有限公司", "inform", "杭州云帆科技有限公司"),
    ("我们公司叫宁波海曙某某呼叫中心有限公司", "inform", "宁波海曙某某呼叫中心有限公司"),
    ("不方便说", "deny", ""),
    ("跳过", "inform", ""),
])
async def test_firm_name_answers(queue, domain, answer, intent, expected):
    _, slots = await run(ValidateHandoffForm(), tracker({}, answer, intent, requested="firm_name"), domain)
    assert slots["firm_name"] == expected and slots["requested_slot"] == "contact_consent"


async def test_consent_then_contact_with_one_format_hint_then_given_up(queue, domain):
    form = ValidateHandoffForm()
    _, slots = await run(form, tracker({"firm_name": "某某科技"}, "好的", "affirm", requested="contact_consent"), domain)
    assert slots["contact_consent"] is True and slots["requested_slot"] == "contact"
    state = {"firm_name": "某某科技", "contact_consent": True}
    messages, slots = await run(form, tracker(state, "138123", requested="contact"), domain)
    assert messages[0]["response"] == "utter_contact_format" and slots["requested_slot"] == "contact"
    messages, slots = await run(form, tracker({**state, "handoff_misunderstood": 1}, "1381234", requested="contact"), domain)
    assert slots["contact_consent"] is False and slots["requested_slot"] is None  # never asked a third time
    assert messages[0]["response"] == "utter_contact_skipped"
    _, slots = await run(form, tracker(state, "zhang_san88", requested="contact"), domain)
    assert slots["contact"] == "微信 zhang_san88" and slots["requested_slot"] is None


async def test_refusal_is_fine_and_a_number_after_the_notice_is_the_consent(queue, domain):
    form = ValidateHandoffForm()
    _, slots = await run(form, tracker({"firm_name": ""}, "不用了", "deny", requested="contact_consent"), domain)
    assert slots["contact_consent"] is False and slots["requested_slot"] is None
    _, slots = await run(form, tracker({"firm_name": ""}, "0571-88886666", "leave_contact", requested="contact_consent"), domain)
    assert slots["contact_consent"] is True and slots["contact"] == "座机 0571-88886666" and slots["requested_slot"] is None


async def test_submit_stores_the_contact_and_keeps_only_a_mask_in_the_slot(queue, domain):
    handoff_queue.request("firm-1", "web", "转人工", {"city": "杭州"}, url=queue)
    state = {"firm_name": "杭州云帆科技有限公司", "contact_consent": True, "contact": "手机 13812345678"}
    messages, slots = await run(ActionHandoffSubmit(), tracker(state, "13812345678"), domain)
    text = said(messages[0], domain)
    assert "杭州云帆科技有限公司" in text and "138****5678" in text and "13812345678" not in text and "30 天" in text
    assert slots["contact"] == "手机 138****5678"
    row = handoff_queue.get("firm-1", queue)
    assert (row["firm_name"], row["contact"], row["contact_kind"]) == ("杭州云帆科技有限公司", "13812345678", "mobile")
    # Declined: nothing stored, a plain confirmation.
    handoff_queue.request("firm-2", "web", "转人工", {}, url=queue)
    messages, _ = await run(ActionHandoffSubmit(), tracker({"firm_name": "", "contact_consent": False}, "不用了",
                                                           sender="firm-2"), domain)
    assert "工作人员会查看本次对话" in said(messages[0], domain) and handoff_queue.get("firm-2", queue)["contact"] is None


# ---- through the REST channel, with the trained model --------------------------------------------------------

def _chat(servers, sender, text):
    status, replies = http("POST", f"{servers['plain']}/webhooks/rest/webhook", {"sender": sender, "message": text})
    assert status == 200
    return replies


def _texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def test_handoff_collects_name_and_contact_over_rest(servers):
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    _chat(servers, sender, "我们在宁波，做离岸呼叫中心")
    reply = _texts(_chat(servers, sender, "转人工"))
    assert "已为您转人工" in reply and "公司的全称" in reply
    reply = _texts(_chat(servers, sender, "宁波海曙某某呼叫中心有限公司"))
    assert "仅用于本次政策咨询的回访" in reply and "天后自动删除" in reply
    assert "手机号" in _texts(_chat(servers, sender, "好的"))
    assert "格式" in _texts(_chat(servers, sender, "1381234"))
    done = _texts(_chat(servers, sender, "13812345678"))
    assert "138****5678" in done and "可以享受" not in done
    row = handoff_queue.get(sender, servers["handoff_db"])
    assert (row["firm_name"], row["contact"], row["city"]) == ("宁波海曙某某呼叫中心有限公司", "13812345678", "宁波")


def test_a_number_typed_later_is_asked_about_and_never_resends_results(servers):
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    _chat(servers, sender, "我们在杭州，外资企业，做软件外包ITO，有离岸业务")
    results = _chat(servers, sender, "直接看结果")
    assert any((r.get("custom") or {}).get("type") == "eligibility_results" for r in results)
    reply = _chat(servers, sender, "13912345678")
    text = _texts(reply)
    assert "139****5678" in text and "天后自动删除" in text
    assert not any((r.get("custom") or {}).get("type") == "eligibility_results" for r in reply)
    assert handoff_queue.get(sender, servers["handoff_db"])["contact"] is None  # not before the firm agrees
    text = _texts(_chat(servers, sender, "同意"))
    assert "全称" in text
    text = _texts(_chat(servers, sender, "跳过"))
    assert "139****5678" in text
    assert handoff_queue.get(sender, servers["handoff_db"])["contact"] == "13912345678"
