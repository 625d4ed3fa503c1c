"""Policy catalogue and eligibility engine. Pure Python: no Rasa import here.

    from policies_db import evaluate, next_question
    result = evaluate({"city": "杭州", "offshore": True}, as_of=date(2024, 6, 1))
    [r.id for r in result.eligible]
"""
from __future__ import annotations

import datetime as dt
import os
import threading
import time

from policies_db.authoring.digest import built_digest, catalogue_digest
from policies_db.authoring.loader import CatalogueError, load_catalogue
from policies_db.authoring.schema import CATEGORIES, Document, Measure
from policies_db.authoring.store import DatabaseError, build_info, database_url, make_engine, read_catalogue
from policies_db.evaluation.citations import resolve_contacts, source_dict, validity_of
from policies_db.evaluation.engine import CompiledCatalogue, evaluate_compiled
from policies_db.evaluation.results import STATUS, Evaluation, MeasureResult
from policies_db.profile import FIELD_INDEX, FIELD_ORDER, FIELDS, ProfileError, normalize_profile

__all__ = [
    "CATEGORIES", "FIELDS", "FIELD_INDEX", "FIELD_ORDER", "STATUS",
    "CatalogueError", "CompiledCatalogue", "DatabaseError", "Document", "Evaluation", "Measure", "MeasureResult",
    "ProfileError",
    "build", "built_digest", "catalogue_digest", "database_url", "evaluate", "evaluate_compiled", "load", "load_catalogue",
    "next_question", "normalize_profile", "resolve_contacts", "source_dict", "validity_of",
]

_cache: dict[str, tuple[CompiledCatalogue, str | None]] = {}
_checked: dict[str, float] = {}
_lock = threading.Lock()


def reload_seconds() -> float:
    """How often a running server looks for a rebuilt policy database (POLICY_RELOAD_SECONDS, default 10;
    0 turns it off): a document published from the workbench is served within this time, without a restart."""
    try:
        return float(os.environ.get("POLICY_RELOAD_SECONDS", "10"))
    except ValueError:
        return 10.0


def load(url: str | None = None, *, refresh: bool = False) -> CompiledCatalogue:
    """The catalogue from the policy database, compiled; cached per database URL and reloaded when the
    database's build digest changes (checked at most every reload_seconds(): one small query)."""
    url = database_url(url)
    now = time.monotonic()
    every = reload_seconds()
    with _lock:
        cached = _cache.get(url)
        if cached and not refresh and every > 0 and now - _checked.get(url, now) >= every:
            _checked[url] = now
            try:
                refresh = built_digest(url) != cached[1]
            except DatabaseError:
                refresh = False  # keep serving what was loaded; the next check tries again
        if refresh or cached is None:
            engine = make_engine(url)
            try:
                catalogue = read_catalogue(engine)  # DatabaseError: unreachable or unbuilt, said plainly
                _cache[url] = (CompiledCatalogue(catalogue), (build_info(engine) or {}).get("digest"))
                _checked[url] = now
            finally:
                engine.dispose()
        return _cache[url][0]


def build(directory=None, url: str | None = None) -> int:
    """Validate a catalogue folder and replace the policy database's contents with it (`python -m policies_db
    build`); running servers pick it up within reload_seconds(). Returns the number of measures."""
    from policies_db.authoring.loader import CATALOGUE_DIR
    from policies_db.authoring.store import write_catalogue

    directory = directory or CATALOGUE_DIR
    catalogue = load_catalogue(directory)
    engine = make_engine(database_url(url))
    try:
        write_catalogue(catalogue, engine, catalogue_digest(directory))
    finally:
        engine.dispose()
    return len(catalogue.measures)


def evaluate(profile: dict | None, as_of: dt.date | None = None, catalogue: CompiledCatalogue | None = None, *,
             normalized: bool = False) -> Evaluation:
    """Every measure's status for this profile: eligible / undetermined / ineligible.

    normalized=True skips validating a profile that already went through normalize_profile."""
    return evaluate_compiled(catalogue or load(), profile, as_of, normalized=normalized)


def next_question(profile: dict | None, catalogue: CompiledCatalogue | None = None, exclude=()) -> str | None:
    """The unknown profile field that decides the most open measures, or None when nothing is left to ask."""
    return evaluate(profile, catalogue=catalogue).next_question(exclude)
