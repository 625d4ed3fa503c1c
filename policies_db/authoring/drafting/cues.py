"""The drafter's data: policies_db/authoring/drafting/cues.yml plus the profile facts' surface forms from the assistant's
lexicon (bot/nlu/vocabulary.yml) — read once per process."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

CUES_FILE = Path(__file__).with_name("cues.yml")
VOCABULARY_FILE = Path(__file__).resolve().parents[3] / "bot" / "nlu" / "vocabulary.yml"


@dataclass(frozen=True)
class Cues:
    raw: dict
    # (phrase, field, value): value None for a yes/no fact, the list value for fields/service_types;
    # longest phrase first so 离岸服务外包 is read before 离岸.
    facts: tuple[tuple[str, str, object], ...]

    def __getitem__(self, key: str):
        return self.raw[key]


@functools.lru_cache(maxsize=1)
def cues() -> Cues:
    raw = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
    vocabulary = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8")) if VOCABULARY_FILE.is_file() else {}
    facts: dict[str, tuple[str, object]] = {}
    forms = raw["fact_forms"]
    for flag, phrases in {**vocabulary.get("flags", {}), **forms["flags"]}.items():
        for phrase in phrases:
            facts.setdefault(phrase, (flag, None))
    for phrase in forms["service_outsourcing"]:
        facts[phrase] = ("service_types", "*")
    for value, phrases in vocabulary.get("service_types", {}).items():
        for phrase in phrases:
            facts[phrase] = ("service_types", value)
    for value, phrases in vocabulary.get("fields", {}).items():
        for phrase in phrases:
            if len(phrase) >= 2:  # single characters (设计 is two) would match everywhere
                facts.setdefault(phrase, ("fields", value))
    ordered = tuple(sorted(((p, f, v) for p, (f, v) in facts.items()), key=lambda t: -len(t[0])))
    return Cues(raw, ordered)
