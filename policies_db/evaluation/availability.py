"""Whether a measure can be used on a date (computation only; every phrase about it is in wording.py).

The JSON `status` stays the verdict on the conditions; `availability` says whether the document is
in force on the as-of date. A renderer must show both together (wording.status_phrase): an eligible
measure of an expired plan is never "可以享受" on its own.
"""
from __future__ import annotations

import datetime as dt

from policies_db.authoring.schema import KIND_ORDER, KINDS, Document

IN_FORCE, EXPIRED, NOT_YET, OPEN_ENDED = "in_force", "expired", "not_yet", "open_ended"
STATES = (IN_FORCE, EXPIRED, NOT_YET, OPEN_ENDED)


def availability_of(document: Document, as_of: dt.date) -> str:
    if document.valid_from and as_of < document.valid_from:
        return NOT_YET
    if document.valid_to and as_of > document.valid_to:
        return EXPIRED
    return IN_FORCE if document.valid_to else OPEN_ENDED


def _kind(result) -> str:
    if isinstance(result, dict):  # a to_dict() entry
        return result["kind"]
    return result.measure.kind if hasattr(result, "measure") else result.kind  # MeasureResult or Measure


def by_kind(results: list) -> list:
    """Results, entries or measures in the order apply → service → direction; catalogue order within a kind."""
    return sorted(results, key=lambda r: KIND_ORDER[_kind(r)])


def kind_counts(results: list) -> dict[str, int]:
    """How many of each kind, every kind present (0 when none), in presentation order."""
    counts = dict.fromkeys(KINDS, 0)
    for r in results:
        counts[_kind(r)] += 1
    return counts
