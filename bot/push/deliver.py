"""The outbox: every notification waiting to go out is sent through its channel's adapter, within rate
limits, retried on transient errors, and audited. What is not delivered stays in the table (pending, or held
for 微信客服 until the firm writes) and is tried again on the next run: nothing is lost."""
from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import os
import time
from typing import Iterable, Optional

from sqlalchemy import and_, or_, select, update

from . import db
from .adapters import OutsideWindow, Permanent, Transient, WeComKf
from .store import Subscription
from .text import SUBJECT

logger = logging.getLogger(__name__)
STALE_CLAIM = dt.timedelta(minutes=10)  # a run that died while sending: its claims are free again


class RateLimiter:
    """At most `per_second` sends overall, and `per_recipient_per_minute` to one recipient (WeCom: 30 a
    minute per member of an app)."""

    def __init__(self, per_second: float | None = None, per_recipient_per_minute: int = 30):
        self.interval = 1.0 / (per_second or float(os.environ.get("PUSH_RATE_PER_SECOND") or 10))
        self.per_recipient = per_recipient_per_minute
        self._next = 0.0
        self._recent: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self._lock = asyncio.Lock()

    async def acquire(self, recipient: str) -> None:
        async with self._lock:
            recent = self._recent[recipient]
            while True:
                now = time.monotonic()
                while recent and recent[0] <= now - 60:
                    recent.popleft()
                wait = max(self._next - now, recent[0] + 60 - now if len(recent) >= self.per_recipient else 0)
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            self._next = now + self.interval
            recent.append(now)


def _audit(conn, sub: Subscription, notification_id: int, measures: list[str], outcome: str, detail: str = "") -> None:
    conn.execute(db.audit.insert().values(
        at=db.now(), subscription_id=sub.id, notification_id=notification_id, recipient=sub.address,
        channel=sub.channel, measures=measures, outcome=outcome, detail=detail[:2000] or None))


def _claimable(now: dt.datetime):
    n = db.notifications
    return or_(n.c.status.in_(("pending", "held")), and_(n.c.status == "sending", n.c.claimed_at < now - STALE_CLAIM))


async def deliver(adapters: dict, url: str | None = None, limiter: Optional[RateLimiter] = None,
                  subscription_ids: Optional[Iterable[int]] = None, retries: int = 3, backoff: float = 1.0) -> list[dict]:
    """Send what is waiting (for these subscriptions only, if given). Returns one outcome per notification."""
    engine = db.engine(url)
    n, s = db.notifications, db.subscriptions
    limiter = limiter or RateLimiter()
    query = select(n, *[c.label(f"sub_{c.name}") for c in s.c]).join(s, s.c.id == n.c.subscription_id) \
        .where(_claimable(db.now())).order_by(n.c.id)
    if subscription_ids is not None:
        query = query.where(n.c.subscription_id.in_(list(subscription_ids)))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    outcomes = []
    for row in rows:
        m = row._mapping
        sub = Subscription(**{name: m[f"sub_{name}"] for name in Subscription.__dataclass_fields__})
        with engine.begin() as conn:  # claim it: another process (the WeCom channel, a second run) skips it
            claimed = conn.execute(update(n).where(n.c.id == m["id"], _claimable(db.now()))
                                   .values(status="sending", claimed_at=db.now())).rowcount
        if not claimed:
            continue
        outcomes.append(await _deliver_one(engine, adapters, limiter, sub, m, retries, backoff))
    return outcomes


async def _deliver_one(engine, adapters, limiter, sub: Subscription, m, retries: int, backoff: float) -> dict:
    n, s = db.notifications, db.subscriptions
    measures = list(m["new"]) + list(m["changed"])
    adapter = adapters.get(sub.channel)
    outcome, detail, attempts = "failed", "", 0
    if adapter is None:
        outcome, detail = "refused", f"没有 {sub.channel} 通道"
    elif isinstance(adapter, WeComKf) and not adapter.in_window(sub, db.now()):
        outcome, detail = "held", "不在微信客服回复窗口内（48小时/5条）：等企业下次发消息时发送"
    else:
        for attempt in range(1, retries + 1):
            attempts = attempt
            await limiter.acquire(f"{sub.channel}:{sub.address}")
            try:
                await adapter.send(sub, m["text"], SUBJECT)
                outcome, detail = "sent", ""
                break
            except OutsideWindow as exc:
                outcome, detail = "held", str(exc)
                break
            except Permanent as exc:
                outcome, detail = "refused", str(exc)
                break
            except Transient as exc:
                outcome, detail = "failed", str(exc)
                if attempt < retries:
                    with engine.begin() as conn:
                        _audit(conn, sub, m["id"], measures, "retry", detail)
                    await asyncio.sleep(backoff * 2 ** (attempt - 1))
    with engine.begin() as conn:
        values = {"status": {"sent": "sent", "held": "held"}.get(outcome, "pending"),
                  "attempts": m["attempts"] + attempts, "last_error": detail or None, "claimed_at": None}
        if outcome == "sent":
            values["sent_at"] = db.now()
            if sub.channel == "wecom_kf":
                conn.execute(update(s).where(s.c.id == sub.id)
                             .values(kf_sent_since_inbound=s.c.kf_sent_since_inbound + 1))
        conn.execute(update(n).where(n.c.id == m["id"]).values(**values))
        _audit(conn, sub, m["id"], measures, outcome, detail)
    if outcome != "sent":
        logger.warning("push notification %s to %s via %s: %s %s", m["id"], sub.address, sub.channel, outcome, detail)
    return {"notification": m["id"], "recipient": sub.address, "channel": sub.channel, "outcome": outcome,
            "detail": detail}
