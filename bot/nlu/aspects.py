"""What a question asks about, beyond which measure: `aspect` entities from bot/nlu/lexicon/aspects.yml. Pure."""
from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from bot.nlu import grammar

LEXICON = Path(__file__).with_name("lexicon") / "aspects.yml"
ASPECTS = ("official", "where_text", "validity", "applies")
# An aspect that holds only beside other words: whether a document applies is asked of a document.
NEEDS = {"applies": "document_words"}


@functools.lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    data = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    return {key: re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
            for key, words in data.items()}


def aspects(text: str) -> list[dict]:
    """The `aspect` entities of a message: one per aspect named, at its first mention."""
    out = []
    for name in ASPECTS:
        m = _patterns()[name].search(text or "")
        if m and (name not in NEEDS or _patterns()[NEEDS[name]].search(text)):
            out.append({"entity": "aspect", "start": m.start(), "end": m.end(), "value": name})
    return out


def cue(name: str, text: str) -> bool:
    """Does the text hold a cue of `name` (acknowledge, report, or an aspect)?"""
    return bool(_patterns()[name].search(text or ""))


def without(name: str, text: str) -> str:
    """The text with the cues of `name` taken out (「咨询下服务外包政策」 without its generic topic: 「咨询下」)."""
    return _patterns()[name].sub("", text or "")


def term_explanation(text: str) -> str | None:
    """The response explaining a term the text names (「啥是KPO」 → utter_explain_kpo), first match wins."""
    for pattern, response, _ in grammar.valued("explain.terms", re.IGNORECASE):
        if pattern.search(text or ""):
            return response
    return None
