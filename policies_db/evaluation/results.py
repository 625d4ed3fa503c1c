"""What evaluate() returns: the per-measure results (status, reasons, what-if, contacts, validity)
and the Evaluation that groups them and picks the next question. The numpy evaluation is in engine.py."""
from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any, Iterable, Optional, Protocol

import numpy as np

from policies_db.authoring.schema import CATEGORIES, Document, Measure
from policies_db.evaluation import explain
from policies_db.evaluation.availability import availability_of, by_kind, kind_counts
from policies_db.evaluation.citations import resolve_contacts, source_dict, validity_of
from policies_db.evaluation.logic import FALSE, TRUE, UNKNOWN, missing_fields, tri
from policies_db.profile import FIELD_INDEX, FIELD_ORDER
from policies_db.wording import status_phrase


class Compiled(Protocol):
    """What an Evaluation reads of the compiled catalogue (engine.CompiledCatalogue) — named here so that
    results does not import the engine that imports it."""

    measures: list[Measure]
    documents: dict[str, Document]
    index: dict[str, int]

    def fields_of_rows(self, matrix: np.ndarray) -> list[tuple[str, ...]]: ...

    def missing_matrices(self, vals: np.ndarray, statuses: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...

STATUS = {TRUE: "eligible", UNKNOWN: "undetermined", FALSE: "ineligible"}


class MeasureResult:
    """One measure's outcome for one profile. Reasons and what-if are computed on first use."""

    def __init__(self, measure: Measure, status: str, document: Document, as_of: dt.date, profile: dict,
                 missing: Optional[tuple[str, ...]] = None):
        self.measure, self.status, self.document, self.as_of, self.profile = measure, status, document, as_of, profile
        self._missing = missing

    @property
    def id(self) -> str:
        return self.measure.id

    @property
    def missing(self) -> list[str]:
        """The unknown fields that still decide this measure (empty unless undetermined)."""
        if self.status != "undetermined":
            return []
        if self._missing is None:
            self._missing = tuple(sorted(missing_fields(self.measure.criteria, self.profile), key=FIELD_INDEX.get))
        return list(self._missing)

    @cached_property
    def reasons(self) -> list[str]:
        return explain.reasons(self.measure.criteria, self.profile) if self.status == "ineligible" else []

    @cached_property
    def what_if(self) -> Optional[dict]:
        return explain.what_if(self.measure.criteria, self.profile) if self.status != "eligible" else None

    @cached_property
    def contacts(self) -> list[dict]:
        return resolve_contacts(self.measure, self.document, self.profile)

    @cached_property
    def extra_benefits(self) -> list[dict]:
        out = []
        for extra in self.measure.extra_benefits:
            value = tri(extra.when, self.profile)
            entry = {"text": extra.text, "applies": STATUS[value]}
            if value == UNKNOWN:
                entry["missing"] = sorted(missing_fields(extra.when, self.profile), key=FIELD_INDEX.get)
            out.append(entry)
        return out

    @property
    def in_force(self) -> bool:
        return self.document.in_force(self.as_of)

    def validity(self) -> dict:
        return validity_of(self.document, self.as_of)

    @property
    def kind(self) -> str:
        """apply / service / direction: what the firm does about it."""
        return self.measure.kind

    @property
    def availability(self) -> str:
        """in_force / expired / not_yet / open_ended on the as-of date (status stays the verdict on conditions)."""
        return availability_of(self.document, self.as_of)

    @property
    def status_phrase(self) -> Optional[str]:
        """For an eligible measure, the line every channel shows, e.g. 「符合条件；文件执行期已满（2025年底），请向部门确认是否延续」."""
        return status_phrase(self.status, self.document, self.as_of)

    def to_dict(self) -> dict[str, Any]:
        m = self.measure
        data = {
            "id": m.id,
            "title": m.title,
            "status": self.status,
            "kind": m.kind,
            "availability": self.availability,
            "status_phrase": self.status_phrase,
            "category": m.category,
            "category_label": CATEGORIES[m.category],
            "summary": m.summary,
            "benefit": m.benefit,
            "document": self.document.id,
            "document_title": self.document.title,
            "in_force": self.in_force,
            "validity": self.validity(),
            "contacts": self.contacts,
            "source": source_dict(m, self.document),
            "conditions_to_confirm": list(m.conditions_to_confirm),
        }
        if m.extra_benefits:
            data["extra_benefits"] = self.extra_benefits
        if self.status == "undetermined":
            data["missing"] = self.missing
        if self.status == "ineligible":
            data["reasons"] = self.reasons
        if self.status != "eligible":
            data["what_if"] = self.what_if
        return data


class Evaluation:
    """The outcome of evaluate(): results grouped by status, in catalogue order."""

    def __init__(self, compiled: Compiled, profile: dict, as_of: dt.date, statuses: np.ndarray, vals: np.ndarray):
        self.compiled, self.profile, self.as_of = compiled, profile, as_of
        self.statuses, self._vals = statuses, vals
        self._groups = {code: np.nonzero(statuses == code)[0] for code in (TRUE, UNKNOWN, FALSE)}

    def _results(self, code: int) -> list[MeasureResult]:
        measures, docs = self.compiled.measures, self.compiled.documents
        idx = self._groups[code].tolist()
        missing = self.compiled.fields_of_rows(self.missing_matrix[idx]) if code == UNKNOWN else [None] * len(idx)
        return [MeasureResult(measures[i], STATUS[code], docs[measures[i].document_id], self.as_of, self.profile, miss)
                for i, miss in zip(idx, missing)]

    @cached_property
    def eligible(self) -> list[MeasureResult]:
        return self._results(TRUE)

    @cached_property
    def undetermined(self) -> list[MeasureResult]:
        return self._results(UNKNOWN)

    @cached_property
    def ineligible(self) -> list[MeasureResult]:
        return self._results(FALSE)

    def by_kind(self, status: str = "eligible") -> list[MeasureResult]:
        """One status group ordered apply → service → direction, for renderers."""
        return by_kind(getattr(self, status))

    def kind_counts(self, status: str = "eligible") -> dict[str, int]:
        """{'apply': n, 'service': n, 'direction': n} for one status group."""
        return kind_counts(getattr(self, status))

    def counts(self) -> dict[str, int]:
        return {STATUS[code]: len(idx) for code, idx in self._groups.items()}

    def status_of(self, measure_id: str) -> str:
        return STATUS[int(self.statuses[self.compiled.index[measure_id]])]

    def result(self, measure_id: str) -> MeasureResult:
        i = self.compiled.index[measure_id]
        m = self.compiled.measures[i]
        missing = self.compiled.fields_of_rows(self.missing_matrix[[i]])[0]
        return MeasureResult(m, STATUS[int(self.statuses[i])], self.compiled.documents[m.document_id], self.as_of,
                             self.profile, missing)

    @cached_property
    def _matrices(self) -> tuple[np.ndarray, np.ndarray]:
        return self.compiled.missing_matrices(self._vals, self.statuses)

    @property
    def missing_matrix(self) -> np.ndarray:
        """measures × fields: the unknown fields that still decide each measure's criteria."""
        return self._matrices[0]

    def open_questions(self, exclude: Iterable[str] = ()) -> list[str]:
        """The unknown fields that still decide something, most decisive first; ties in the profile's field order.

        An undetermined measure counts for its missing fields; a measure that applies (or may) also
        counts for a fact its extra benefit still needs (e.g. in_bonded_zone for wh-pharma-rd)."""
        counts = self._question_counts(exclude)
        order = np.argsort(-counts, kind="stable")
        return [FIELD_ORDER[i] for i in order if counts[i] > 0]

    def next_question(self, exclude: Iterable[str] = ()) -> Optional[str]:
        """The unknown field that decides the most measures still open (the first of open_questions)."""
        counts = self._question_counts(exclude)
        return FIELD_ORDER[int(np.argmax(counts))] if counts.any() else None

    def _question_counts(self, exclude: Iterable[str]) -> np.ndarray:
        main, extra = self._matrices
        counts = (main | extra).sum(axis=0)
        for name in exclude:  # fields the firm could not answer: don't ask again
            counts[FIELD_INDEX[name]] = 0
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "profile": self.profile,
            "counts": self.counts(),
            # per status: how many the firm can apply for, ask for as a service, or only read as direction
            "kind_counts": {status: self.kind_counts(status) for status in ("eligible", "undetermined", "ineligible")},
            "next_question": self.next_question(),
            # each group leads with what the firm can apply for, then services, then directions
            "eligible": [r.to_dict() for r in self.by_kind("eligible")],
            "undetermined": [r.to_dict() for r in self.by_kind("undetermined")],
            "ineligible": [r.to_dict() for r in self.by_kind("ineligible")],
        }
