"""The queue of conversations a firm asked to hand to hotline staff (「转人工」).

Written by the action server, read by the hotline console. HANDOFF_DB_URL selects the
database (default: SQLite at build/conversations.db; PostgreSQL in production).
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, String, Text, create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base

ROOT = Path(__file__).resolve().parent.parent
Base = declarative_base()


class HandoffRequest(Base):
    __tablename__ = "handoff_requests"
    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(64))
    requested_at = Column(DateTime, nullable=False)
    last_message = Column(Text)
    profile = Column(JSON, nullable=False, default=dict)
    status = Column(String(16), nullable=False, default="open")  # open / closed


_engines: dict[str, Engine] = {}


def engine(url: str | None = None) -> Engine:
    url = url or os.environ.get("HANDOFF_DB_URL") or f"sqlite:///{ROOT / 'build' / 'conversations.db'}"
    if url not in _engines:
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        _engines[url] = create_engine(url, future=True)
        Base.metadata.create_all(_engines[url])
    return _engines[url]


def add(conversation_id: str, channel: str | None, last_message: str | None, profile: dict[str, Any],
        url: str | None = None) -> int:
    with Session(engine(url)) as session, session.begin():
        row = HandoffRequest(conversation_id=conversation_id, channel=channel, last_message=last_message,
                             profile=profile, requested_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
        session.add(row)
        session.flush()
        return row.id


def open_requests(url: str | None = None) -> list[dict[str, Any]]:
    with Session(engine(url)) as session:
        rows = session.scalars(select(HandoffRequest).where(HandoffRequest.status == "open")
                               .order_by(HandoffRequest.requested_at)).all()
        return [{"id": r.id, "conversation_id": r.conversation_id, "channel": r.channel, "last_message": r.last_message,
                 "profile": r.profile, "requested_at": r.requested_at.isoformat()} for r in rows]
