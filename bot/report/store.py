"""Report links: one per conversation, an unguessable token, an expiry, deletable by the firm.

Written by the action server when it shows results (the facts and the evaluation date are saved
with the link, so the page shows what the chat showed); read by the Rasa server's /report route.
REPORT_DB_URL selects the database (default: HANDOFF_DB_URL, else SQLite build/conversations.db);
REPORT_LINK_DAYS the lifetime of a link after the last results (default 30).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from pathlib import Path
from typing import Any, Optional

from sqlalchemy import JSON, Column, Date, DateTime, String, create_engine, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base

ROOT = Path(__file__).resolve().parent.parent.parent
Base = declarative_base()
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
DEFAULT_DAYS = 30


class ReportLink(Base):
    __tablename__ = "report_links"
    token = Column(String(64), primary_key=True)
    conversation_id = Column(String(255), nullable=False, unique=True)
    profile = Column(JSON, nullable=False, default=dict)
    as_of = Column(Date, nullable=False)
    created_at = Column(DateTime, nullable=False)
    updated_at = Column(DateTime, nullable=False)
    expires_at = Column(DateTime, nullable=False, index=True)


_engines: dict[str, Engine] = {}


def database_url(url: Optional[str] = None) -> str:
    return (url or os.environ.get("REPORT_DB_URL") or os.environ.get("HANDOFF_DB_URL")
            or f"sqlite:///{ROOT / 'build' / 'conversations.db'}")


def engine(url: Optional[str] = None) -> Engine:
    url = database_url(url)
    if url not in _engines:
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        _engines[url] = create_engine(url, future=True)
        Base.metadata.create_all(_engines[url])
    return _engines[url]


def lifetime_days() -> int:
    try:
        days = int(os.environ.get("REPORT_LINK_DAYS") or DEFAULT_DAYS)
    except ValueError:
        days = DEFAULT_DAYS
    return max(days, 1)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def publish(conversation_id: str, profile: dict[str, Any], as_of: dt.date, url: Optional[str] = None,
            days: Optional[int] = None) -> dict[str, Any]:
    """The conversation's link, created or refreshed with the latest facts. The token stays the same
    while the link lives (a stable link); after expiry or deletion a new one is made."""
    now = _now()
    expires = now + dt.timedelta(days=days or lifetime_days())
    with Session(engine(url)) as session, session.begin():
        # Expired links go now, with the firm's facts: nothing outlives its link (indexed, cheap).
        session.execute(delete(ReportLink).where(ReportLink.expires_at <= now))
        row = session.scalars(select(ReportLink).where(ReportLink.conversation_id == conversation_id)).first()
        if row is None:
            row = ReportLink(token=secrets.token_urlsafe(24), conversation_id=conversation_id, created_at=now)
            session.add(row)
        row.profile, row.as_of, row.updated_at, row.expires_at = profile, as_of, now, expires
        return {"token": row.token, "expires_at": expires.isoformat(timespec="seconds") + "Z"}


def get(token: str, url: Optional[str] = None) -> Optional[dict[str, Any]]:
    """The saved facts behind a live link, or None (unknown, malformed, expired or deleted)."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    with Session(engine(url)) as session:
        row = session.get(ReportLink, token)
        if row is None or row.expires_at <= _now():
            return None
        return {"token": row.token, "conversation_id": row.conversation_id, "profile": dict(row.profile or {}),
                "as_of": row.as_of, "expires_at": row.expires_at}


def remove(token: str, url: Optional[str] = None) -> bool:
    """Delete a link (the firm's 删除报告). True if there was one."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return False
    with Session(engine(url)) as session, session.begin():
        return session.execute(delete(ReportLink).where(ReportLink.token == token)).rowcount > 0


def purge_expired(url: Optional[str] = None) -> int:
    with Session(engine(url)) as session, session.begin():
        return session.execute(delete(ReportLink).where(ReportLink.expires_at <= _now())).rowcount


def links(token: str) -> dict[str, str]:
    """Relative URLs of the page and the PDF, as the results payload carries them."""
    return {"page": f"/report/{token}", "pdf": f"/report/{token}/pdf"}
