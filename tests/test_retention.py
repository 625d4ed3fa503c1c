"""Retention: conversations idle for longer than N days are deleted whole; newer ones stay. A contact left for
hotline staff is blanked after HANDOFF_CONTACT_DAYS, in the queue and in the transcript."""
from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff import queue as handoff_queue
from bot.handoff.contact import find_contact
from bot.handoff.retention import main

DOMAIN = Domain.load(str(Path(__file__).resolve().parent.parent / "domain"))


def _save(store, sender, age_days, *texts):
    stamp = time.time() - age_days * 86400
    events = [ActionExecuted("action_listen", timestamp=stamp),
              UserUttered("我们在杭州", timestamp=stamp), SlotSet("city", "杭州", timestamp=stamp)]
    events += [UserUttered(text, timestamp=stamp) for text in texts]
    tracker = DialogueStateTracker.from_events(sender, events, slots=DOMAIN.slots)
    asyncio.run(store.save(tracker))


def _age(url, conversation_id, **values):
    table = handoff_queue.HandoffConversation.__table__
    with handoff_queue.engine(url).begin() as conn:
        conn.execute(table.update().where(table.c.conversation_id == conversation_id).values(**values))


def test_old_conversations_and_handoffs_are_deleted(tmp_path, monkeypatch, capsys):
    db = tmp_path / "tracker.db"
    store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    _save(store, "old-firm", 200)
    _save(store, "new-firm", 3)
    handoffs = f"sqlite:///{tmp_path / 'handoff.db'}"
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.delenv("TRACKER_DB_URL", raising=False)
    monkeypatch.setenv("HANDOFF_DB_URL", handoffs)
    handoff_queue.request("old-firm", "web", "转人工", {"city": "杭州"}, url=handoffs)
    handoff_queue.add_note("old-firm", "张三", "已回电", url=handoffs)
    _age(handoffs, "old-firm", requested_at=dt.datetime(2020, 1, 1), updated_at=dt.datetime(2020, 1, 1))
    handoff_queue.request("new-firm", "web", "转人工", {"city": "宁波"}, url=handoffs)

    assert main(["--days", "180", "--dry-run"]) == 0
    assert "将删除 1 个" in capsys.readouterr().out
    assert asyncio.run(store.retrieve("old-firm")) is not None

    assert main(["--days", "180"]) == 0
    assert "已删除 1 个超过 180 天未活动的对话，1 条转人工记录" in capsys.readouterr().out
    assert asyncio.run(store.retrieve("old-firm")) is None
    assert asyncio.run(store.retrieve("new-firm")).get_slot("city") == "杭州"
    assert [r["conversation_id"] for r in handoff_queue.search(url=handoffs)] == ["new-firm"]
    with handoff_queue.engine(handoffs).connect() as conn:  # the notes went with their conversation
        notes = handoff_queue.HandoffNote.__table__
        assert conn.execute(notes.select().where(notes.c.conversation_id == "old-firm")).all() == []


def test_contacts_expire_sooner_and_leave_the_transcript(tmp_path, monkeypatch, capsys):
    db = tmp_path / "tracker.db"
    store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    _save(store, "called-firm", 40, "好的", "我的手机 138 1234 5678，微信号 zhang_san88")
    _save(store, "recent-firm", 2, "13912345678")
    handoffs = f"sqlite:///{tmp_path / 'handoff.db'}"
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.delenv("TRACKER_DB_URL", raising=False)
    monkeypatch.setenv("HANDOFF_DB_URL", handoffs)
    monkeypatch.setenv("HANDOFF_CONTACT_DAYS", "30")
    for sender, phone, age in [("called-firm", "13812345678", 40), ("recent-firm", "13912345678", 2)]:
        handoff_queue.request(sender, "web", "转人工", {"city": "杭州"}, url=handoffs)
        handoff_queue.set_details(sender, "某某科技", find_contact(phone), url=handoffs)
        _age(handoffs, sender, contact_left_at=dt.datetime.utcnow() - dt.timedelta(days=age))

    assert main(["--days", "180"]) == 0
    assert "1 个超过 30 天的联系方式" in capsys.readouterr().out
    old, recent = handoff_queue.get("called-firm", handoffs), handoff_queue.get("recent-firm", handoffs)
    assert old["contact"] is None and old["firm_name"] == "某某科技"  # the queue row itself stays
    assert recent["contact"] == "13912345678"
    texts = [e.text for e in asyncio.run(store.retrieve("called-firm")).events if isinstance(e, UserUttered)]
    assert texts == ["我们在杭州", "好的", "我的手机 ［已删除］,微信号 ［已删除］"]
    recent_texts = [e.text for e in asyncio.run(store.retrieve("recent-firm")).events if isinstance(e, UserUttered)]
    assert "13912345678" in recent_texts
