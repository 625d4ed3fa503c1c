"""The push tables (SQLAlchemy Core) and the clock their timestamps use; migrations.py creates and upgrades
them, db.py connects — both import this module, neither imports the other's internals."""
from __future__ import annotations

import datetime as dt

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
)

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


def now() -> dt.datetime:
    """UTC without tzinfo: SQLite and PostgreSQL 'timestamp without time zone' store the same value."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
