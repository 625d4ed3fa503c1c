"""The assistant's vocabulary: every phrase a firm may use, mapped to an entity and a value.

Gathered from bot/nlu/vocabulary.yml, the place names of policies_db/evaluation/places.py and the catalogue (measure titles and
keywords), so a new policy document brings its own words. Pure Python, no Rasa import.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from policies_db.authoring.loader import load_catalogue
from policies_db.evaluation import places
from policies_db.evaluation.coverage import regions
from policies_db.profile import FIELDS

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yml")
FLAG_FIELDS = [name for name, spec in FIELDS.items() if spec.kind == "bool"]
LIST_FIELDS = [name for name, spec in FIELDS.items() if spec.kind == "list"]


@dataclass(frozen=True)
class Term:
    phrase: str
    entity: str  # city / fields / service_types / policy / topic / one of FLAG_FIELDS
    value: str  # canonical value: 杭州, pharma_rd, ITO, the flag's field name, or the policy phrase


@dataclass(frozen=True)
class Vocabulary:
    terms: tuple[Term, ...]
    negations: tuple[str, ...]
    negation_exceptions: tuple[str, ...]
    topics: dict[str, str]  # topic phrase → category
    other_cities: tuple[str, ...]

    def phrases(self) -> list[str]:
        return sorted({t.phrase for t in self.terms})

    def dictionary_phrases(self) -> list[str]:
        """Phrases jieba should keep whole. A phrase that contains a phrase of the other kind
        (a measure name holding a fact, 生产性服务企业 ⊃ 生产性服务) stays out, so both are
        still found as token sequences; within one kind the longer phrase wins, as it should."""
        kinds: dict[str, set[str]] = {}
        for t in self.terms:
            kinds.setdefault(t.phrase, set()).add("measure" if t.entity in ("policy", "topic") else "fact")
        return sorted(p for p, k in kinds.items()
                      if not any(q != p and q in p and kinds[q] - k for q in kinds))


@functools.lru_cache(maxsize=None)
def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    terms: list[Term] = []
    catalogue = load_catalogue()
    # Every place in China by its full name, plus short names (萧山, 义乌) inside the covered regions;
    # the value is the canonical city when the name means one city, else the name itself (青山区,
    # 浙江), which the form resolves with the rest of the message.
    for name in places.dictionary_names([r.place for r in regions(catalogue)]):
        found = places.resolve(name)
        terms.append(Term(name, "city", found.place.city_name if found.status == places.RESOLVED else name))
    for city in raw["other_cities"]:
        terms.append(Term(city, "city", city))
    for value, phrases in raw["fields"].items():
        terms += [Term(p, "fields", value) for p in phrases]
    for value, phrases in raw["service_types"].items():
        terms += [Term(p, "service_types", value) for p in phrases]
    for field, phrases in raw["flags"].items():
        if field not in FLAG_FIELDS:
            raise ValueError(f"{path.name}: flags.{field} is not a yes/no profile field")
        terms += [Term(p, field, field) for p in phrases]
    topics = {p: category for category, phrases in raw["topics"].items() for p in phrases}
    measure_phrases = set()
    for measure in catalogue.measures:
        measure_phrases.update(measure.keywords)
        measure_phrases.add(measure.title)
    # "policy": names a measure; "topic": only a theme (人才, 认定), used for 「有哪些…政策」.
    terms += [Term(p, "policy", p) for p in sorted(measure_phrases)]
    terms += [Term(p, "topic", p) for p in sorted(set(topics) - measure_phrases)]
    return Vocabulary(tuple(terms), tuple(raw["negations"]), tuple(raw["negation_exceptions"]), topics,
                      tuple(raw["other_cities"]))
