"""The reader's grammar lives in data (bot/nlu/lexicon/grammar.yml): every entry compiles, every word class a
pattern names exists, and no Chinese cue word is written into a regular expression in Python."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.nlu import grammar
from policies_db import FIELDS

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
# The numeral system (一…万, 两三百) is parsed, not listed: numbers.py keeps its digits.
NUMERALS_ONLY = re.compile(r"^[^\u4e00-\u9fff]*(?:[零〇一二两三四五六七八九十百千万几数把多]+[^\u4e00-\u9fff]*)*$")
REGEX_CALLS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "split"}


def _leaves(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{path}.{key}" if path else str(key))
    else:
        yield path, node


def test_every_entry_compiles_and_its_classes_exist():
    data = grammar._data()
    for _path, value in _leaves({k: v for k, v in data.items() if k != "classes"}):
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict) and "words" in item:  # {words, field, yields_to}: fields of the profile
                assert {item["field"], item["yields_to"]} <= set(FIELDS["fields"].choices), item
            elif isinstance(item, dict):  # {pattern, value[, fact]} rules
                re.compile(grammar.expand(item["pattern"]))
            elif isinstance(item, (str, list)):
                re.compile(grammar.expand(item))


def test_an_unknown_class_is_named():
    with pytest.raises(KeyError, match="<nowhere>"):
        grammar.expand("(?:<nowhere>)的客户")


def test_a_missing_entry_is_named():
    with pytest.raises(KeyError, match="guards.nothing_here"):
        grammar.entry("guards.nothing_here")


def test_a_word_class_is_spelt_out_in_its_pattern():
    foreign_staff = grammar.pattern("phrases.foreign_staff")
    assert foreign_staff.search("有两个新加坡籍工程师")
    assert "<" not in foreign_staff.pattern.replace("(?<", "")


REGEX_SHAPE = re.compile(r"\(\?[:=!<]|\|")  # a group or an alternation: a pattern, not a sentence


def _regex_literals(path: Path):
    """String literals passed to re.* in a module (f-string pieces included), and pattern-shaped string
    constants anywhere (pieces of a pattern assembled before it is compiled)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and REGEX_SHAPE.search(node.value):
            yield node.lineno, node.value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in REGEX_CALLS \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args:
            for sub in ast.walk(node.args[0]):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    yield node.lineno, sub.value


@pytest.mark.parametrize("module", sorted([*ROOT.glob("actions/*.py"), *ROOT.glob("bot/nlu/*.py")]),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_cue_words_in_python_regexes(module):
    found = [(line, text) for line, text in _regex_literals(module)
             if CJK.search(text) and not NUMERALS_ONLY.match(text)]
    assert not found, f"{module.relative_to(ROOT)}: Chinese words in a Python regex — move them to " \
                      f"bot/nlu/lexicon/grammar.yml: {found}"
