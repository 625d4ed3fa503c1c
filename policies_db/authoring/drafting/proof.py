"""How good is a draft? Compare it with an answer key: the hand-encoded coverage of a document (the sentences a
firm can act on → measures) and its catalogue measures, or an answer key written apart (a third document).

Figures: recall (answer-key sentences the draft marks actionable), precision (draft actionable sentences the key
lists), kind agreement, contacts (every 责任单位 the key names for the task is in the draft) and conditions
(the profile facts the key's criteria use that the draft's criteria use too).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from policies_db.authoring.drafting.metadata import place_names
from policies_db.authoring.drafting.structure import squash
from policies_db.authoring.schema import CITY_COMMERCE_BUREAU, CITY_COMMERCE_BUREAU_NAME

OWN_BUREAU = {CITY_COMMERCE_BUREAU: CITY_COMMERCE_BUREAU_NAME}

MIN_OVERLAP = 8  # characters: a shorter piece (a heading cell) never matches a sentence by containment


@dataclass
class Expected:
    sentence: str
    kinds: set[str] = field(default_factory=set)
    contacts: set[str] = field(default_factory=set)  # names as listed (市商务局) or full (武汉市商务局)
    fields: set[str] = field(default_factory=set)


@dataclass
class Figures:
    expected: int
    found: int  # expected sentences the draft marks actionable
    drafted: int  # draft actionable sentences
    correct: int  # draft actionable sentences the key lists
    kind_agree: int
    kind_total: int
    contacts_complete: int
    contacts_total: int
    fields_found: int
    fields_total: int
    document_agree: int = 0
    document_total: int = 0
    document_differs: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    kind_differs: list[str] = field(default_factory=list)
    contacts_missing: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.drafted if self.drafted else 0.0

    def as_dict(self) -> dict:
        return {"expected": self.expected, "found": self.found, "drafted": self.drafted, "correct": self.correct,
                "recall": round(self.recall, 3), "precision": round(self.precision, 3),
                "kind_agreement": f"{self.kind_agree}/{self.kind_total}",
                "contacts_complete": f"{self.contacts_complete}/{self.contacts_total}",
                "condition_facts": f"{self.fields_found}/{self.fields_total}",
                "document_facts": f"{self.document_agree}/{self.document_total}",
                "document_differs": self.document_differs,
                "missed": self.missed, "extra": self.extra, "kind_differs": self.kind_differs,
                "contacts_missing": self.contacts_missing}


def same_sentence(a: str, b: str) -> bool:
    a, b = squash(a).rstrip("。！？；;"), squash(b).rstrip("。！？；;")
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= MIN_OVERLAP and short in long_


def _criteria_fields(tree) -> set[str]:
    if not tree:
        return set()
    if isinstance(tree, dict):
        out = {tree["field"]} if "field" in tree else set()
        for key in ("all", "any"):
            for child in tree.get(key, []):
                out |= _criteria_fields(child)
        if "not" in tree:
            out |= _criteria_fields(tree["not"])
        return out - {"city", "province"}
    return set()


DOCUMENT_FIELDS = ("title", "issuer", "number", "valid_from", "valid_to", "jurisdiction")


def compare(draft: dict, expected: list[Expected], document: dict | None = None) -> Figures:
    actionable = [s for s in draft["sentences"] if s["actionable"]]
    figures = Figures(len(expected), 0, len(actionable), 0, 0, 0, 0, 0, 0, 0)
    for key in DOCUMENT_FIELDS if document else ():
        want = document.get(key)
        want = None if want is None else str(want)
        got = draft["document"].get(key)
        figures.document_total += 1
        if squash(str(got or "")).replace("(", "（").replace(")", "）") == \
                squash(str(want or "")).replace("(", "（").replace(")", "）"):
            figures.document_agree += 1
        else:
            figures.document_differs.append(f"{key}: 草稿 {got}，答案 {want}")
    for s in actionable:
        if any(same_sentence(s["text"], e.sentence) for e in expected):
            figures.correct += 1
        else:
            figures.extra.append(f"{s['ref']} {s['text'][:50]}")
    for e in expected:
        hits = [s for s in actionable if same_sentence(s["text"], e.sentence)]
        if not hits:
            figures.missed.append(e.sentence[:60])
            continue
        figures.found += 1
        measure = hits[0]["measures"][0]
        if e.kinds:
            figures.kind_total += 1
            if measure["kind"] in e.kinds:
                figures.kind_agree += 1
            else:
                figures.kind_differs.append(f"{e.sentence[:30]}… 草稿 {measure['kind']}，答案 {'/'.join(sorted(e.kinds))}")
        if e.contacts:
            figures.contacts_total += 1
            # A key may write the official name (西安市人力资源和社会保障局) or the short one completed with the city
            # (合肥市市场监管局): both count.
            city = place_names(draft["document"].get("jurisdiction"))[0] or ""
            listed = {c.get("listed_as") or "" for c in measure["contacts"]}
            named = {c["name"] for c in measure["contacts"]} | listed | {
                city + name[1:] for name in listed if name.startswith("市")}
            missing = e.contacts - named
            if missing:
                figures.contacts_missing.append(f"{e.sentence[:30]}… 缺 {'、'.join(sorted(missing))}")
            else:
                figures.contacts_complete += 1
        if e.fields:
            drafted = _criteria_fields(measure["criteria"])
            figures.fields_total += len(e.fields)
            figures.fields_found += len(e.fields & drafted)
    return figures


def expected_from_catalogue(doc_id: str, coverage: dict, raw_catalogue: dict) -> list[Expected]:
    """The answer key of a hand-encoded document: its coverage's encoded sentences, the kinds and criteria of
    the measures each cites, and the task's 责任单位 (as listed) from the catalogue."""
    measures = {m["id"]: m for m in raw_catalogue.get("measures", [])}
    document = raw_catalogue.get("document", {})
    units = document.get("responsible_units", {}) or {}
    defaults = {c.get("name") or OWN_BUREAU.get(c.get("resolve"), "") for c in document.get("default_contacts") or []}
    out: list[Expected] = []
    for entry in coverage.get("encoded", []):
        cited = [measures[i] for i in entry["measures"] if i in measures]
        e = Expected(entry["sentence"])
        for m in cited:
            e.kinds.add(m["kind"])
            e.fields |= _criteria_fields(m.get("criteria"))
            task = (m.get("source") or {}).get("task")
            for unit in units.get(task, []) if task is not None else []:
                e.contacts.add(unit if isinstance(unit, str) else unit.get("listed_as") or unit["name"])
            if not m.get("contacts") and task is None:
                e.contacts |= defaults - {""}
        if not any(same_sentence(e.sentence, x.sentence) for x in out):
            out.append(e)
    return out


def expected_from_key(key: dict) -> list[Expected]:
    """An answer key written apart (tests/drafting/*.expected.yml): actionable sentences with kind, contacts and
    conditions as profile facts."""
    out = []
    for entry in key.get("actionable", []):
        e = Expected(entry["sentence"], {entry["kind"]} if entry.get("kind") else set(),
                     set(entry.get("contacts") or []),
                     {c["fact"] for c in entry.get("conditions") or [] if isinstance(c, dict) and c.get("fact")})
        out.append(e)
    return out
