"""Subscriptions: created after the firm agreed to the notice, deleted on 退订 or when they expire."""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import delete, select, update

from . import db

DEFAULT_RETENTION_MONTHS = 12
logger = logging.getLogger(__name__)


def retention_months() -> int:
    raw = os.environ.get("PUSH_RETENTION_MONTHS") or ""
    return int(raw) if raw.strip().isdigit() and int(raw) > 0 else DEFAULT_RETENTION_MONTHS


def expiry(start: dt.datetime, months: int) -> dt.datetime:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))


@dataclass
class Subscription:
    id: int
    token: str
    conversation_id: str
    channel: str
    address: str
    open_kfid: Optional[str]
    profile: dict
    snapshot: dict
    evaluated_digest: Optional[str]
    created_at: dt.datetime
    expires_at: dt.datetime
    kf_last_inbound_at: Optional[dt.datetime]
    kf_sent_since_inbound: int

    @classmethod
    def from_row(cls, row) -> "Subscription":
        m = row._mapping
        return cls(**{name: m[name] for name in cls.__dataclass_fields__})


def subscribe(conversation_id: str, channel: str, address: str, profile: dict, snapshot: dict, notice: str,
              open_kfid: str | None = None, url: str | None = None) -> Subscription:
    """Create the subscription, or renew it (new profile, new term) when this address already has one."""
    engine = db.engine(url)
    t = db.subscriptions
    start = db.now()
    values = dict(conversation_id=conversation_id, profile=profile, snapshot=snapshot, evaluated_digest=None,
                  consent_notice=notice, created_at=start, expires_at=expiry(start, retention_months()),
                  open_kfid=open_kfid,
                  kf_last_inbound_at=start if channel == "wecom_kf" else None, kf_sent_since_inbound=0)
    with engine.begin() as conn:
        existing = conn.execute(select(t.c.id).where(t.c.channel == channel, t.c.address == address)).scalar()
        if existing:
            conn.execute(update(t).where(t.c.id == existing).values(**values))
        else:
            conn.execute(t.insert().values(token=secrets.token_urlsafe(24), channel=channel, address=address, **values))
        row = conn.execute(select(t).where(t.c.channel == channel, t.c.address == address)).one()
    return Subscription.from_row(row)


def get(token: str, url: str | None = None) -> Optional[Subscription]:
    with db.engine(url).connect() as conn:
        row = conn.execute(select(db.subscriptions).where(db.subscriptions.c.token == token)).first()
    return Subscription.from_row(row) if row else None


def of_conversation(conversation_id: str, url: str | None = None) -> list[Subscription]:
    t = db.subscriptions
    with db.engine(url).connect() as conn:
        rows = conn.execute(select(t).where(t.c.conversation_id == conversation_id).order_by(t.c.id)).all()
    return [Subscription.from_row(r) for r in rows]


def all_active(url: str | None = None, at: dt.datetime | None = None) -> list[Subscription]:
    t = db.subscriptions
    with db.engine(url).connect() as conn:
        rows = conn.execute(select(t).where(t.c.expires_at > (at or db.now())).order_by(t.c.id)).all()
    return [Subscription.from_row(r) for r in rows]


def pseudonym(address: str) -> str:
    return "已删除#" + hashlib.sha256(address.encode()).hexdigest()[:10]


def _delete(conn, ids: list[int]) -> None:
    """The subscription, its undelivered notifications, and the address in the audit (kept as a pseudonym)."""
    s, n, a = db.subscriptions, db.notifications, db.audit
    for sub_id, address in conn.execute(select(s.c.id, s.c.address).where(s.c.id.in_(ids))).all():
        conn.execute(update(a).where(a.c.subscription_id == sub_id).values(recipient=pseudonym(address)))
    conn.execute(delete(n).where(n.c.subscription_id.in_(ids)))
    conn.execute(delete(s).where(s.c.id.in_(ids)))


def report_conversation(subscription_id: int) -> str:
    """The conversation id under which the subscriber's report link is published (channel.py)."""
    return f"push-{subscription_id}"


def forget_reports(ids: list[int]) -> None:
    """The report links made for these subscribers hold their profile too: deleted with the subscription."""
    if not ids:
        return
    try:
        from bot.report import store as reports

        with reports.engine().begin() as conn:
            conn.execute(delete(reports.ReportLink.__table__).where(
                reports.ReportLink.conversation_id.in_([report_conversation(i) for i in ids])))
    except Exception:
        logger.exception("push: could not delete the report links of subscriptions %s", ids)


def unsubscribe_token(token: str, url: str | None = None) -> bool:
    t = db.subscriptions
    with db.engine(url).begin() as conn:
        ids = conn.execute(select(t.c.id).where(t.c.token == token)).scalars().all()
        _delete(conn, ids)
    forget_reports(ids)
    return bool(ids)


def unsubscribe_conversation(conversation_id: str, address: str | None = None, url: str | None = None) -> int:
    """Every subscription made from this conversation (or, in WeCom, held by this user id)."""
    t = db.subscriptions
    where = t.c.conversation_id == conversation_id
    if address:
        where = where | (t.c.address == address) & t.c.channel.in_(("wecom_app", "wecom_kf"))
    with db.engine(url).begin() as conn:
        ids = conn.execute(select(t.c.id).where(where)).scalars().all()
        _delete(conn, ids)
    forget_reports(ids)
    return len(ids)


def purge_expired(url: str | None = None, at: dt.datetime | None = None) -> int:
    t = db.subscriptions
    with db.engine(url).begin() as conn:
        ids = conn.execute(select(t.c.id).where(t.c.expires_at <= (at or db.now()))).scalars().all()
        _delete(conn, ids)
    forget_reports(ids)
    return len(ids)
