"""FastSQLTrackerStore reads and writes exactly what Rasa's SQLTrackerStore does, on SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores.tracker_store import FastSQLTrackerStore

DOMAIN = Domain.load(str(Path(__file__).resolve().parent.parent / "domain"))


def _events(start: float, city: str) -> list:
    return [SessionStarted(timestamp=start), ActionExecuted("action_listen", timestamp=start + 1),
            UserUttered(f"我们在{city}", {"name": "inform"}, timestamp=start + 2),
            SlotSet("city", city, timestamp=start + 3), ActionExecuted("profile_form", timestamp=start + 4)]


def _stores(request):
    if request.param == "sqlite":
        db = str(request.getfixturevalue("tmp_path") / "tracker.db")
        return (FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=db), SQLTrackerStore(DOMAIN, dialect="sqlite", db=db))
    url = request.getfixturevalue("pg_url")
    return (FastSQLTrackerStore(DOMAIN, dialect="postgresql", host=url),
            SQLTrackerStore(DOMAIN, dialect="postgresql", host=url))


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(request):
    fast, rasa = _stores(request)
    yield fast, rasa
    fast.engine.dispose()
    rasa.engine.dispose()


def _dicts(tracker):
    return [e.as_dict() for e in tracker.events]


def test_same_latest_session_and_incremental_saves(stores):
    fast, rasa = stores
    tracker = DialogueStateTracker.from_events("firm-1", _events(1000, "杭州"), slots=DOMAIN.slots)
    asyncio.run(fast.save(tracker))
    asyncio.run(fast.save(tracker))  # saving again stores nothing twice
    for event in _events(2000, "宁波"):  # a second session
        tracker.update(event)
    asyncio.run(fast.save(tracker))
    got, want = asyncio.run(fast.retrieve("firm-1")), asyncio.run(rasa.retrieve("firm-1"))
    assert _dicts(got) == _dicts(want) and len(got.events) == 5
    assert got.get_slot("city") == "宁波"
    full = asyncio.run(fast.retrieve_full_tracker("firm-1"))
    assert len(full.events) == 10 and _dicts(full) == _dicts(asyncio.run(rasa.retrieve_full_tracker("firm-1")))


def test_reads_what_rasas_store_wrote_and_unknown_senders(stores):
    fast, rasa = stores
    tracker = DialogueStateTracker.from_events("firm-2", _events(3000, "温州"), slots=DOMAIN.slots)
    asyncio.run(rasa.save(tracker))
    tracker.update(UserUttered("做ITO", {"name": "inform"}, timestamp=3010))
    asyncio.run(fast.save(tracker))  # appends only the new event after Rasa's own rows
    assert _dicts(asyncio.run(rasa.retrieve("firm-2"))) == _dicts(tracker)
    assert _dicts(asyncio.run(fast.retrieve("firm-2"))) == _dicts(tracker)
    assert asyncio.run(fast.retrieve("nobody")) is None


def test_the_tracker_kept_between_turns_is_what_the_database_holds(stores, request):
    """The tracker saved last is handed back while nothing else wrote the conversation; a write by another process
    (another worker), or a turn that changed the tracker and failed before saving, makes the next read go to the
    database; a first turn (events before its session start) is never kept."""
    fast, rasa = stores
    if fast.engine.dialect.name == "sqlite":  # a second worker on the same database
        other = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=fast.engine.url.database)
    else:
        other = FastSQLTrackerStore(DOMAIN, dialect="postgresql", host=request.getfixturevalue("pg_url"))
    tracker = DialogueStateTracker.from_events("firm-3", _events(4000, "杭州"), slots=DOMAIN.slots)
    asyncio.run(fast.save(tracker))
    assert asyncio.run(fast.retrieve("firm-3")) is tracker  # kept: nothing read back
    theirs = asyncio.run(other.retrieve("firm-3"))
    theirs.update(SlotSet("city", "宁波", timestamp=4010))
    asyncio.run(other.save(theirs))
    mine = asyncio.run(fast.retrieve("firm-3"))
    assert mine is not tracker and mine.get_slot("city") == "宁波"
    assert _dicts(mine) == _dicts(asyncio.run(rasa.retrieve("firm-3")))
    asyncio.run(fast.save(mine))
    mine.update(SlotSet("city", "温州", timestamp=4020))  # the turn failed before its save
    again = asyncio.run(fast.retrieve("firm-3"))
    assert again is not mine and again.get_slot("city") == "宁波"
    first = DialogueStateTracker.from_events("firm-4", [ActionExecuted("action_session_start", timestamp=4999)]
                                             + _events(5000, "杭州"), slots=DOMAIN.slots)
    asyncio.run(fast.save(first))
    read = asyncio.run(fast.retrieve("firm-4"))
    assert read is not first and _dicts(read) == _dicts(asyncio.run(rasa.retrieve("firm-4")))
    other.engine.dispose()


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "deploy/endpoints.cluster.yml"])
def test_endpoints_load_this_store_not_rasas_silent_in_memory_fallback(endpoints, tmp_path, monkeypatch):
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    monkeypatch.setenv("TRACKER_DB_DIALECT", "sqlite")
    monkeypatch.setenv("TRACKER_DB_URL", "")
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "t.db"))
    for name in ("ACTION_ENDPOINT_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB", "LOCK_STORE_TYPE"):
        monkeypatch.setenv(name, "1")
    config = read_endpoint_config(str(Path(__file__).resolve().parent.parent / endpoints), "tracker_store")
    assert config.type == "bot.stores.tracker_store.FastSQLTrackerStore"
    if endpoints == "endpoints.yml":  # the cluster file names PostgreSQL: its type is what matters here
        store = TrackerStore.create(config, DOMAIN)
        while hasattr(store, "_tracker_store"):  # Rasa's wrappers
            store = store._tracker_store
        assert isinstance(store, FastSQLTrackerStore)


def test_sqlite_uses_write_ahead_logging(tmp_path):
    store = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
