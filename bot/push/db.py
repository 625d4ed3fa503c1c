"""The push database: PUSH_DB_URL (PostgreSQL in production), default SQLite at build/push.db.

Tables are SQLAlchemy Core; their schema is created and upgraded by migrations.py, never by create_all.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

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
    create_engine,
)
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent.parent
metadata = MetaData()

subscriptions = Table(
    "push_subscriptions", metadata,
    Column("id", Integer, primary_key=True),
    Column("token", String(64), nullable=False, unique=True),  # unguessable: the unsubscribe link
    Column("conversation_id", String(255), nullable=False, index=True),
    Column("channel", String(16), nullable=False),  # wecom_app / wecom_kf / email / sms
    Column("address", String(255), nullable=False),  # WeCom user id, external_userid, e-mail, phone
    Column("open_kfid", String(64)),
    Column("profile", JSON, nullable=False),
    Column("snapshot", JSON, nullable=False),  # measure id → [status, missing count, fingerprint]
    Column("evaluated_digest", String(64)),  # catalogue the snapshot was taken from (None: the live database)
    Column("consent_notice", Text, nullable=False),  # the notice the firm agreed to, verbatim
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("kf_last_inbound_at", DateTime),  # 微信客服: when the firm last wrote
    Column("kf_sent_since_inbound", Integer, nullable=False, default=0),
    UniqueConstraint("channel", "address", name="uq_push_subscription_address"),
)

notifications = Table(
    "push_notifications", metadata,
    Column("id", Integer, primary_key=True),
    Column("subscription_id", Integer, nullable=False, index=True),
    Column("catalogue_digest", String(64), nullable=False),
    Column("new", JSON, nullable=False),
    Column("changed", JSON, nullable=False),
    Column("text", Text, nullable=False),
    Column("status", String(16), nullable=False),  # pending / held / sending / sent
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("created_at", DateTime, nullable=False),
    Column("claimed_at", DateTime),
    Column("sent_at", DateTime),
    # One notification per subscriber and catalogue version: running twice notifies nobody twice.
    UniqueConstraint("subscription_id", "catalogue_digest", name="uq_push_notification_once"),
)

audit = Table(
    "push_audit", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("subscription_id", Integer),
    Column("notification_id", Integer),
    Column("recipient", String(255), nullable=False),  # pseudonymised when the firm unsubscribes
    Column("channel", String(16), nullable=False),
    Column("measures", JSON, nullable=False),
    Column("outcome", String(16), nullable=False),  # sent / held / retry / failed / refused
    Column("detail", Text),
)

schema_version = Table(
    "push_schema_version", metadata,
    Column("version", Integer, primary_key=True),
    Column("description", String(255), nullable=False),
    Column("applied_at", DateTime, nullable=False),
)

_engines: dict[str, Engine] = {}


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("PUSH_DB_URL") or f"sqlite:///{ROOT / 'build' / 'push.db'}"


def engine(url: str | None = None) -> Engine:
    """One engine per URL, its schema migrated to the latest version on first use."""
    from .migrations import migrate

    url = database_url(url)
    if url not in _engines:
        if url.startswith("sqlite:///") and ":memory:" not in url:
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        created = create_engine(url, future=True, pool_pre_ping=True)
        migrate(created)
        _engines[url] = created
    return _engines[url]


def dispose(url: str | None = None) -> None:
    created = _engines.pop(database_url(url), None)
    if created is not None:
        created.dispose()


def now() -> dt.datetime:
    """UTC without tzinfo: SQLite and PostgreSQL 'timestamp without time zone' store the same value."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
