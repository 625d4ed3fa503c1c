"""Retention: conversations idle for longer than N days are deleted whole; newer ones stay."""
from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import handoff_queue
from bot.retention import main


DOMAIN = Domain.load(str(Path(__file__).resolve().parent.parent / "domain"))


def _save(store, sender, age_days):
    stamp = time.time() - age_days * 86400
    tracker = DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen", timestamp=stamp),
        UserUttered("我们在杭州", timestamp=stamp), SlotSet("city", "杭州", timestamp=stamp),
    ], slots=DOMAIN.slots)
    asyncio.run(store.save(tracker))


def test_old_conversations_and_handoffs_are_deleted(tmp_path, monkeypatch, capsys):
    db = tmp_path / "tracker.db"
    store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    _save(store, "old-firm", 200)
    _save(store, "new-firm", 3)
    handoffs = f"sqlite:///{tmp_path / 'handoff.db'}"
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.delenv("TRACKER_DB_URL", raising=False)
    monkeypatch.setenv("HANDOFF_DB_URL", handoffs)
    old_id = handoff_queue.add("old-firm", "web", "转人工", {"city": "杭州"}, handoffs)
    with handoff_queue.engine(handoffs).begin() as conn:
        table = handoff_queue.HandoffRequest.__table__
        conn.execute(table.update().where(table.c.id == old_id).values(requested_at=dt.datetime(2020, 1, 1)))
    handoff_queue.add("new-firm", "web", "转人工", {"city": "宁波"}, handoffs)

    assert main(["--days", "180", "--dry-run"]) == 0
    assert "将删除 1 个" in capsys.readouterr().out
    assert asyncio.run(store.retrieve("old-firm")) is not None

    assert main(["--days", "180"]) == 0
    assert "已删除 1 个超过 180 天未活动的对话，1 条转人工记录" in capsys.readouterr().out
    assert asyncio.run(store.retrieve("old-firm")) is None
    assert asyncio.run(store.retrieve("new-firm")).get_slot("city") == "杭州"
    assert [r["conversation_id"] for r in handoff_queue.open_requests(handoffs)] == ["new-firm"]
