"""The fingerprint of the catalogue a policy database was built from: a database whose recorded
digest differs from the YAML on disk is out of date (the action server refuses to start on it)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from policies_db.authoring.loader import CATALOGUE_DIR
from policies_db.authoring.models import SCHEMA_VERSION
from policies_db.authoring.store import build_info, make_engine


def catalogue_digest(directory: Path = CATALOGUE_DIR) -> str:
    """sha256 over the catalogue's *.yml files (names and bytes), in name order, and the tables' version: a database
    built by code with other tables is out of date too."""
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    for path in sorted(directory.glob("*.yml")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def built_digest(url: str | None = None) -> str | None:
    """The catalogue digest recorded by the database's last build; None if it was never built."""
    engine = make_engine(url)
    try:
        info = build_info(engine)
    finally:
        engine.dispose()
    return info and info["digest"]
