"""Policy catalogue and eligibility engine. Pure Python: no Rasa import here.

    from policies_db import evaluate, next_question
    result = evaluate({"city": "杭州", "offshore": True}, as_of=date(2024, 6, 1))
    [r.id for r in result.eligible]
"""
from __future__ import annotations

import datetime as dt
import threading

from .engine import CompiledCatalogue, Evaluation, MeasureResult, evaluate_compiled
from .loader import CatalogueError, load_catalogue
from .profile import FIELD_ORDER, FIELDS, ProfileError, normalize_profile
from .store import DatabaseError, database_url, make_engine, read_catalogue

__all__ = [
    "CatalogueError", "CompiledCatalogue", "DatabaseError", "Evaluation", "FIELDS", "FIELD_ORDER",
    "MeasureResult", "ProfileError", "evaluate", "load", "next_question", "normalize_profile",
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


def evaluate(profile: dict | None, as_of: dt.date | None = None, catalogue: CompiledCatalogue | None = None) -> Evaluation:
    """Every measure's status for this profile: eligible / undetermined / ineligible."""
    return evaluate_compiled(catalogue or load(), profile, as_of)


def next_question(profile: dict | None, catalogue: CompiledCatalogue | None = None, exclude=()) -> str | None:
    """The unknown profile field that decides the most open measures, or None when nothing is left to ask."""
    return evaluate(profile, catalogue=catalogue).next_question(exclude)
