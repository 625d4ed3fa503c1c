"""Delete conversation data older than N days: whole conversations whose last event is older,
and hotline queue rows. Firm profiles are business data; keep them no longer than needed.

A phone number or WeChat id a firm left for staff is personal data kept for a shorter, announced time
(HANDOFF_CONTACT_DAYS, default 30 — the firm is told before it leaves one): after it, the contact is
blanked in the queue and every phone number / WeChat id in that conversation's transcript is redacted.

    python -m bot.handoff.retention --days 180 [--contact-days 30] [--dry-run]

Reads the same settings as the servers: TRACKER_DB_URL (or TRACKER_DB_DIALECT=sqlite + TRACKER_DB),
HANDOFF_DB_URL and HANDOFF_CONTACT_DAYS.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time

from sqlalchemy import MetaData, Table, create_engine, delete, func, inspect, select, update

from bot.handoff import queue as handoff_queue
from bot.handoff.contact import redact


def tracker_url() -> str:
    url = os.environ.get("TRACKER_DB_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg2://", 1) if url.startswith("postgresql://") else url
    return f"sqlite:///{os.environ.get('TRACKER_DB', 'build/tracker.db')}"


def purge_conversations(url: str, cutoff: float, dry_run: bool) -> int:
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        events = Table("events", MetaData(), autoload_with=engine)
        stale = (select(events.c.sender_id).group_by(events.c.sender_id)
                 .having(func.max(events.c.timestamp) < cutoff))
        with engine.begin() as conn:
            senders = [row[0] for row in conn.execute(stale)]
            if senders and not dry_run:
                for i in range(0, len(senders), 500):
                    conn.execute(delete(events).where(events.c.sender_id.in_(senders[i:i + 500])))
        return len(senders)
    finally:
        engine.dispose()


def purge_handoffs(url: str | None, cutoff: dt.datetime, dry_run: bool) -> int:
    return handoff_queue.purge(cutoff, dry_run, url)


def _redact_value(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redact_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _redact_value(v) for k, v in value.items()}
    return value


def redact_transcripts(url: str, senders: list[str], dry_run: bool) -> int:
    """Phone numbers and WeChat ids removed from these conversations' events; returns events changed."""
    if not senders:
        return 0
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        events = Table("events", MetaData(), autoload_with=engine)
        changed = 0
        with engine.begin() as conn:
            rows = conn.execute(select(events.c.id, events.c.data).where(events.c.sender_id.in_(senders))).all()
            for event_id, data in rows:
                if not data:
                    continue
                parsed = json.loads(data)
                cleaned = _redact_value(parsed)
                if cleaned != parsed:
                    changed += 1
                    if not dry_run:
                        conn.execute(update(events).where(events.c.id == event_id).values(data=json.dumps(cleaned)))
        return changed
    finally:
        engine.dispose()


def expire_contacts(tracker: str, handoffs: str | None, cutoff: dt.datetime, dry_run: bool) -> int:
    expired = handoff_queue.expire_contacts(cutoff, dry_run, handoffs)
    redact_transcripts(tracker, [conversation for conversation, _ in expired], dry_run)
    return len(expired)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.handoff.retention", description="删除超过保存期限的对话数据")
    parser.add_argument("--days", type=int, required=True, help="保存天数：早于此的对话和转人工记录将被删除")
    parser.add_argument("--contact-days", type=int, default=handoff_queue.contact_days(),
                        help="企业留下的电话/微信保存天数（默认 HANDOFF_CONTACT_DAYS 或 30）")
    parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")
    args = parser.parse_args(argv)
    if args.days < 1 or args.contact_days < 1:
        parser.error("--days 和 --contact-days 至少为 1")
    now = time.time()
    cutoff = now - args.days * 86400
    conversations = purge_conversations(tracker_url(), cutoff, args.dry_run)
    handoffs = purge_handoffs(None, dt.datetime.utcfromtimestamp(cutoff), args.dry_run)
    contacts = expire_contacts(tracker_url(), None, dt.datetime.utcfromtimestamp(now - args.contact_days * 86400),
                               args.dry_run)
    verb = "将删除" if args.dry_run else "已删除"
    print(f"{verb} {conversations} 个超过 {args.days} 天未活动的对话，{handoffs} 条转人工记录，"
          f"{contacts} 个超过 {args.contact_days} 天的联系方式。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
