"""The hotline queue: one row per conversation a firm handed to staff (「转人工」), and staff notes.

Written by the action server (the request, the firm's name and contact), read and worked by the console
(take, note, close). HANDOFF_DB_URL selects the database: PostgreSQL in production, SQLite at
build/conversations.db by default. Rows survive restarts; retention (bot/handoff/retention.py) deletes old ones
and blanks contacts after HANDOFF_CONTACT_DAYS.

Status: new → taken (who, when) → closed (who, when); a new 转人工 after closing opens the row again.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Iterable, Optional

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    String,
    Text,
    case,
    create_engine,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, declarative_base

from bot.handoff.contact import Contact, digits_of, mask

ROOT = Path(__file__).resolve().parents[2]
Base = declarative_base()
STATUSES = ("new", "taken", "closed")
DEFAULT_CONTACT_DAYS = 30


def contact_days() -> int:
    """How long a phone number or WeChat id left for staff is kept (HANDOFF_CONTACT_DAYS, default 30)."""
    try:
        return max(1, int(os.environ.get("HANDOFF_CONTACT_DAYS") or DEFAULT_CONTACT_DAYS))
    except ValueError:
        return DEFAULT_CONTACT_DAYS


class QueueError(ValueError):
    """A request the queue refuses (unknown conversation, closed item…); the message is for staff."""


class HandoffConversation(Base):
    __tablename__ = "handoff_conversations"
    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, unique=True)
    channel = Column(String(64))
    firm_name = Column(String(120))
    city = Column(String(40))
    contact = Column(String(64))  # normalized phone / WeChat id, blanked after contact_days()
    contact_kind = Column(String(16))
    contact_left_at = Column(DateTime)
    requested_at = Column(DateTime, nullable=False)  # the latest 转人工
    updated_at = Column(DateTime, nullable=False)
    status = Column(String(16), nullable=False, default="new", index=True)
    taken_by = Column(String(64))
    taken_at = Column(DateTime)
    closed_by = Column(String(64))
    closed_at = Column(DateTime)
    last_message = Column(Text)
    profile = Column(JSON, nullable=False, default=dict)
    measures = Column(JSON, nullable=False, default=list)  # titles of eligible/undetermined measures: searchable
    measures_text = Column(Text, nullable=False, default="")


class HandoffNote(Base):
    __tablename__ = "handoff_notes"
    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    author = Column(String(64), nullable=False)
    text = Column(Text, nullable=False)
    kind = Column(String(16), nullable=False, default="note")  # note / taken / closed / reopened / sent
    created_at = Column(DateTime, nullable=False)


_engines: dict[str, Engine] = {}


def db_url(url: str | None = None) -> str:
    url = url or os.environ.get("HANDOFF_DB_URL") or f"sqlite:///{ROOT / 'build' / 'conversations.db'}"
    return url.replace("postgresql://", "postgresql+psycopg2://", 1) if url.startswith("postgresql://") else url


def engine(url: str | None = None) -> Engine:
    url = db_url(url)
    if url not in _engines:
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        _engines[url] = create_engine(url, future=True, pool_pre_ping=True)
        Base.metadata.create_all(_engines[url])
    return _engines[url]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)  # stored naive, in UTC


def _iso(value: Optional[dt.datetime]) -> Optional[str]:
    return value.replace(tzinfo=dt.timezone.utc).isoformat(timespec="seconds") if value else None


def as_dict(row: HandoffConversation, notes: Iterable[HandoffNote] = (), full_contact: bool = True) -> dict[str, Any]:
    return {
        "conversation_id": row.conversation_id, "channel": row.channel, "firm_name": row.firm_name,
        "city": row.city or (row.profile or {}).get("city"),
        "contact": row.contact if full_contact else mask(row.contact or ""),
        "contact_kind": row.contact_kind, "contact_left_at": _iso(row.contact_left_at),
        "requested_at": _iso(row.requested_at), "updated_at": _iso(row.updated_at),
        "status": row.status, "taken_by": row.taken_by, "taken_at": _iso(row.taken_at),
        "closed_by": row.closed_by, "closed_at": _iso(row.closed_at),
        "last_message": row.last_message, "profile": row.profile or {}, "measures": row.measures or [],
        "notes": [{"author": n.author, "text": n.text, "kind": n.kind, "at": _iso(n.created_at)} for n in notes],
    }


# ---- written by the action server ---------------------------------------------------------------------

def request(conversation_id: str, channel: str | None, last_message: str | None, profile: dict[str, Any],
            measures: list[str] | None = None, url: str | None = None) -> dict[str, Any]:
    """The firm asked for a person: the conversation's row, created or refreshed (reopened if closed)."""
    now = _now()
    values = {"channel": channel, "last_message": last_message, "profile": profile, "city": profile.get("city"),
              "requested_at": now, "updated_at": now}
    if measures is not None:
        values.update(measures=list(measures), measures_text=" ".join(measures))
    for _ in range(2):  # two replicas may insert the same conversation at once: the loser updates
        try:
            with Session(engine(url)) as session, session.begin():
                row = session.scalars(select(HandoffConversation)
                                      .where(HandoffConversation.conversation_id == conversation_id)).first()
                if row is None:
                    row = HandoffConversation(conversation_id=conversation_id, status="new",
                                              **{"measures": [], "measures_text": "", **values})
                    session.add(row)
                else:
                    for key, value in values.items():
                        setattr(row, key, value)
                    if row.status == "closed":
                        row.status, row.taken_by, row.taken_at, row.closed_by, row.closed_at = "new", None, None, None, None
                        session.add(HandoffNote(conversation_id=conversation_id, author="企业", kind="reopened",
                                                text="企业再次申请转人工", created_at=now))
                session.flush()
                return as_dict(row)
        except IntegrityError:
            continue
    raise QueueError(f"无法登记对话 {conversation_id}")


