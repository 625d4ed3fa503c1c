"""The catalogue in memory: documents, measures and their criteria trees.

Loaded from YAML (loader.py), stored in and read back from the database (store.py),
compiled for evaluation (engine.py). Plain frozen dataclasses, no I/O.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional

CATEGORIES = {  # in the order results are grouped
    "tax": "税收优惠",
    "export_credit_insurance": "出口信保与信贷",
    "funds_finance": "资金与金融支持",
    "talent": "人才引进",
    "training": "人才培训",
    "market_expansion": "市场开拓",
    "customs_trade": "通关与贸易便利化",
    "certification": "认定与评选",
    "enterprise_development": "企业培育",
    "investment": "外资企业",
    "standards": "标准化",
    "platforms": "平台与试点",
}

# What the firm does about a measure, in the order results present them: apply (it applies for or claims it:
# tax treatment, insurance, credit, permits, certification, funds), service (the government provides it on
# request: facilitation, matchmaking, fairs, guidance), direction (encouragement with no firm-side step).
# Their labels are wording (policies_db/wording/__init__.py KINDS).
KINDS = ("apply", "service", "direction")
KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def kind_sort_key(kind: str) -> int:
    """apply → service → direction; for sorting results by what the firm can do first."""
    return KIND_ORDER[kind]


# Which operators apply to which kind of profile field, and what their value must be.
OPERATORS = {
    "bool": {"eq": "bool"},
    "list": {"has": "choice", "has_any": "choices", "nonempty": None},
    "int": {"gte": "int", "lte": "int"},
    "city": {"in_region": "region"},
}

CITY_COMMERCE_BUREAU = "city_commerce_bureau"
CITY_COMMERCE_BUREAU_NAME = "所在设区市商务局"  # shown until the firm's city is known


@dataclass(frozen=True)
class Node:
    """A criteria tree node. kind: all / any / not / leaf."""

    kind: str
    children: tuple["Node", ...] = ()
    field: Optional[str] = None
    op: Optional[str] = None
    value: Any = None
    text: Optional[str] = None  # leaf and not: the requirement, read after 「需」

    def leaves(self):
        if self.kind == "leaf":
            yield self
        for child in self.children:
            yield from child.leaves()

    def fields(self) -> set[str]:
        return {leaf.field for leaf in self.leaves()}


@dataclass(frozen=True)
class Contact:
    name: str  # as shown to the firm (the name the document uses)
    listed_as: Optional[str] = None  # verbatim from the document when it differs
    resolve: Optional[str] = None  # e.g. city_commerce_bureau: filled from the profile
    current_name: Optional[str] = None  # the unit's name today, only where the reorganisation is well established
    note: Optional[str] = None  # why current_name differs, e.g. 2023 年机构改革


@dataclass(frozen=True)
class ExtraBenefit:
    """A part of a measure's benefit that applies only under an extra condition."""

    text: str
    when: Node


@dataclass(frozen=True)
class Source:
    section: str
    excerpt: str
    also: Optional[str] = None
    task: Optional[int] = None


@dataclass(frozen=True)
class Measure:
    id: str
    document_id: str
    title: str
    summary: str
    benefit: str
    category: str
    criteria: Node  # includes the document's jurisdiction as its first condition
    contacts: tuple[Contact, ...]
    source: Source
    conditions_to_confirm: tuple[str, ...] = ()
    extra_benefits: tuple[ExtraBenefit, ...] = ()
    keywords: tuple[str, ...] = ()  # what firms call it (出口信保, 零税率…): the assistant's vocabulary
    kind: str = "direction"  # apply / service / direction (KINDS); the loader requires it in YAML
    contacts_in_text: bool = True  # False: the text names no unit for it; the contacts are the document's default


@dataclass(frozen=True)
class Document:
    id: str
    issuer: str
    title: str
    jurisdiction: str
    valid_from: Optional[dt.date]
    valid_to: Optional[dt.date]
    number: Optional[str] = None
    number_note: Optional[str] = None
    title_note: Optional[str] = None
    issued_on: Optional[dt.date] = None
    date_note: Optional[str] = None
    validity_note: Optional[str] = None
    addressed_to: Optional[str] = None
    source_text: Optional[str] = None

    def in_force(self, as_of: dt.date) -> bool:
        if self.valid_from and as_of < self.valid_from:
            return False
        return not (self.valid_to and as_of > self.valid_to)


@dataclass
class Catalogue:
    documents: dict[str, Document] = field(default_factory=dict)
    measures: list[Measure] = field(default_factory=list)

    def measure(self, measure_id: str) -> Measure:
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise KeyError(measure_id)
