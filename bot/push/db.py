"""The push database: PUSH_DB_URL (PostgreSQL in production), default SQLite at build/push.db.

Tables are SQLAlchemy Core; their schema is created and upgraded by migrations.py, never by create_all.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from .migrations import migrate
from .tables import audit, metadata, notifications, now, schema_version, subscriptions  # noqa: F401 - db.<table>

ROOT = Path(__file__).resolve().parent.parent.parent
_engines: dict[str, Engine] = {}


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("PUSH_DB_URL") or f"sqlite:///{ROOT / 'build' / 'push.db'}"


def engine(url: str | None = None) -> Engine:
    """One engine per URL, its schema migrated to the latest version on first use."""
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