def set_details(conversation_id: str, firm_name: str | None = None, contact: Contact | None = None,
                url: str | None = None) -> None:
    """The firm's name and the contact it left (after the notice and its consent)."""
    values: dict[str, Any] = {"updated_at": _now()}
    if firm_name:
        values["firm_name"] = firm_name[:120]
    if contact is not None:
        values.update(contact=contact.value, contact_kind=contact.kind, contact_left_at=_now())
    with engine(url).begin() as conn:
        table = HandoffConversation.__table__
        conn.execute(update(table).where(table.c.conversation_id == conversation_id).values(**values))


# ---- read and worked by the console --------------------------------------------------------------------

def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(query: str | None = None, status: str | None = None, limit: int = 200,
           url: str | None = None) -> list[dict[str, Any]]:
    """Queue rows, open ones first then newest: by firm name, phone / WeChat, measure title or conversation id."""
    table = HandoffConversation
    stmt = select(table)
    if status:
        stmt = stmt.where(table.status.in_(status.split(",")))
    query = (query or "").strip()
    if query:
        terms = [table.firm_name.ilike(_like(query), escape="\\"), table.measures_text.ilike(_like(query), escape="\\"),
                 table.conversation_id.ilike(_like(query), escape="\\"), table.contact.ilike(_like(query), escape="\\")]
        digits = digits_of(query)
        if len(digits) >= 4:  # 0571 8888 6666 finds 0571-88886666
            terms.append(func.replace(table.contact, "-", "").like(_like(digits), escape="\\"))
        stmt = stmt.where(or_(*terms))
    stmt = stmt.order_by(case((table.status == "closed", 1), else_=0), table.requested_at.desc()).limit(limit)
    with Session(engine(url)) as session:
        return [as_dict(r) for r in session.scalars(stmt).all()]


def get(conversation_id: str, url: str | None = None) -> Optional[dict[str, Any]]:
    with Session(engine(url)) as session:
        row = session.scalars(select(HandoffConversation)
                              .where(HandoffConversation.conversation_id == conversation_id)).first()
        if row is None:
            return None
        notes = session.scalars(select(HandoffNote).where(HandoffNote.conversation_id == conversation_id)
                                .order_by(HandoffNote.created_at, HandoffNote.id)).all()
        return as_dict(row, notes)


