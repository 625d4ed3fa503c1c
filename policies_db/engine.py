"""Evaluate a firm profile against the whole catalogue.

Every criteria tree is flattened into numpy arrays once (CompiledCatalogue). Evaluating a
profile computes each *distinct* leaf once in Python, then combines the trees level by
level with min/max reductions (Kleene logic, see logic.py). Reasons and what-if are
computed per measure only when asked for, by the reference evaluator in explain.py.
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property, lru_cache
from typing import Any, Iterable, Optional

import numpy as np

from . import explain
from .gazetteer import load_gazetteer
from .logic import FALSE, TRUE, UNKNOWN, leaf_value, missing_fields, tri
from .profile import FIELD_ORDER, normalize_profile
from .schema import CATEGORIES, CITY_COMMERCE_BUREAU, Catalogue, Document, Measure, Node

STATUS = {TRUE: "eligible", UNKNOWN: "undetermined", FALSE: "ineligible"}
_KIND = {"leaf": 0, "all": 1, "any": 2, "not": 3}
_FIELD_INDEX = {name: i for i, name in enumerate(FIELD_ORDER)}
_FIELD_BITS = 1 << np.arange(len(FIELD_ORDER), dtype=np.int64)


@lru_cache(maxsize=4096)
def _fields_of_mask(mask: int) -> tuple[str, ...]:
    return tuple(name for j, name in enumerate(FIELD_ORDER) if mask >> j & 1)


def _fields_of_masks(masks: np.ndarray) -> list[tuple[str, ...]]:
    """Rows of a measures × fields matrix, encoded as bit masks, → field-name tuples in profile order."""
    return [_fields_of_mask(m) for m in masks.tolist()]


class CompiledCatalogue:
    """A catalogue flattened for fast evaluation. Build once, evaluate many profiles."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.measures: list[Measure] = list(catalogue.measures)
        self.index = {m.id: i for i, m in enumerate(self.measures)}
        self.documents: dict[str, Document] = catalogue.documents

        kinds, parents, depths, owners, leaf_keys_of_node, roots = [], [], [], [], [], []
        leaf_keys: dict[tuple, int] = {}
        extra_roots: list[tuple[int, int]] = []  # (node index, measure index)

        def flatten(node: Node, parent: int, depth: int, owner: int) -> int:
            i = len(kinds)
            kinds.append(_KIND[node.kind])
            parents.append(parent)
            depths.append(depth)
            owners.append(owner)
            if node.kind == "leaf":
                key = (node.field, node.op, node.value)
                leaf_keys_of_node.append(leaf_keys.setdefault(key, len(leaf_keys)))
            else:
                leaf_keys_of_node.append(-1)
            for child in node.children:
                flatten(child, i, depth + 1, owner)
            return i

        for mi, measure in enumerate(self.measures):
            roots.append(flatten(measure.criteria, -1, 0, mi))
        for mi, measure in enumerate(self.measures):
            for extra in measure.extra_benefits:
                extra_roots.append((flatten(extra.when, -1, 0, mi), mi))

        self.kinds = np.array(kinds, dtype=np.int8)
        self.parents = np.array(parents, dtype=np.int64)
        self.owners = np.array(owners, dtype=np.int64)
        self.roots = np.array(roots, dtype=np.int64)
        self.extra_roots = np.array([r for r, _ in extra_roots], dtype=np.int64)
        self.leaf_keys = list(leaf_keys)
        node_keys = np.array(leaf_keys_of_node, dtype=np.int64)
        self.leaf_nodes = np.nonzero(node_keys >= 0)[0]
        self.leaf_key_of_leaf = node_keys[self.leaf_nodes]
        self.leaf_field = np.array([_FIELD_INDEX[k[0]] for k in self.leaf_keys], dtype=np.int64)[self.leaf_key_of_leaf]
        # Main-criteria leaves count towards their measure; extra-benefit leaves only while the measure can still apply.
        in_extra = np.zeros(len(kinds), dtype=bool)
        for root, _ in extra_roots:
            end = root + 1
            while end < len(kinds) and parents[end] != -1:
                end += 1
            in_extra[root:end] = True
        self.leaf_in_extra = in_extra[self.leaf_nodes]

        depth_arr = np.array(depths, dtype=np.int64)
        self.max_depth = int(depth_arr.max()) if len(depths) else 0
        # Bottom-up plan: per depth, per operator, the nodes and their children grouped by parent.
        self.plan = []
        for d in range(self.max_depth - 1, -1, -1):
            children = np.nonzero(depth_arr == d + 1)[0]
            child_parents = self.parents[children]
            order = np.argsort(child_parents, kind="stable")
            children, child_parents = children[order], child_parents[order]
            steps = []
            for kind in (_KIND["all"], _KIND["any"], _KIND["not"]):
                mask = self.kinds[child_parents] == kind
                if not mask.any():
                    continue
                group_children, group_parents = children[mask], child_parents[mask]
                starts = np.concatenate(([0], np.nonzero(np.diff(group_parents))[0] + 1))
                steps.append((kind, group_parents[starts], group_children, starts))
            self.plan.append(steps)
        # Top-down plan for "does this UNKNOWN node still matter": nodes by depth with their parents.
        self.by_depth = [np.nonzero(depth_arr == d)[0] for d in range(1, self.max_depth + 1)]

    # -- core --------------------------------------------------------------------------

    def node_values(self, profile: dict) -> np.ndarray:
        leaf_vals = np.fromiter((leaf_value(f, op, v, profile) for f, op, v in self.leaf_keys),
                                dtype=np.int8, count=len(self.leaf_keys))
        vals = np.empty(len(self.kinds), dtype=np.int8)
        vals[self.leaf_nodes] = leaf_vals[self.leaf_key_of_leaf]
        for steps in self.plan:
            for kind, parents, children, starts in steps:
                child_vals = vals[children]
                if kind == _KIND["all"]:
                    vals[parents] = np.minimum.reduceat(child_vals, starts)
                elif kind == _KIND["any"]:
                    vals[parents] = np.maximum.reduceat(child_vals, starts)
                else:
                    vals[parents] = TRUE - child_vals
        return vals

    def missing_matrices(self, vals: np.ndarray, statuses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """measures × fields: unknown fields that still decide each measure's criteria; and its extra benefits."""
        relevant = vals == UNKNOWN
        for nodes in self.by_depth:
            relevant[nodes] &= relevant[self.parents[nodes]]
        leaf_relevant = relevant[self.leaf_nodes]
        owners = self.owners[self.leaf_nodes]
        shape = (len(self.measures), len(FIELD_ORDER))
        main, extra = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
        in_main = leaf_relevant & ~self.leaf_in_extra
        main[owners[in_main], self.leaf_field[in_main]] = True
        # Extra-benefit facts matter only while the measure itself can still apply.
        in_extra = leaf_relevant & self.leaf_in_extra & (statuses[owners] != FALSE)
        extra[owners[in_extra], self.leaf_field[in_extra]] = True
        return main, extra


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
            self._missing = tuple(sorted(missing_fields(self.measure.criteria, self.profile), key=_FIELD_INDEX.get))
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
                entry["missing"] = sorted(missing_fields(extra.when, self.profile), key=_FIELD_INDEX.get)
            out.append(entry)
        return out

    @property
    def in_force(self) -> bool:
        return self.document.in_force(self.as_of)

    def validity(self) -> dict:
        return validity_of(self.document, self.as_of)

    def to_dict(self) -> dict[str, Any]:
        m = self.measure
        data = {
            "id": m.id,
            "title": m.title,
            "status": self.status,
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

    def __init__(self, compiled: CompiledCatalogue, profile: dict, as_of: dt.date, statuses: np.ndarray, vals: np.ndarray):
        self.compiled, self.profile, self.as_of = compiled, profile, as_of
        self.statuses, self._vals = statuses, vals
        self._groups = {code: np.nonzero(statuses == code)[0] for code in (TRUE, UNKNOWN, FALSE)}

    def _results(self, code: int) -> list[MeasureResult]:
        measures, docs = self.compiled.measures, self.compiled.documents
        idx = self._groups[code].tolist()
        missing = _fields_of_masks(self.missing_matrix[idx] @ _FIELD_BITS) if code == UNKNOWN else [None] * len(idx)
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

    def counts(self) -> dict[str, int]:
        return {STATUS[code]: len(idx) for code, idx in self._groups.items()}

    def status_of(self, measure_id: str) -> str:
        return STATUS[int(self.statuses[self.compiled.index[measure_id]])]

    def result(self, measure_id: str) -> MeasureResult:
        i = self.compiled.index[measure_id]
        m = self.compiled.measures[i]
        missing = _fields_of_masks(self.missing_matrix[[i]] @ _FIELD_BITS)[0]
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
            counts[_FIELD_INDEX[name]] = 0
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "profile": self.profile,
            "counts": self.counts(),
            "next_question": self.next_question(),
            "eligible": [r.to_dict() for r in self.eligible],
            "undetermined": [r.to_dict() for r in self.undetermined],
            "ineligible": [r.to_dict() for r in self.ineligible],
        }


# ---- helpers shared by the CLI and the result objects ------------------------------------

def resolve_contacts(measure: Measure, document: Document, profile: dict) -> list[dict]:
    city = profile.get("city")
    local = city and load_gazetteer().region_of(city) == document.jurisdiction
    out = []
    for c in measure.contacts:
        if c.resolve == CITY_COMMERCE_BUREAU:
            out.append({"name": f"{city}市商务局" if local else c.name, "resolved_from": "city"})
        else:
            entry = {"name": c.name}
            if c.listed_as:
                entry["listed_as"] = c.listed_as
            out.append(entry)
    return out


def source_dict(measure: Measure, document: Document) -> dict:
    data = {
        "document": document.title,
        "issuer": document.issuer,
        "number": document.number,
        "section": measure.source.section,
        "excerpt": measure.source.excerpt,
    }
    if measure.source.task is not None:
        data["task"] = measure.source.task
    if measure.source.also:
        data["also"] = measure.source.also
    return data


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def validity_of(document: Document, as_of: dt.date) -> dict:
    if document.valid_from and as_of < document.valid_from:
        note = f"该文件自{_cn_date(document.valid_from)}起执行，截至{_cn_date(as_of)}尚未生效。"
    elif document.valid_to and as_of > document.valid_to:
        note = (f"该文件执行期至{_cn_date(document.valid_to)}，截至{_cn_date(as_of)}已到期；"
                "相关措施是否延续执行，请向联系部门确认。")
    elif document.valid_to:
        note = f"在执行期内（{_cn_date(document.valid_from)}至{_cn_date(document.valid_to)}）。"
    else:
        note = f"{document.validity_note or '原文未规定截止日期'}；是否仍在执行，请向联系部门确认。"
    return {
        "valid_from": document.valid_from.isoformat() if document.valid_from else None,
        "valid_to": document.valid_to.isoformat() if document.valid_to else None,
        "stated_end": document.valid_to is not None,
        "note": note,
    }


def evaluate_compiled(compiled: CompiledCatalogue, profile: dict | None, as_of: dt.date | None = None) -> Evaluation:
    profile = normalize_profile(profile)
    as_of = as_of or dt.date.today()
    vals = compiled.node_values(profile)
    return Evaluation(compiled, profile, as_of, vals[compiled.roots], vals)
