"""What a question asks about, beyond which measure: `aspect` entities from bot/nlu/lexicon/aspects.yml. Pure."""
from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from bot.nlu import grammar

LEXICON = Path(__file__).with_name("lexicon") / "aspects.yml"
ASPECTS = ("official", "where_text", "validity", "applies", "district")
# An aspect that holds only beside other words: whether a document applies is asked of a document.
NEEDS = {"applies": "document_words", "district": "district_topic"}


@functools.lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    data = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    return {key: re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
            for key, words in data.items()}


def _glued(name: str, text: str, start: int) -> bool:
    """Is the cue the tail of a longer name (「综保区里」 is no 「区里」)? `<name>_not_after` in the lexicon says."""
    before = _patterns().get(f"{name}_not_after")
    return bool(before and before.search(text[max(0, start - 2):start]))


def aspects(text: str) -> list[dict]:
    """The `aspect` entities of a message: one per aspect named, at its first mention."""
    out = []
    for name in ASPECTS:
        m = next((m for m in _patterns()[name].finditer(text or "") if not _glued(name, text, m.start())), None)
        if m and (name not in NEEDS or _patterns()[NEEDS[name]].search(text)):
            out.append({"entity": "aspect", "start": m.start(), "end": m.end(), "value": name})
    phrase = grammar.pattern("guards.applies_phrase").search(text or "")
    if phrase and not any(a["value"] == "applies" for a in out):
        out.append({"entity": "aspect", "start": phrase.start(), "end": phrase.end(), "value": "applies"})
    timing, document = _patterns()["timing"].search(text or ""), _patterns()["document_words"].search(text or "")
    if timing and document and not any(a["value"] == "validity" for a in out):
        # 「這個三年計劃到什麼時候截止？」: a time asked of a document is its validity, not a measure's deadline.
        out.append({"entity": "aspect", "start": timing.start(), "end": timing.end(), "value": "validity"})
    return out


def cue(name: str, text: str) -> bool:
    """Does the text hold a cue of `name` (acknowledge, report, or an aspect)?"""
    return bool(_patterns()[name].search(text or ""))


def opens_with(name: str, text: str) -> bool:
    """Does the text begin with a cue of `name` (「问个事」, not 「这个要问下财务」)?"""
    return bool(_patterns()[name].match((text or "").strip()))


def without(name: str, text: str) -> str:
    """The text with the cues of `name` taken out (「咨询下服务外包政策」 without its generic topic: 「咨询下」)."""
    return _patterns()[name].sub("", text or "")


# The words that say what a question asks (whom, what materials, how much, when, which measures), not which measure
# it is about: a catalogue search without them (「出口信用保线 找哪个单位办」: 单位 is in a Wuhan measure's text too).
ASKING_WORDS = ("contact", "materials", "timing", "procedure", "amount", "official", "validity", "where_text",
                "why_not_listed", "which_measures", "preamble", "content", "content_defines", "support_words",
                "asking_fillers", "document_words")


@functools.lru_cache(maxsize=1)
def _asking_words() -> tuple[str, ...]:
    data = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    return tuple(sorted({w for name in ASKING_WORDS for w in data[name]}, key=len, reverse=True))


def without_asking(text: str) -> str:
    """The text with the words that ask blanked out (offsets kept), for finding the measure a question is about.
    Every occurrence of every word, overlaps included: 「找哪个单位」 holds both 找哪 and 哪个单位."""
    text = text or ""
    lowered, blank = text.lower(), [False] * len(text)
    for word in _asking_words():
        start = lowered.find(word.lower())
        while start >= 0:
            blank[start:start + len(word)] = [True] * len(word)
            start = lowered.find(word.lower(), start + 1)
    return "".join(" " if b else c for c, b in zip(text, blank))


def term_explanation(text: str) -> str | None:
    """The response explaining a term the text names (「啥是KPO」 → utter_explain_kpo), first match wins."""
    return term_question(text) or _first(grammar.valued("explain.terms", re.IGNORECASE), text)


def term_explanations(text: str) -> list[str]:
    """Every term the text names, in the order it names them (「ITO BPO KPO到底啥区别」 → all three), at most four."""
    question = term_question(text)
    if question:
        return [question]
    found = sorted((m.start(), response) for pattern, response, _ in grammar.valued("explain.terms", re.IGNORECASE)
                   for m in [pattern.search(text or "")] if m)
    return list(dict.fromkeys(response for _, response in found))[:4]


def term_question(text: str) -> str | None:
    """The response for a question only a term's definition answers (「中小企业按什么标准算」), or None."""
    return _first(grammar.valued("explain.questions", re.IGNORECASE), text)


def _first(rules, text: str) -> str | None:
    return next((response for pattern, response, _ in rules if pattern.search(text or "")), None)


def bodies_named(text: str) -> list[str]:
    """The departments a question names (「这事是找司法局还是商务局」), in order, once each."""
    return list(dict.fromkeys(m.group() for m in grammar.pattern("guards.bodies_named").finditer(text or "")))
