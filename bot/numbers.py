"""Employee counts in Chinese text: 350人, 三百五十人, 两百多名员工, 1.2万人, 员工200."""
from __future__ import annotations

import re

import cn2an

_NUM = r"[0-9０-９.．零〇一二两三四五六七八九十百千万]+"
# A number followed by 人/名/位 (optionally 多/余/来 and 员工), or 员工/人数 followed by a number.
_AFTER = re.compile(rf"({_NUM})\s*(?:多|余|来)?\s*(?:个)?(?:人|名|位)(?:员工|职工|雇员)?")
_BEFORE = re.compile(rf"(?:员工|职工|人数|雇员)(?:有|约|大约|大概|共|总共|是)?\s*({_NUM})\s*(?:多|余)?\s*(?:人|名)?")


def to_int(numeral: str) -> int | None:
    text = numeral.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError):
        return None
    return int(value) if value and value > 0 else None


def find_employee_counts(text: str) -> list[tuple[int, int, int]]:
    """(start, end, count) for each employee count, the span covering the number only."""
    found: dict[int, tuple[int, int, int]] = {}
    for pattern in (_AFTER, _BEFORE):
        for match in pattern.finditer(text):
            value = to_int(match.group(1))
            if value is not None and match.start(1) not in found:
                found[match.start(1)] = (match.start(1), match.end(1), value)
    return sorted(found.values())
