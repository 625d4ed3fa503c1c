"""Employee counts in Chinese text: 350人, 三百五十人, 两百多名员工, 1.2万人, 员工200, and 口语:
五十来号人 → 50, 一百出头 → 100, 两三百人 → 250, 十几个人 → 15, 200到300人 → 250.

Approximate words keep the stated figure (多/来/出头/左右 → the number itself); a range of two neighbouring
figures (两三百) gives its middle. Vague amounts with no figure (几十, 几百) give nothing: better asked again.
"""
from __future__ import annotations

import re

import cn2an

from bot.nlu import grammar


def _words(name: str) -> str:
    return grammar.expand(grammar.entry(f"numbers.{name}"))


_DIGITS = "零〇一二两三四五六七八九"
_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# 1.2k, 3w: a Latin unit letter after digits (grammar.yml numbers.latin_units), read as its Chinese unit
_LATIN_UNITS: dict = grammar.entry("numbers.latin_units")
_LATIN = "|".join(re.escape(k) for k in _LATIN_UNITS)
_NUM = rf"(?:[0-9０-９.．]+(?:{_LATIN})(?![A-Za-z])|[0-9０-９.．零〇一二两三四五六七八九十百千万]+)"
# 两三百 / 三五十 / 七八千 (and 两三百多)
_RANGE_CN = rf"[{_DIGITS[2:]}][{_DIGITS[2:]}][十百千万]"
_RANGE_LINK = _words("range_link")  # 200到300
_RANGE_AR = rf"\d+{_RANGE_LINK}\d+"
_TEEN = r"(?<![零〇一二两三四五六七八九十百千万])(?:十几|十多)"
_TENS_FEW = rf"[{_DIGITS[2:]}]十几|[{_DIGITS[2:]}]十多|[{_DIGITS[1:]}]?百把|[{_DIGITS[1:]}]?千把"  # 三十几 → 30, 百把 → 100
_RANGE_SMALL = rf"[{_DIGITS[2:]}][{_DIGITS[2:]}](?=\s*(?:{_words('classifiers')}))"  # 五六个人 → 5, not 56
_FULL_FEW = rf"[{_DIGITS[1:]}][{_DIGITS}十百千万]*[百千万][{_DIGITS}]*十(?:几|多)"  # 两百一十几 → 210
_FIGURE = rf"(?:{_FULL_FEW}|{_RANGE_AR}|{_RANGE_CN}|{_TENS_FEW}|{_TEEN}|{_RANGE_SMALL}|{_NUM})"
_APPROX = rf"(?:{_words('approximate')})?"
_PERSON = _words("person")
# A figure followed by 人/名/位 (号人, 来号人), or 员工/人数 followed by a figure; not 几十 (vague).
_AFTER = re.compile(rf"(?<![几数])({_FIGURE})\s*{_APPROX}\s*{_PERSON}")
_BEFORE = re.compile(rf"(?:{_words('headcount_nouns')})(?:{_words('headcount_links')})?"
                     rf"\s*(?![几数])({_FIGURE})\s*{_APPROX}" + _words("after_headcount"))  # not 「员工一项」
# A bare answer to 「大约有多少名员工？」: 一百出头, 两三百, 大概80, 五十来个
_BARE = re.compile(rf"^(?:{_words('bare_count_leads')})*\s*({_FIGURE})\s*{_APPROX}"
                   + _words("bare_count_tail"))


def to_int(numeral: str) -> int | None:
    """One figure as an integer: 350, 三百五十, 1.2万, 两三百 (→ 250), 十几 (→ 15), 200到300 (→ 250)."""
    text = numeral.strip().translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    text = re.sub(rf"(?<=\d)(?:{_LATIN})$", lambda m: _LATIN_UNITS[m.group()], text)
    if text in ("十几", "十多"):
        return 15
    if text in ("百", "千"):  # 百来号人, 千把人: one hundred, one thousand
        return 100 if text == "百" else 1000
    few = re.fullmatch(rf"([{_DIGITS[1:]}]?)(十几|十多|百把|千把)", text)
    if few:
        unit = {"十": 10, "百": 100, "千": 1000}[few.group(2)[0]]
        return (_CN[few.group(1)] if few.group(1) else 1) * unit
    if re.fullmatch(_FULL_FEW, text):
        return to_int(text[:-1])  # the figure said, as with 多/来 (「两百一十几」 → 210)
    ar = re.fullmatch(rf"(\d+){_RANGE_LINK}(\d+)", text)
    if ar:
        low, high = int(ar.group(1)), int(ar.group(2))
        return (low + high) // 2 if 0 < low <= high else None
    cn = re.fullmatch(rf"([{_DIGITS[2:]}])([{_DIGITS[2:]}])([十百千万])", text)
    if cn and _CN[cn.group(2)] > _CN[cn.group(1)]:
        return (_CN[cn.group(1)] + _CN[cn.group(2)]) * _UNITS[cn.group(3)] // 2
    small = re.fullmatch(rf"([{_DIGITS[2:]}])([{_DIGITS[2:]}])", text)
    if small and _CN[small.group(2)] == _CN[small.group(1)] + 1:
        return _CN[small.group(1)]  # 五六个人: the lower figure (a range, not 56)
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if value and value > 0 else None


