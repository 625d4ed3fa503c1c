"""Whether a measure can be used on a date, and how to say so honestly.

The JSON `status` stays the verdict on the conditions; `availability` says whether the document is
in force on the as-of date. A renderer must show both together: an eligible measure of an expired
plan is never "可以享受" but `AVAILABILITY_PHRASE` below. Every channel calls `status_phrase`, so
chat, CLI and report say the same thing.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from .schema import KIND_ORDER, KINDS, Document

IN_FORCE, EXPIRED, NOT_YET, OPEN_ENDED = "in_force", "expired", "not_yet", "open_ended"
AVAILABILITY = {
    IN_FORCE: "在执行期内",
    EXPIRED: "文件执行期已满",
    NOT_YET: "文件尚未生效",
    OPEN_ENDED: "原文未规定截止日期",  # in force since valid_from, no stated end: still worth confirming
}


def availability_of(document: Document, as_of: dt.date) -> str:
    if document.valid_from and as_of < document.valid_from:
        return NOT_YET
    if document.valid_to and as_of > document.valid_to:
        return EXPIRED
    return IN_FORCE if document.valid_to else OPEN_ENDED


def end_phrase(valid_to: dt.date) -> str:
    """2025-12-31 → 2025年底; any other day written out."""
    if (valid_to.month, valid_to.day) == (12, 31):
        return f"{valid_to.year}年底"
    return f"{valid_to.year}年{valid_to.month}月{valid_to.day}日"


def status_phrase(status: str, document: Document, as_of: dt.date) -> Optional[str]:
    """The one line a channel shows for an eligible measure, given the date; None for other statuses.

    Expired: 「符合条件；文件执行期已满（2025年底），请向部门确认是否延续」 (issue 11, exact wording)."""
    if status != "eligible":
        return None
    availability = availability_of(document, as_of)
    if availability == EXPIRED:
        return f"符合条件；文件执行期已满（{end_phrase(document.valid_to)}），请向部门确认是否延续"
    if availability == NOT_YET:
        start = document.valid_from
        return f"符合条件；文件自{start.year}年{start.month}月{start.day}日起执行，目前尚未生效"
    if availability == OPEN_ENDED:
        return "符合条件；原文未规定截止日期，请向部门确认是否仍在执行"
    return "符合条件"


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
