"""The reader's grammar from data: cue words and sentence patterns of bot/nlu/lexicon/grammar.yml. Pure.

An entry is addressed by its path (`"phrases.foreign_staff"`). A list of words is a literal alternation; a string
is a regular expression whose `<name>` placeholders stand for the word classes of `classes`. Compiled once.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

GRAMMAR = Path(__file__).with_name("lexicon") / "grammar.yml"
_CLASS = re.compile(r"<([a-z_]+)>")


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(GRAMMAR.read_text(encoding="utf-8"))


def entry(path: str) -> Any:
    """The raw entry at a dotted path; a KeyError names the path when the data lacks it."""
    node: Any = _data()
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            raise KeyError(f"{GRAMMAR.name}: no entry {path!r}")
        node = node[key]
    return node


def words(path: str) -> frozenset[str]:
    """A list of words, for membership (「没有的」 is a bare no)."""
    return frozenset(str(w) for w in entry(path))


def literal(items: list) -> str:
    return "|".join(re.escape(str(w)) for w in items)


def expand(source: Any) -> str:
    """A words list → its alternation; a pattern → its regex with every <class> spelt out."""
    if isinstance(source, list):
        return literal(source)
    classes = _data()["classes"]

    def spell(match: re.Match) -> str:
        name = match.group(1)
        if name not in classes:
            raise KeyError(f"{GRAMMAR.name}: pattern uses unknown class <{name}>")
        return literal(classes[name])

    return _CLASS.sub(spell, str(source))


@functools.lru_cache(maxsize=None)
def pattern(path: str, flags: int = 0) -> re.Pattern:
    return re.compile(expand(entry(path)), flags)


@functools.lru_cache(maxsize=None)
def patterns(path: str, flags: int = 0) -> tuple[re.Pattern, ...]:
    """A list of patterns (each a string), for rules that try several sentence shapes."""
    return tuple(re.compile(expand(p), flags) for p in entry(path))


@functools.lru_cache(maxsize=None)
def valued(path: str, flags: int = 0) -> tuple[tuple[re.Pattern, Any, Any], ...]:
    """Rules `{pattern, value[, fact]}` → (compiled pattern, value, fact or None)."""
    return tuple((re.compile(expand(r["pattern"]), flags), r["value"], r.get("fact")) for r in entry(path))