# Counts that are not the firm's head count: people it trains or serves (「一年能培训四五百人」), a group of its staff
# named by their role (「两位主管是新加坡籍」).
_OTHERS_BEFORE = re.compile(f"(?:{_words('not_headcount_before')})[^，。；,;\\d]{{0,8}}$")
# 「2个 Arab 翻译」「3名韩国籍人」「3 of us are 外籍人员」
_ROLE_AFTER = re.compile(f"^\\s*(?:[A-Za-z]+\\s*){{0,3}}(?:{_words('staff_roles')}|{_words('nationals')})")
_PER_PERSON = re.compile(_words("per_person_after"))  # 「一个人能补贴好多钱」: an amount per person
_NOW_BEFORE = re.compile(f"(?:{_words('headcount_now_before')})\\s*$")  # 「扩招了 现在是95个人」
_OFFICE_COUNT_BEFORE = re.compile(_words("office_count_before"))
_NATIONALS_BEFORE = re.compile(f"(?:{_words('nationals_before')})[^，。；,;\\d]{{0,8}}$")  # 「日籍的现在是2名」
_LEFT_AFTER = re.compile(f"^[^，。；,;]{{0,10}}?(?:{_words('left_after')})")  # 「有一位上个月回国了」
_PARTS_OPEN = re.compile(f"(?:{_words('parts_open')})")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_ROLE_BEFORE = re.compile(f"(?:{_words('staff_roles')}|{_words('nationals')})\\s*$")  # 「外籍管理人员3名」「韩国人3个」


# A bare 「十一个」「是53个」 counts heads when the message speaks of the head count (「人不多」「人数…」).
_BARE_IN_CONTEXT = re.compile(_words("bare_in_context_before") + rf"({_FIGURE})\s*{_APPROX}"
                              + _words("bare_in_context_after"))
_HEADCOUNT_CONTEXT = re.compile(f"(?:{_words('headcount_context')})")


def find_employee_counts(text: str) -> list[tuple[int, int, int]]:
    """(start, end, count) for each employee count, the span covering the figure only."""
    found: dict[int, tuple[int, int, int]] = {}
    patterns = [_AFTER, _BEFORE]
    if _HEADCOUNT_CONTEXT.search(text):
        patterns.append(_BARE_IN_CONTEXT)
    for pattern in patterns:
        for match in pattern.finditer(text):
            value = to_int(match.group(1))
            if value is None or match.start(1) in found:
                continue
            before = text[max(0, match.start(1) - 14):match.start(1)]
            others = (_OTHERS_BEFORE.search(before) and not _NOW_BEFORE.search(before)) or _OFFICE_COUNT_BEFORE.search(before) \
                or _NATIONALS_BEFORE.search(before) or _LEFT_AFTER.match(text[match.end():])
            if others or _PER_PERSON.match(text[match.start(1):][len(match.group(1)):]) \
                    or (pattern is not _BEFORE and (
                    _ROLE_AFTER.match(text[match.end():]) or _ROLE_BEFORE.search(before))):
                continue
            found[match.start(1)] = (match.start(1), match.end(1), value)
    return _without_parts(text, sorted(found.values()))


def _without_parts(text: str, counts: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """「员工360人，其中标注团队280人，研发团队60人」: the counts after 其中 in a head count's sentence are its parts."""
    kept: list[tuple[int, int, int]] = []
    for start, end, value in counts:
        sentence = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
        opens = [m.start() for m in _PARTS_OPEN.finditer(text, sentence, start)]
        if opens and any(sentence <= s < opens[0] for s, _, _ in kept):
            continue
        kept.append((start, end, value))
    return kept


def bare_count(text: str) -> int | None:
    """The answer to the employee question when it is only a figure (一百出头, 两三百, 80)."""
    counts = find_employee_counts(text)
    if counts:
        return counts[0][2]
    match = _BARE.match(text.strip())
    return to_int(match.group(1)) if match else None
