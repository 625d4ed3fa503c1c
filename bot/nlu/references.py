"""Which of the items the assistant just listed a question points back to (「第二个是文件哪一条」 → item 2,
「这两条找谁」 → the first two). Pure; the cue words are bot/nlu/lexicon/grammar.yml's `references`."""
from __future__ import annotations

from typing import Optional

from bot.nlu import grammar

_ORDINAL = grammar.pattern("references.ordinal")
_GROUP = grammar.pattern("references.group")


def _number(word: str) -> Optional[int]:
    if word.isdigit():
        return int(word)
    return grammar.entry("references.numbers").get(word)


def pointed_items(text: str) -> Optional[tuple[int, ...]]:
    """The 1-based positions the text points to, or None when it points to no listed item."""
    ordinal = _ORDINAL.search(text or "")
    if ordinal:
        n = _number(ordinal.group(1))
        return (n,) if n else None
    group = _GROUP.search(text or "")
    if group:
        n = _number(group.group(1) or group.group(2))
        return tuple(range(1, n + 1)) if n else None
    return None
