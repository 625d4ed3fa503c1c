"""What changed for one firm: its last evaluation (a snapshot) against a catalogue's evaluation now.

A measure *reaches* a firm when it is eligible, or undetermined with one fact left to confirm (one question
settles it). Notified: measures that newly reach the firm ("new"), and measures that reached it before and
still do but whose content changed ("changed": title, benefit, conditions, contacts, validity). A measure
that no longer reaches the firm is counted ("dropped") but not announced. Only measures in force are sent.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from policies_db import Evaluation

Snapshot = dict  # measure id → [status, missing count, fingerprint]


def fingerprint(measure, document) -> str:
    """What a firm would notice if it changed: not wording of the summary, source excerpts or keywords."""
    content = [measure.title, measure.benefit, repr(measure.criteria), repr(measure.contacts),
               list(measure.conditions_to_confirm), repr(measure.extra_benefits),
               str(document.valid_from), str(document.valid_to)]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()[:16]


def snapshot(ev: Evaluation) -> Snapshot:
    missing = {r.id: len(r.missing) for r in ev.undetermined}
    out = {}
    for r in ev.eligible + ev.undetermined:  # what is ineligible needs no fingerprint: it cannot be "changed"
        out[r.id] = [r.status, missing.get(r.id, 0), fingerprint(r.measure, r.document)]
    for r in ev.ineligible:
        out[r.id] = ["ineligible", 0, ""]
    return out


def _reaches(entry) -> bool:
    return bool(entry) and (entry[0] == "eligible" or (entry[0] == "undetermined" and entry[1] == 1))


@dataclass
class Changes:
    new: list = field(default_factory=list)  # MeasureResult
    changed: list = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new or self.changed)

    def ids(self) -> tuple[list[str], list[str]]:
        return [r.id for r in self.new], [r.id for r in self.changed]


def compare(before: Snapshot, ev: Evaluation) -> Changes:
    after = snapshot(ev)
    changes = Changes()
    for r in ev.eligible + ev.undetermined:
        if not _reaches(after[r.id]) or not r.in_force:
            continue
        old = before.get(r.id)
        if not _reaches(old):
            changes.new.append(r)
        elif old[2] != after[r.id][2]:
            changes.changed.append(r)
    changes.dropped = [mid for mid, old in before.items() if _reaches(old) and not _reaches(after.get(mid))]
    return changes
