"""Rasa's SQL tracker store with its per-turn queries written in SQLAlchemy Core.

Profiling a loaded Rasa process showed 22 % of its CPU in SQLAlchemy's ORM under `SQLTrackerStore`: every turn
builds ORM queries, materialises an ORM object per stored event, counts with a wrapped subquery and inserts
new events one unit-of-work at a time. This subclass keeps Rasa's table, its queries' meaning (events of the
latest session, ordered by id) and everything else (table creation, keys, full trackers); it only runs the two
hot paths — read the latest session, append the new events — as plain Core statements.

It also keeps, per process, the trackers it saved last (`TRACKER_CACHE_SIZE`, default 256 conversations; 0 turns it
off): the next turn's read asks the database only for the conversation's last event id and, when nothing was written
since (by this worker or another) and the tracker was not changed without a save, hands the same tracker back instead
of rebuilding it from every event of the session. Gain: bench/README.md (2026-12-07).

Configured in endpoints.yml and deploy/endpoints.cluster.yml as `type: bot.stores.tracker_store.FastSQLTrackerStore`.
"""
from __future__ import annotations

import json
import logging
import os
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa
import sqlalchemy.orm
import sqlalchemy.pool
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)


class FastSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            self._sqlite_kept_connections()
        if self.engine.dialect.name == "sqlite":
            self._sqlite_write_ahead_log()
        events = self.SQLEvent.__table__
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(events.c.sender_id == sa.bindparam("sender_id"), events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        latest_session = sa.and_(
            events.c.sender_id == sa.bindparam("sender_id"),
            sa.or_(session_start.is_(None), events.c.timestamp >= session_start),
        )
        self._latest_session_data = sa.select(events.c.data).where(latest_session).order_by(events.c.id)
        self._latest_session_count = sa.select(sa.func.count()).select_from(events).where(latest_session)
        self._last_id = sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == sa.bindparam("sender_id"))
        self._insert = events.insert()
        # The trackers this process saved last, by conversation: (id of its last stored event, events held, tracker).
        self._kept: "OrderedDict[str, tuple[int, int, DialogueStateTracker]]" = OrderedDict()
        self._keep = int(os.environ.get("TRACKER_CACHE_SIZE", "256"))

    def _sqlite_kept_connections(self) -> None:
        """The embedded default keeps its connections open between turns.

        SQLAlchemy 1.4 opens a SQLite file with NullPool: a new connection per turn's read and per write, and
        closing the last one checkpoints the write-ahead log into the database file (an fsync) — about a fifth
        of a turn (bench/README.md, 2026-12-07). A pool keeps them (check_same_thread off: the pool hands a
        connection to one user at a time, whichever thread)."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=8,
                                       connect_args={"check_same_thread": False})
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _sqlite_write_ahead_log(self) -> None:
        """The embedded default: a commit per turn must not wait for fsync with the event loop blocked.

        WAL with synchronous=NORMAL survives a crash of the process; a power cut may lose the last turns.
        Deployments that need more use PostgreSQL (deploy/endpoints.cluster.yml)."""
        @sa.event.listens_for(self.engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        self.engine.dispose()  # connections opened before the listener get the pragmas on reconnect

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if fetch_events_from_all_sessions:  # rare (HTTP API, console): Rasa's own query
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.engine.connect() as connection:
            kept = self._kept.get(sender_id)
            if kept is not None:
                last_id = connection.execute(self._last_id, {"sender_id": sender_id}).scalar()
                if last_id == kept[0] and len(kept[2].events) == kept[1]:
                    self._kept.move_to_end(sender_id)
                    return kept[2]  # what this process saved last, and nothing since (here or in another process)
                del self._kept[sender_id]
            rows = connection.execute(self._latest_session_data, {"sender_id": sender_id}).scalars().all()
        if not (self.domain and rows):
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(data) for data in rows], self.domain.slots)

    def _remember(self, tracker: DialogueStateTracker, last_id: Optional[int]) -> None:
        """Keep the tracker just saved for the conversation's next turn — only when it is exactly what reading the
        latest session back would give (it starts with that session: not on a conversation's first turn)."""
        self._kept.pop(tracker.sender_id, None)
        if self._keep <= 0 or last_id is None or not tracker.events \
                or not isinstance(tracker.events[0], SessionStarted) \
                or any(isinstance(e, SessionStarted) for e in list(tracker.events)[1:]):
            return
        self._kept[tracker.sender_id] = (last_id, len(tracker.events), tracker)
        while len(self._kept) > self._keep:
            self._kept.popitem(last=False)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.engine.begin() as connection:  # one transaction: count what is stored, append the rest
            stored = connection.execute(self._latest_session_count, {"sender_id": tracker.sender_id}).scalar_one()
            rows: List[Dict[str, Any]] = []
            for event in list(tracker.events)[stored:]:
                data = event.as_dict()
                rows.append({
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                })
            if rows:
                connection.execute(self._insert, rows)
            last_id = connection.execute(self._last_id, {"sender_id": tracker.sender_id}).scalar()
        self._remember(tracker, last_id)
        logger.debug("Tracker with sender_id '%s' stored to database", tracker.sender_id)
