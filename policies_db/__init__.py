"""Policy catalogue and eligibility engine. Pure Python: no Rasa import here.

    from policies_db import evaluate, next_question
    result = evaluate({"city": "杭州", "offshore": True}, as_of=date(2024, 6, 1))
    [r.id for r in result.eligible]
"""
from __future__ import annotations

import datetime as dt
import threading

from .citations import resolve_contacts, source_dict, validity_of
from .digest import built_digest, catalogue_digest
from .engine import CompiledCatalogue, evaluate_compiled
from .loader import CatalogueError, load_catalogue
from .profile import FIELD_INDEX, FIELD_ORDER, FIELDS, ProfileError, normalize_profile
from .results import STATUS, Evaluation, MeasureResult
from .schema import CATEGORIES, Document, Measure
from .store import DatabaseError, database_url, make_engine, read_catalogue

__all__ = [
    "CATEGORIES", "FIELDS", "FIELD_INDEX", "FIELD_ORDER", "STATUS",
    "CatalogueError", "CompiledCatalogue", "DatabaseError", "Document", "Evaluation", "Measure", "MeasureResult",
    "ProfileError",
    "built_digest", "catalogue_digest", "database_url", "evaluate", "evaluate_compiled", "load", "load_catalogue",
    "next_question", "normalize_profile", "resolve_contacts", "source_dict", "validity_of",
]

_cache: dict[str, CompiledCatalogue] = {}
_lock = threading.Lock()


def load(url: str | None = None, *, refresh: bool = False) -> CompiledCatalogue:
    """The catalogue from the policy database, compiled; cached per database URL."""
    url = database_url(url)
    with _lock:
        if refresh or url not in _cache:
            engine = make_engine(url)
            try:
                _cache[url] = CompiledCatalogue(read_catalogue(engine))
            finally:
                engine.dispose()
        return _cache[url]


def evaluate(profile: dict | None, as_of: dt.date | None = None, catalogue: CompiledCatalogue | None = None, *,
             normalized: bool = False) -> Evaluation:
    """Every measure's status for this profile: eligible / undetermined / ineligible.

    normalized=True skips validating a profile that already went through normalize_profile."""
    return evaluate_compiled(catalogue or load(), profile, as_of, normalized=normalized)


def next_question(profile: dict | None, catalogue: CompiledCatalogue | None = None, exclude=()) -> str | None:
    """The unknown profile field that decides the most open measures, or None when nothing is left to ask."""
    return evaluate(profile, catalogue=catalogue).next_question(exclude)
