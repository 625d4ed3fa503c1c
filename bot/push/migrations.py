"""Versioned schema migrations for the push tables, recorded in push_schema_version.

Each migration is a function of a connection, applied once, in order, in one transaction with its version
row. Never edit an applied migration: add the next one (ALTER TABLE …) and change db.py to match; the test
suite checks that a migrated database has exactly the columns db.py declares.
"""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine

from .tables import now, schema_version

logger = logging.getLogger(__name__)
ADVISORY_LOCK = 0x70757368  # "push": replicas starting together migrate one at a time (PostgreSQL)


def _v1(conn: Connection) -> None:
    """The first schema, frozen here as it was: subscriptions, notifications (the outbox), audit."""
    m = MetaData()
    Table("push_subscriptions", m,
          Column("id", Integer, primary_key=True),
          Column("token", String(64), nullable=False, unique=True),
          Column("conversation_id", String(255), nullable=False, index=True),
          Column("channel", String(16), nullable=False),
          Column("address", String(255), nullable=False),
          Column("open_kfid", String(64)),
          Column("profile", JSON, nullable=False),
          Column("snapshot", JSON, nullable=False),
          Column("evaluated_digest", String(64)),
          Column("consent_notice", Text, nullable=False),
          Column("created_at", DateTime, nullable=False),
          Column("expires_at", DateTime, nullable=False),
          Column("kf_last_inbound_at", DateTime),
          Column("kf_sent_since_inbound", Integer, nullable=False),
          UniqueConstraint("channel", "address", name="uq_push_subscription_address"))
    Table("push_notifications", m,
          Column("id", Integer, primary_key=True),
          Column("subscription_id", Integer, nullable=False, index=True),
          Column("catalogue_digest", String(64), nullable=False),
          Column("new", JSON, nullable=False),
          Column("changed", JSON, nullable=False),
          Column("text", Text, nullable=False),
          Column("status", String(16), nullable=False),
          Column("attempts", Integer, nullable=False),
          Column("last_error", Text),
          Column("created_at", DateTime, nullable=False),
          Column("claimed_at", DateTime),
          Column("sent_at", DateTime),
          UniqueConstraint("subscription_id", "catalogue_digest", name="uq_push_notification_once"))
    Table("push_audit", m,
          Column("id", Integer, primary_key=True),
          Column("at", DateTime, nullable=False, index=True),
          Column("subscription_id", Integer),
          Column("notification_id", Integer),
          Column("recipient", String(255), nullable=False),
          Column("channel", String(16), nullable=False),
          Column("measures", JSON, nullable=False),
          Column("outcome", String(16), nullable=False),
          Column("detail", Text))
    m.create_all(conn)


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "subscriptions, notifications outbox, delivery audit", _v1),
]
LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table(schema_version.name):
        return 0
    return conn.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc())).scalar() or 0


def migrate(engine: Engine) -> int:
    """Bring the database to the latest version; returns it. Safe to call from several processes."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})
        version = current_version(conn)
        if version >= LATEST:
            return version
        if version == 0:
            schema_version.create(conn, checkfirst=True)
        for number, description, step in MIGRATIONS:
            if number > version:
                step(conn)
                conn.execute(insert(schema_version), {"version": number, "description": description, "applied_at": now()})
                logger.info("push database migrated to version %d (%s)", number, description)
        return LATEST
