"""Delete conversation data older than N days: whole conversations whose last event is older,
and hand-off requests. Firm profiles are business data; keep them no longer than needed.

    python -m bot.retention --days 180 [--dry-run]

Reads the same settings as the servers: TRACKER_DB_URL (or TRACKER_DB_DIALECT=sqlite + TRACKER_DB)
and HANDOFF_DB_URL.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

from sqlalchemy import MetaData, Table, create_engine, delete, func, inspect, select

from bot import handoff_queue


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
    engine = handoff_queue.engine(url)
    table = handoff_queue.HandoffRequest.__table__
    with engine.begin() as conn:
        count = conn.execute(select(func.count()).select_from(table).where(table.c.requested_at < cutoff)).scalar()
        if count and not dry_run:
            conn.execute(delete(table).where(table.c.requested_at < cutoff))
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.retention", description="删除超过保存期限的对话数据")
    parser.add_argument("--days", type=int, required=True, help="保存天数：早于此的对话和转人工记录将被删除")
    parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days 至少为 1")
    now = time.time()
    cutoff = now - args.days * 86400
    conversations = purge_conversations(tracker_url(), cutoff, args.dry_run)
    handoffs = purge_handoffs(None, dt.datetime.utcfromtimestamp(cutoff), args.dry_run)
    verb = "将删除" if args.dry_run else "已删除"
    print(f"{verb} {conversations} 个超过 {args.days} 天未活动的对话，{handoffs} 条转人工记录。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
