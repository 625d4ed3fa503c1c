"""Full conversations over REST with the real servers: action server + Rasa with the trained model."""
from __future__ import annotations

import uuid

import pytest

from bot.handoff import queue as handoff_queue
from policies_db import FIELDS
from tests.conftest import API_TOKEN as TOKEN
from tests.stack import http


class Chat:
    """One firm's conversation through the REST channel, with the tracker read through the HTTP API."""

    def __init__(self, base: str):
        self.base, self.sender = base, f"firm-{uuid.uuid4().hex[:8]}"

    def say(self, text: str) -> list[dict]:
        status, replies = http("POST", f"{self.base}/webhooks/rest/webhook", {"sender": self.sender, "message": text})
        assert status == 200, replies
        return replies

    def text(self, text: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(text))

    def tracker(self) -> dict:
        status, body = http("GET", f"{self.base}/conversations/{self.sender}/tracker?token={TOKEN}")
        assert status == 200, body
        return body

    def slots(self) -> dict:
        return self.tracker()["slots"]


def checklist_of(replies: list[dict]) -> list[str]:
    [custom] = [m["custom"] for m in replies if m.get("custom", {}).get("type") == "checklist"]
    return [item["field"] for item in custom["items"]]


def results_of(replies: list[dict]) -> dict:
    payloads = [m["custom"] for m in replies if m.get("custom", {}).get("type") == "eligibility_results"]
    assert payloads, f"no results payload in {replies}"
    return payloads[-1]


ANSWERS = {  # what the simulated firm answers to each question
    "service_types": "我们做BPO", "offshore": "是的", "onshore": "不是", "fields": "呼叫中心",
    "tech_advanced_certified": "不是", "recruits_senior_talent": "没有", "provides_training": "不是",
    "financial_institution": "不是", "in_bonded_zone": "不是", "plans_listing": "没有", "overseas_expansion": "不是",
    "foreign_invested": "是的", "hires_foreign_talent": "是的", "city": "宁波",
}


def test_one_message_fills_many_slots_and_they_are_never_asked(servers):
    chat = Chat(servers["api"])
    chat.say("你好")
    assert chat.slots()["requested_slot"] == "city"
    replies = chat.say("我们是宁波的外资企业，做离岸呼叫中心，有外籍员工")
    slots = chat.slots()
    assert slots["city"] == "宁波" and slots["foreign_invested"] is True and slots["offshore"] is True
    assert slots["fields"] == ["business_operations"] and slots["hires_foreign_talent"] is True
    filled = {"city", "foreign_invested", "offshore", "fields", "hires_foreign_talent"}
    asked, offered = [], []
    for _ in range(15):
        requested = chat.slots()["requested_slot"]
        if requested is None:
            break
        assert requested not in filled and requested not in asked
        asked.append(requested)
        if requested == "situations":
            offered = checklist_of(replies)
            assert not set(offered) & filled  # the checklist lists only what is still open
            replies = chat.say("都没有")
        else:
            replies = chat.say(ANSWERS[requested])
    results = results_of(replies)
    assert "situations" in asked and len(asked) <= 3
    slots = chat.slots()
    assert all(slots[f] is False for f in offered)
    eligible = {e["id"]: e for e in results["eligible"]}
    assert {"zj-offshore-zero-rate", "zj-export-credit-insurance", "zj-foreign-talent", "zj-foreign-enterprise"} <= set(eligible)
    assert [c["name"] for c in eligible["zj-offshore-zero-rate"]["contacts"]] == ["浙江省商务厅", "宁波市商务局"]
    assert results["undetermined"] == []
    assert all(e["reasons"] for e in results["ineligible"])


def test_yes_no_questions_offer_quick_replies(servers):
    chat = Chat(servers["api"])
    replies = chat.say("我们在杭州，做ITO软件开发")
    assert FIELDS[chat.slots()["requested_slot"]].kind == "bool"
    buttons = [b for m in replies for b in m.get("buttons", [])]
    before = chat.slots()["requested_slot"]
    # Each payload names the question it answers, so an old button clicked later changes nothing.
    assert [(b["title"], b["payload"]) for b in buttons] == [
        (title, f'/{intent}{{"answer_for": "{before}"}}') for title, intent in
        [("是的", "affirm"), ("不是", "deny"), ("不清楚", "dont_know")]]
    chat.say(buttons[0]["payload"])
    assert chat.slots()[before] is True


def test_checklist_asks_the_open_circumstances_at_once(servers):
    chat = Chat(servers["api"])
    replies = chat.say("我们在杭州，做ITO软件开发，有离岸业务")
    assert chat.slots()["requested_slot"] == "situations"
    offered = checklist_of(replies)
    text = "\n".join(m.get("text", "") for m in replies)
    assert "1. " in text and "都没有" in text
    replies = chat.say("1，其他不清楚")
    slots = chat.slots()
    assert slots[offered[0]] is True
    assert all(slots[f] is None for f in offered[1:]) and set(offered[1:]) <= set(slots["skipped_fields"])
    assert "抱歉" not in "\n".join(m.get("text", "") for m in replies)


def test_dont_know_leaves_the_field_unknown_and_moves_on(servers):
    chat = Chat(servers["api"])
    chat.say("我们在杭州")
    assert chat.slots()["requested_slot"] == "service_types"
    reply = chat.text("不清楚")
    slots = chat.slots()
    assert "跳过" in reply
    assert slots["service_types"] is None and slots["skipped_fields"] == ["service_types"]
    assert slots["requested_slot"] not in (None, "service_types")