def _change(conversation_id: str, staff: str, url: str | None, apply) -> dict[str, Any]:
    staff = (staff or "").strip()[:64]
    if not staff:
        raise QueueError("请先填写您的姓名或工号")
    with Session(engine(url)) as session, session.begin():
        row = session.scalars(select(HandoffConversation).where(HandoffConversation.conversation_id == conversation_id)
                              .with_for_update()).first()
        if row is None:
            raise QueueError(f"队列中没有对话 {conversation_id}")
        apply(session, row, staff, _now())
        row.updated_at = _now()
    return get(conversation_id, url)


def take(conversation_id: str, staff: str, url: str | None = None) -> dict[str, Any]:
    def apply(session, row, staff, now):
        if row.status == "closed":
            raise QueueError("该对话已关闭")
        if row.status == "taken" and row.taken_by != staff:
            raise QueueError(f"该对话已由{row.taken_by}接手")
        row.status, row.taken_by, row.taken_at = "taken", staff, now
        session.add(HandoffNote(conversation_id=row.conversation_id, author=staff, kind="taken", text="接手处理", created_at=now))
    return _change(conversation_id, staff, url, apply)


def add_note(conversation_id: str, staff: str, text: str, url: str | None = None, kind: str = "note") -> dict[str, Any]:
    text = (text or "").strip()
    if not text:
        raise QueueError("备注不能为空")

    def apply(session, row, staff, now):
        session.add(HandoffNote(conversation_id=row.conversation_id, author=staff, kind=kind, text=text[:2000], created_at=now))
    return _change(conversation_id, staff, url, apply)


def close(conversation_id: str, staff: str, note: str | None = None, url: str | None = None) -> dict[str, Any]:
    def apply(session, row, staff, now):
        if row.status == "closed":
            raise QueueError("该对话已关闭")
        if note and note.strip():
            session.add(HandoffNote(conversation_id=row.conversation_id, author=staff, kind="note", text=note.strip()[:2000],
                                    created_at=now))
        row.status, row.closed_by, row.closed_at = "closed", staff, now
        if not row.taken_by:
            row.taken_by, row.taken_at = staff, now
        session.add(HandoffNote(conversation_id=row.conversation_id, author=staff, kind="closed", text="已办结", created_at=now))
    return _change(conversation_id, staff, url, apply)


# ---- retention -------------------------------------------------------------------------------------------

def purge(cutoff: dt.datetime, dry_run: bool = False, url: str | None = None) -> int:
    """Delete rows (and their notes) whose last activity is older than `cutoff`."""
    table, notes = HandoffConversation.__table__, HandoffNote.__table__
    with engine(url).begin() as conn:
        old = [r[0] for r in conn.execute(select(table.c.conversation_id).where(table.c.updated_at < cutoff))]
        if old and not dry_run:
            for i in range(0, len(old), 500):
                chunk = old[i:i + 500]
                conn.execute(delete(notes).where(notes.c.conversation_id.in_(chunk)))
                conn.execute(delete(table).where(table.c.conversation_id.in_(chunk)))
    return len(old)


def expire_contacts(cutoff: dt.datetime, dry_run: bool = False, url: str | None = None) -> list[tuple[str, str]]:
    """Blank contacts left before `cutoff`; returns (conversation_id, contact) so the transcript can be redacted."""
    table = HandoffConversation.__table__
    with engine(url).begin() as conn:
        rows = [(r[0], r[1]) for r in conn.execute(select(table.c.conversation_id, table.c.contact)
                                                   .where(table.c.contact.is_not(None), table.c.contact_left_at < cutoff))]
        if rows and not dry_run:
            conn.execute(update(table).where(table.c.conversation_id.in_([r[0] for r in rows]))
                         .values(contact=None, contact_kind=None, contact_left_at=None))
    return rows


# ---- kept for callers of the first version --------------------------------------------------------------

def add(conversation_id: str, channel: str | None, last_message: str | None, profile: dict[str, Any],
        url: str | None = None) -> str:
    request(conversation_id, channel, last_message, profile, url=url)
    return conversation_id


def open_requests(url: str | None = None) -> list[dict[str, Any]]:
    return search(status="new,taken", url=url)
