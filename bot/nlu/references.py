"""Which of the items the assistant just listed a question points back to (「第二个是文件哪一条」 → item 2,
「这两条找谁」 → the first two). Pure; the cue words are bot/nlu/lexicon/grammar.yml's `references`."""
from __future__ import annotations

from typing import Optional

from bot.nlu import grammar
from bot.nlu.assertion import CLAUSE_BREAK, SENTENCE_END

_ORDINAL = grammar.pattern("references.ordinal")
_GROUP = grammar.pattern("references.group")
_LIST_OF_MEASURES = grammar.pattern("references.list_of_measures")
_DEFINED_LIST = grammar.pattern("references.defined_list")
_LIST_JOINS = grammar.pattern("references.list_joins")
_ELLIPSIS = grammar.pattern("references.ellipsis")
_GROUP_LEAD = grammar.pattern("references.group_lead")


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
        before = CLAUSE_BREAK.split(text[:group.start()])[-1]
        if not _GROUP_LEAD.match(before) and len(_LIST_JOINS.split(before)) < 2:
            return None  # 「外籍人才那几条」: a group named by its kind, not by position
        n = _number(group.group(1) or group.group(2))
        return tuple(range(1, n + 1)) if n else None
    return None


def items_named_before(text: str) -> int | None:
    """Where a group reference starts when it closes a list of items named before it (「股权激励和上市这两条」), else
    None: what the list names are measures asked about, not facts stated."""
    group = _LIST_OF_MEASURES.search(text or "")
    return group.start() if group else None


def asked_items(text: str) -> tuple[int, int] | None:
    """(start, end) of the items a message asks about rather than states: a list closed by 「这两条」 (its clause), or
    the words before a definition asked of them (「首创模式 首拓市场 首发新品 这三个怎么界定」: the sentence so far)."""
    closes = items_named_before(text)
    if closes is not None:
        return closes - len(CLAUSE_BREAK.split(text[:closes])[-1]), closes
    defined = _DEFINED_LIST.search(text or "")
    if defined:
        return defined.start() - len(SENTENCE_END.split(text[:defined.start()])[-1]), defined.start()
    return None


def defines_named(text: str) -> bool:
    """「首创模式 首拓市场 首发新品 这三个怎么界定」: a definition asked of the items named before it."""
    defined = _DEFINED_LIST.search(text or "")
    return bool(defined and text[:defined.start()].strip())


def listed_names(text: str) -> list[tuple[int, str]]:
    """The items of a list a group reference closes (「股权激励和上市这两条」 → 股权激励, 上市), with their offsets."""
    closes = items_named_before(text)
    if closes is None:
        return []
    clause = CLAUSE_BREAK.split(text[:closes])[-1]
    opened, items, last = closes - len(clause), [], 0
    for join in [*_LIST_JOINS.finditer(clause), None]:
        end = join.start() if join else len(clause)
        if clause[last:end].strip():
            items.append((opened + last, clause[last:end].strip()))
        last = join.end() if join else last
    return items


def is_ellipsis(text: str) -> bool:
    """「那第二个呢」「那零税率呢」: an item alone with 呢 — the question before, asked of it."""
    return bool(_ELLIPSIS.match((text or "").strip()))
