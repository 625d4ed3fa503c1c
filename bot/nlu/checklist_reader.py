"""How a firm answers the numbered checklist (「1 3」「第2项不清楚，其他都没有」「除了上市，其他都有」). Pure.

The words are data: bot/nlu/lexicon/checklist.yml (answers) and lexicon/grammar.yml `checklist` (numbers in
words). actions/checklist.py asks the question and hands the answer here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from bot.nlu import grammar
from bot.nlu.assertion import is_unsure
from bot.nlu.numbers import find_employee_counts
from bot.nlu.phrases import APPLIED_FOR, DOUBLE_NEGATIVE, pending_application, someone_elses_spans

_WORDS = yaml.safe_load((Path(__file__).with_name("lexicon") / "checklist.yml").read_text(encoding="utf-8"))


def _alternation(key: str) -> str:
    return "|".join(re.escape(w) for w in sorted(_WORDS[key], key=len, reverse=True))


_NONE_APPLY = re.compile(_alternation("none_apply"))
_NEGATIVE = re.compile(_alternation("negative"))
_ALL_APPLY = re.compile(_alternation("all_apply"))
_OTHERS_NO = re.compile(f"(?:{_alternation('others')})[^，。；,;]{{0,3}}" + grammar.expand(grammar.entry("checklist.others_no")))
_OTHERS = re.compile(_alternation("rest"))
_OTHERS_WORD = re.compile(_alternation("others"))
_LIST_TALK = re.compile(_alternation("list_talk"))
_BLANKET = re.compile(f"{_alternation('none_apply')}|{_alternation('all_apply')}|{_alternation('negative')}")
_ONLY = re.compile(f"{_alternation('only')}|{grammar.expand(grammar.entry('checklist.only_start'))}")
_EXCEPT = re.compile(_alternation("except"))  # 「除了上市，其他都有」: what follows 除了 is ruled out
# Clauses: punctuation, and before 其他/其余/别的 (「综保区那个是 其他应该都没有」). Not at every space: 「第2项 不清楚」
# is one answer about item 2.
_ITEM_NOUNS = grammar.expand(grammar.entry("checklist.item_nouns"))  # 「其他那几项」 is no clause about the rest
_CLAUSE_START = grammar.expand(grammar.entry("checklist.clause_start"))
# (and at a space after a blanket no: 「这几个都没有 技术先进型那个我不确定」 is a no to the list, then an unsure item)
_AFTER_BLANKET_NO = "|".join(f"(?<={re.escape(w)})" for w in _WORDS["none_apply"])
_CLAUSES = re.compile(rf"[，,；;。！!]|(?:{_AFTER_BLANKET_NO})\s+|"
                      rf"\s*(?=(?:{_alternation('others')}|{_CLAUSE_START})(?![^，,；;。！!]*(?:{_ITEM_NOUNS})))")
# Short words that name a listed circumstance (bot/nlu/lexicon/checklist.yml `items`).
ITEM_WORDS = {name: "|".join(re.escape(w) for w in words) for name, words in _WORDS["items"].items()}
_ITEM_WORDS = {name: re.compile(words, re.IGNORECASE) for name, words in ITEM_WORDS.items()}
_CN_DIGITS: Dict[str, int] = grammar.entry("checklist.digits")
_ORDINAL = grammar.pattern("checklist.ordinal")  # 第二项
_COUNTED = grammar.pattern("checklist.counted")  # 「三项都有」, not 「这一项」
_REST_WORDS = grammar.pattern("checklist.rest_words")
_NOT_ITEM_NUMBER = grammar.pattern("checklist.not_item_number", re.IGNORECASE)  # 100%, 3 of us, 两年


def without_list_talk(text: str) -> str:
    """The text without its yes/no words and the words a list answer is made of (checklist.yml)."""
    return _LIST_TALK.sub("", _BLANKET.sub("", text))


def _about_the_list(clause: str, yes: bool = False) -> bool:
    """A blanket yes or no is the list's only when the clause holds nothing else (「其他都没有」, not 「单子都是本地的」).
    A no may keep a word or two of talk the list does not know; a yes may not (「都是国内的」 is the clients, and a wrong
    yes costs most)."""
    return len(re.sub(r"[\W\d_]", "", without_list_talk(clause))) <= (1 if yes else 3)


def blanket_answer(text: str) -> Optional[bool]:
    """「全部不符合」「以上都有」: a whole message that answers a list at once (False / True), else None."""
    text = (text or "").strip()
    if _NONE_APPLY.search(text) and _about_the_list(text):
        return False
    if _ALL_APPLY.search(text) and not _NEGATIVE.search(text) and _about_the_list(text, yes=True):
        return True
    return None


def speaks_for_the_list(text: str) -> bool:
    """「外国人那个有 别的没有」「都没有」「以上都有」: words that answer a whole list or its rest."""
    return bool(_OTHERS_NO.search(text or "") or _NONE_APPLY.search(text or "") or _ALL_APPLY.search(text or ""))


def opening_blanket_no(text: str) -> Optional[str]:
    """「啥也没有 就是正经接电话的」: a message that opens with a no about the whole list, then says something else of
    the firm; the rest of the message (to check it asks nothing), or None when it opens otherwise."""
    match = _NONE_APPLY.match((text or "").strip())
    return (text or "").strip()[match.end():] if match else None


def _between_items(text: str) -> str:
    """The text with a comma for each space between two parts that both name a circumstance, or one that names one
    and one about the rest (「第2项 不清楚」, where the second part names none, stays one answer)."""
    parts = re.split(r"(\s+)", text)
    names = [bool(p.strip()) and any(w.search(p) for w in _ITEM_WORDS.values()) for p in parts]
    for i in range(1, len(parts) - 1, 2):
        if names[i - 1] and (names[i + 1] or _OTHERS_WORD.match(parts[i + 1])):  # 「准备上市 其他几条都没有」
            parts[i] = "，"
    return "".join(parts)


def _after_others(clause: str) -> str:
    """The part of a 除了… clause that speaks of the rest (「除了上市没有，其他都有」 → 「其他都有」)."""
    starts = [m.start() for m in _OTHERS_WORD.finditer(clause)]
    return clause[max(starts):] if starts else clause



@dataclass
class ChecklistAnswer:
    values: Dict[str, bool] = field(default_factory=dict)
    unknown: List[str] = field(default_factory=list)


def _numbers(text: str, count: int) -> set[int]:
    found = {int(n) for n in re.findall(r"\d+", text)}
    found |= {_CN_DIGITS[c] for c in _ORDINAL.findall(text)}
    # 「三项都有」 counts items but 「这一项」「就外籍员工一项」 names none: a Chinese numeral needs 第 (or 项 after a list).
    found |= {_CN_DIGITS[c] for c in _COUNTED.findall(text)}
    return {n for n in found if 1 <= n <= count}


def _blanket_head(clause: str) -> bool:
    """Does the clause open with a blanket no about the list, before the first circumstance it names?"""
    starts = [m.start() for words in _ITEM_WORDS.values() for m in [words.search(clause)] if m]  # offered or not
    head = clause[:min(starts)] if starts else ""
    return bool(head and _NONE_APPLY.search(head) and _about_the_list(head))


def _pending(name: str, clause: str, text: str) -> bool:
    """「示范机构还在申报中，没批」: a certification named while still being applied for is not held."""
    found = _ITEM_WORDS[name].search(clause) if name in APPLIED_FOR else None
    at = text.find(clause)
    return bool(found and at >= 0 and pending_application(text[at + found.end():]))


def read_answer(text: str, intent: Optional[str], entities: List[Dict[str, Any]],
                offered: List[str]) -> Optional[ChecklistAnswer]:
    """The firm's answer to the listed circumstances, or None when nothing in it could be understood.

    Clause by clause: numbers alone choose items ("1 3"); numbers with 不清楚 leave them unknown ("第2项不清楚");
    numbers with a negation rule them out; a clause without numbers sets the rest ("其他不清楚", "都没有",
    "都符合"). Circumstances named in words (entities) count as said. Anything not mentioned does not apply —
    except when the message only says which items are unclear: then the others stay open."""
    text = text or ""
    # 「培训这项有 示范机构那个不确定 其他都没有」: a space between two parts that each name an item parts two answers.
    text = _between_items(text)
    # A head count or a share is no item number (「Team of 45 people, 3 of us are foreigners」 chose items 3).
    for start, end, _ in find_employee_counts(text):
        text = text[:start] + " " * (end - start) + text[end:]
    text = _NOT_ITEM_NUMBER.sub(lambda m: " " * len(m.group()), text)
    # What is said of a parent company (「母公司在香港是行业龙头，但杭州这间…不算龙头」) answers nothing for the firm.
    for start, end in someone_elses_spans(text):
        text = text[:start] + " " * (end - start) + text[end:]
    # Items the firm is unsure of (the extractor's `unsure` entities, 「外资和技术先进型这两项我不清楚」) stay unknown,
    # whatever the rest of the message says of the others.
    unsure_named = {e.get("value") for e in entities if e.get("entity") == "unsure" and e.get("value") in offered}
    excepted = [(m.start(), _CLAUSES.search(text, m.end()).start() if _CLAUSES.search(text, m.end()) else len(text))
                for m in _EXCEPT.finditer(text)]
    explicit = {}
    for e in entities:
        if e.get("entity") in offered and isinstance(e.get("value"), bool):
            inside_except = any(a <= e.get("start", -1) < b for a, b in excepted)
            explicit[e["entity"]] = bool(_OTHERS_NO.search(text)) if inside_except else e["value"]
    rest: Optional[str] = None  # what the unmentioned items are: "unknown" | "false" | "true"
    naming: set[int] = set()  # clauses that name items: their negation is theirs, not the rest's (「上市没有」)
    for index, clause in enumerate(_CLAUSES.split(text)):
        if _numbers(clause, len(offered)) or is_unsure(clause):
            if is_unsure(clause) and not _OTHERS.search(clause):
                # (not an item the reader found a plain answer for: 「外籍人才还不确定 上市暂时没有」 says no to 上市)
                unsure_named.update(n for n in offered if n in _ITEM_WORDS and _ITEM_WORDS[n].search(clause)
                                    and n not in explicit)
            continue
        if any(_ITEM_WORDS[n].search(clause) for n in offered if n in _ITEM_WORDS) and not _OTHERS.search(clause):
            naming.add(index)
        except_at = _EXCEPT.search(clause)
        named = [n for n in offered if n not in explicit and n in _ITEM_WORDS
                 and _ITEM_WORDS[n].search(clause[except_at.end():] if except_at else clause)]
        others = [n for n in _ITEM_WORDS if n not in offered and _ITEM_WORDS[n].search(clause)]
        if not named and _ONLY.search(clause) and not _NEGATIVE.search(clause) and others and _about_the_list(
                _ONLY.sub("", re.sub("|".join(ITEM_WORDS[n] for n in others), "", clause))):
            # 「只有培训这项」 of a circumstance already known: none of the listed ones applies.
            rest = "false"
        if except_at:
            # 「除了上市，其他都有」: 上市 does not apply; 「除了外籍建筑师，其余没有」: it is the one that does.
            explicit.update({n: bool(_OTHERS_NO.search(text)) for n in named})
        elif len(named) == 1 or (named and not _ALL_APPLY.search(clause)):
            negative = bool(_NEGATIVE.search(clause)) and not DOUBLE_NEGATIVE.search(clause)
            explicit.update({n: not negative and not _pending(n, clause, text) for n in named})
    chosen: set[int] = set()
    generic_unsure = False
    loose_no = False
    unknown: set[int] = set()
    ruled_out: set[int] = set()
    for index, clause in enumerate(_CLAUSES.split(text)):
        numbers = _numbers(clause, len(offered))
        if index in naming:
            if _blanket_head(clause):
                rest = "false"  # 「这些我们都没有 也不是金融机构」
            continue
        if _EXCEPT.search(clause):
            ruled_out |= numbers
            if _ALL_APPLY.search(clause) or _REST_WORDS.search(clause):
                rest = "true" if not _NEGATIVE.search(_after_others(clause)) else "false"
        elif is_unsure(clause):
            unknown |= numbers
            names_items = any(_ITEM_WORDS[n].search(clause) for n in offered if n in _ITEM_WORDS)
            if _OTHERS.search(clause) and not numbers:
                rest = "unknown"  # 「其他不清楚」
            elif not numbers and not names_items:
                generic_unsure = True  # 「要问财务」: of the items named unsure, or of all when none is
        elif _NONE_APPLY.search(clause) or _NEGATIVE.search(clause):
            ruled_out |= numbers
            # (a blanket no that opens the answer is the list's, whatever follows: 「啥也没有 就是正经接电话的」; so is
            # one about the list before the first item named: 「这些我们都没有 也不是金融机构」)
            about = _about_the_list(clause) or bool(_NONE_APPLY.match(clause.strip())) or _blanket_head(clause)
            rest = rest if numbers or not about else "false"
            # (a no with words the list does not know — 「我们在中国还没有公司」 — may speak of something else)
            loose_no = loose_no or (about and not numbers and bool(re.sub(r"[\W\d_]", "", without_list_talk(clause))))
        elif _ALL_APPLY.search(clause):
            rest = "true" if numbers or _about_the_list(clause, yes=True) else rest
        else:
            chosen |= numbers
    for name in unsure_named:
        explicit.pop(name, None)
    unknown |= {number for number, name in enumerate(offered, 1) if name in unsure_named}
    if rest is None and intent == "deny":
        rest = "false"
    if (rest is None or (rest == "false" and loose_no)) and (intent == "dont_know" or generic_unsure) and not unknown:
        # 「不清楚」「要问财务」 of the whole list; beside a no that may speak of something else, the unsure decides
        # (「Not sure yet, 我们在中国还没有公司」: a wrong no to every item is no answer).
        rest = "unknown"
    if not (explicit or chosen or unknown or ruled_out or rest):
        return None
    if unknown and not (explicit or chosen or ruled_out or rest):
        # 「上市这项不清楚」 leaves that item unknown and says nothing of the others: they stay open.
        return ChecklistAnswer(unknown=[name for number, name in enumerate(offered, 1) if number in unknown])
    answer = ChecklistAnswer()
    if explicit and not (chosen or unknown or ruled_out or rest) and not any(explicit.values()):
        # 「我们是内资企业」 rules out one item and says nothing of the others: they stay open.
        answer.values = dict(explicit)
        return answer
    for number, name in enumerate(offered, 1):
        if name in explicit:
            answer.values[name] = explicit[name]
        elif number in unknown or (rest == "unknown" and number not in chosen | ruled_out):
            answer.unknown.append(name)
        elif number in ruled_out:
            answer.values[name] = False
        else:
            answer.values[name] = number in chosen or rest == "true"
    return answer