@pytest.mark.parametrize("answer", ["不做服务外包", "/deny"])
def test_no_outsourcing_answer_is_understood_typed_or_clicked(servers, answer):
    # Rasa sets a list slot's from_intent value [] as [[]]: it once broke every later turn.
    chat = Chat(servers["api"])
    chat.say("我们在武汉")
    assert chat.slots()["requested_slot"] == "service_types"
    reply = chat.text(answer)
    assert "抱歉" not in reply
    assert chat.slots()["requested_slot"] not in (None, "service_types")
    chat.say("是的")
    assert "抱歉，系统暂时" not in chat.text("直接看结果")


def test_direct_results_and_correction_updates_the_answer(servers):
    chat = Chat(servers["api"])
    chat.say("我们在杭州，做离岸软件外包")
    results = results_of(chat.say("直接看结果"))
    zero_rate = next(e for e in results["eligible"] if e["id"] == "zj-offshore-zero-rate")
    assert "杭州市商务局" in [c["name"] for c in zero_rate["contacts"]]
    assert zero_rate["in_force"] is False and "确认" in zero_rate["validity"]["note"]
    replies = chat.say("说错了，我们在温州")
    while chat.slots()["requested_slot"]:
        replies = chat.say("不清楚")
    zero_rate = next(e for e in results_of(replies)["eligible"] if e["id"] == "zj-offshore-zero-rate")
    assert [c["name"] for c in zero_rate["contacts"]] == ["浙江省商务厅", "温州市商务局"]


def test_outside_coverage_says_what_is_covered(servers):
    chat = Chat(servers["api"])
    replies = chat.say("我们公司在上海")
    text = "\n".join(m.get("text", "") for m in replies)
    assert "上海" in text and "浙江省" in text and "武汉市" in text
    assert results_of(replies)["eligible"] == []


def test_questions_at_any_point(servers):
    chat = Chat(servers["api"])
    chat.say("我们在武汉，做医药研发外包")
    requested = chat.slots()["requested_slot"]
    why = chat.text("为什么不能享受出口信用保险")
    assert "服务外包出口信用保险" in why and "离岸" in why
    assert chat.slots()["requested_slot"] == requested  # the form goes on afterwards
    assert "中国出口信用保险公司湖北分公司" in chat.text("出口信用保险找哪个部门")
    conditions = chat.text("出口信贷需要什么条件")
    assert "三（三）9." in conditions and "符合条件的服务外包企业" in conditions
    assert "人才" in chat.text("有哪些人才政策")
    capabilities = chat.text("你能做什么")
    assert "浙江" in capabilities and "武汉" in capabilities


def test_topic_lookup_asks_the_region_only_when_it_matters(servers):
    chat = Chat(servers["api"])
    assert "哪个城市" in chat.text("有哪些出口信用保险政策")
    answer = chat.text("武汉")
    assert "服务外包出口信用保险" in answer and "抱歉" not in answer
    chat2 = Chat(servers["api"])
    assert "离岸服务外包零税率或免税优惠" in chat2.text("有哪些零税率政策")


def test_handoff_marks_the_conversation_for_staff(servers):
    chat = Chat(servers["api"])
    chat.say("我们在温州，做离岸外包")
    reply = chat.text("转人工")
    assert "工作人员" in reply
    assert chat.slots()["handoff_requested"] is True
    queued = [r for r in handoff_queue.open_requests(servers["handoff_db"]) if r["conversation_id"] == chat.sender]
    assert queued and queued[0]["profile"]["city"] == "温州"


def test_restart_out_of_scope_goodbye(servers):
    chat = Chat(servers["api"])
    chat.say("我们在杭州")
    assert "重新开始" in chat.text("重新开始")
    assert chat.slots()["city"] is None
    assert "服务外包" in chat.text("今天天气怎么样")
    assert "感谢" in chat.text("再见")


def test_http_api_requires_the_token(servers):
    assert http("GET", f"{servers['api']}/status")[0] == 401
    assert http("GET", f"{servers['api']}/status?token=wrong")[0] == 401
    assert http("GET", f"{servers['api']}/status?token={TOKEN}")[0] == 200


def test_http_api_is_off_without_a_token_but_chat_works(servers):
    assert http("GET", f"{servers['plain']}/status")[0] == 404
    assert http("GET", f"{servers['plain']}/conversations/x/tracker")[0] == 404
    chat = Chat(servers["plain"])
    assert "城市" in chat.text("你好")


def test_socketio_channel_holds_a_conversation(servers):
    import socketio

    client = socketio.Client(reconnection=False)
    received: list[dict] = []
    client.on("bot_uttered", lambda data: received.append(data))
    client.connect(servers["plain"], transports=["polling"], socketio_path="/socket.io", wait_timeout=20)
    try:
        session = f"web-{uuid.uuid4().hex[:8]}"
        client.emit("session_request", {"session_id": session})
        client.sleep(1)
        client.emit("user_uttered", {"message": "你好", "session_id": session})
        for _ in range(100):
            if any("城市" in (m.get("text") or "") for m in received):
                break
            client.sleep(0.2)
    finally:
        client.disconnect()
    texts = [m.get("text") or "" for m in received]
    assert any("服务外包政策助手" in t for t in texts)
    assert any("城市" in t for t in texts)
    buttons = [m for m in received if m.get("quick_replies") or m.get("buttons")]
    assert buttons == []  # the city question has no buttons; yes/no questions do (tested over REST)
