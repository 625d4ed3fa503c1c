"""微信客服's reply window, kept by the WeCom channel: a firm's message opens it (48 hours, 5 messages);
the assistant's own replies count against it; notifications held outside it go out when the firm writes.

The channel calls these around each conversation turn; they do nothing for users without a subscription
and never raise (a push problem must not cost the firm its answer).
"""
from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select, update

from . import db
from .adapters import WeComKf
from .deliver import deliver

logger = logging.getLogger(__name__)


def _firm_wrote(user: str, open_kfid: str, url: str | None = None) -> list[int]:
    s = db.subscriptions
    where = (s.c.channel == "wecom_kf") & (s.c.address == user)
    with db.engine(url).begin() as conn:
        conn.execute(update(s).where(where).values(kf_last_inbound_at=db.now(), kf_sent_since_inbound=0,
                                                   open_kfid=open_kfid))
        return list(conn.execute(select(s.c.id).where(where)).scalars())


def _replied(user: str, count: int, url: str | None = None) -> None:
    s = db.subscriptions
    with db.engine(url).begin() as conn:
        conn.execute(update(s).where((s.c.channel == "wecom_kf") & (s.c.address == user))
                     .values(kf_sent_since_inbound=s.c.kf_sent_since_inbound + count))


async def firm_wrote(user: str, open_kfid: str) -> None:
    try:
        await asyncio.to_thread(_firm_wrote, user, open_kfid)
    except Exception:
        logger.exception("push: could not record the 微信客服 window of %s", user)


async def replied(client, user: str, count: int) -> None:
    """After the assistant's replies: count them, then send what was held for this firm, if room is left."""
    try:
        await asyncio.to_thread(_replied, user, count)
        ids = await asyncio.to_thread(_subscription_ids, user)
        if ids:
            await deliver({"wecom_kf": WeComKf(client)}, subscription_ids=ids, retries=2, backoff=0.5)
    except Exception:
        logger.exception("push: could not deliver held notifications to %s", user)


def _subscription_ids(user: str, url: str | None = None) -> list[int]:
    s = db.subscriptions
    with db.engine(url).connect() as conn:
        return list(conn.execute(select(s.c.id).where((s.c.channel == "wecom_kf") & (s.c.address == user))).scalars())
