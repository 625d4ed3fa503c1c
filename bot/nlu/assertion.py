"""How a sentence holds a fact: stated, or unsure. One algorithm, its words in bot/nlu/lexicon/assertion.yml.

NegEx-style: a cue reaches the facts of its own clause (split by punctuation, spaces between words and
terminators such as 但是/其他) that stand next to it — after it (「不确定有没有外资」) or before it
(「上市这块不清楚」) — with only connectors and at most `reach` other characters between; a list joined by
connectors is reached as a whole (「外资和技术先进型这两项我不清楚」). Phrases that contain a cue but doubt
something else (「不知道能享受哪些」) are masked first. Pure Python: the extractor and the checklist share it.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import yaml

LEXICON = Path(__file__).with_name("lexicon") / "assertion.yml"
_BREAK = r"[，。；！？,.;!?\n：:（）()]|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])"
# Where a clause ends: punctuation, or a space the firm typed between Chinese words (WeCom style).
CLAUSE_BREAK = re.compile(_BREAK)


@dataclass(frozen=True)
class Lexicon:
    uncertain: re.Pattern
    not_uncertain: re.Pattern
    boundary: re.Pattern
    connectors: re.Pattern
    list_words: re.Pattern
    reach: int
    past: re.Pattern
    not_past: re.Pattern
    now_gone: re.Pattern
    now_still: re.Pattern
    planned: re.Pattern
    founding: re.Pattern
    hypothetical: re.Pattern
    not_hypothetical: re.Pattern
    plans_count_for: frozenset
    asked_after: re.Pattern
    asked_before: re.Pattern
    plan_denied: re.Pattern
    past_applies_to: frozenset
    expired: re.Pattern
    expired_applies_to: frozenset


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    return Lexicon(
        # A listed cue, or a deferral built of a modal, an adverb and a verb of checking (「需要再确认」「得回去核实」).
        uncertain=re.compile("|".join([_alternation(data["uncertain"]), *data.get("uncertain_constructions", [])]),
                             re.IGNORECASE),
        not_uncertain=re.compile(_alternation(data["not_uncertain"]), re.IGNORECASE),
        boundary=re.compile(f"{_BREAK}|{_alternation(data['terminators'])}"),
        connectors=re.compile(_alternation(data["connectors"])),
        list_words=re.compile(_alternation(data["list_words"])),
        reach=int(data.get("reach", 3)),
        past=re.compile(_alternation(data["past"])),
        not_past=re.compile(_alternation(data["not_past"])),
        now_gone=re.compile(_alternation(data["now_gone"])),
        now_still=re.compile(_alternation(data["now_still"])),
        planned=re.compile(_alternation(data["planned"])),
        founding=re.compile(_alternation(data["founding"]), re.IGNORECASE),
        hypothetical=re.compile(_alternation(data["hypothetical"])),
        not_hypothetical=re.compile(_alternation(data["not_hypothetical"])),
        plans_count_for=frozenset(data["plans_count_for"]),
        asked_after=re.compile(_alternation(data["asked_after"])),
        asked_before=re.compile(_alternation(data["asked_before"])),
        plan_denied=re.compile(_alternation(data["plan_denied"])),
        past_applies_to=frozenset(data["past_applies_to"]),
        expired=re.compile(_alternation(data["expired"])),
        expired_applies_to=frozenset(data["expired_applies_to"]),
    )


def _masked(text: str, pattern: re.Pattern) -> str:
    """The text with every match of `pattern` blanked, offsets kept."""
    return pattern.sub(lambda m: "\0" * len(m.group()), text)


def _clauses(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in lexicon().boundary.finditer(text):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def _joins(gap: str) -> bool:
    """Only connectors and a few other characters between a cue and a fact: the cue reaches it."""
    return len(lexicon().connectors.sub("", gap)) <= lexicon().reach


def _listed(gap: str) -> bool:
    """Two facts of one list: a list word between them (和、及…) and nothing else of substance."""
    return bool(lexicon().list_words.search(gap)) and len(lexicon().connectors.sub("", gap)) <= 1


def uncertain_cues(text: str) -> list[tuple[int, int]]:
    """Where the text says the firm does not know (「不清楚」「要问财务」), as (start, end)."""
    lex = lexicon()
    return [(m.start(), m.end()) for m in lex.uncertain.finditer(_masked(text or "", lex.not_uncertain))]


def mask_uncertain(text: str) -> str:
    """The text with its uncertainty cues blanked (offsets kept): the 不 of 「不清楚」 negates nothing."""
    chars = list(text or "")
    for start, end in uncertain_cues(text):
        chars[start:end] = "\0" * (end - start)
    return "".join(chars)


def is_unsure(text: str) -> bool:
    return bool(uncertain_cues(text))


def _reached(text: str, spans: Sequence[tuple[int, int]], cues: list[tuple[int, int]],
             forward_only: bool = False, backward_only: bool = False) -> set[int]:
    """The indexes of `spans` that one of the cues reaches (next to it in its clause, or across a list)."""
    if not cues or not spans:
        return set()
    reached: set[int] = set()
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    for clause_start, clause_end in _clauses(text):
        inside = [i for i in order if clause_start <= spans[i][0] and spans[i][1] <= clause_end]
        for cue_start, cue_end in cues:
            if not (clause_start <= cue_start < clause_end) or not inside:
                continue
            hit: set[int] = set()
            before = [i for i in inside if spans[i][1] <= cue_start]
            after = [i for i in inside if spans[i][0] >= cue_end]
            # the facts just before the cue, walking back along the list
            if before and not forward_only and _joins(text[spans[before[-1]][1]:cue_start]):
                hit.add(before[-1])
                for prev, nxt in zip(reversed(before[:-1]), reversed(before[1:])):
                    if not _listed(text[spans[prev][1]:spans[nxt][0]]):
                        break
                    hit.add(prev)
            # the facts just after it (「不确定有没有外籍员工」), walking on along the list
            if after and not backward_only and _joins(text[cue_end:spans[after[0]][0]]):
                hit.add(after[0])
                for prev, nxt in zip(after[:-1], after[1:]):
                    if not _listed(text[spans[prev][1]:spans[nxt][0]]):
                        break
                    hit.add(nxt)
            # Two readings of the same words (「外商独资企业」 and 「外商独资」) are reached together — except a fact whose
            # own words hold the cue (「首次开拓海外市场」 holds 开拓: part of its name, no plan of it).
            hit |= {i for i in inside for j in hit if spans[i][0] < spans[j][1] and spans[j][0] < spans[i][1]}
            reached |= {i for i in hit if not (spans[i][0] <= cue_start and cue_end <= spans[i][1])}
    return reached


def _cues(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def unsure_spans(text: str, spans: Sequence[tuple[int, int]]) -> set[int]:
    """The indexes of `spans` (facts named in `text`) that an uncertainty cue reaches."""
    return _reached(text, spans, uncertain_cues(text))


STATED, GONE, UNSTATED = "stated", "gone", "unstated"


def supposed_spans(text: str, spans: Sequence[tuple[int, int]]) -> set[int]:
    """The indexes of `spans` that a hypothetical cue before them in their clause reaches (「假如明年接海外的单子」)."""
    lex = lexicon()
    said = mask_uncertain(text)
    hypothetical = _cues(lex.hypothetical, _masked(said, lex.not_hypothetical))
    return {i for i, (start, _) in enumerate(spans) if _after_in_sentence(said, hypothetical, start)}


SENTENCE_END = re.compile(r"[。！!？?；;]")


def _after_in_sentence(text: str, cues: list[tuple[int, int]], start: int) -> bool:
    """Does one of the cues stand before `start` in the same sentence? A supposition reaches its consequence:
    「要是下半年我们被一家德国公司收购了 变成外资企业 能多出什么政策来」."""
    return any(cue_end <= start and not SENTENCE_END.search(text, cue_end, start) for _, cue_end in cues)


def _after_in_clause(text: str, cues: list[tuple[int, int]], start: int) -> bool:
    """Does one of the cues stand before `start` in the same clause?"""
    return any(cue_end <= start and not CLAUSE_BREAK.search(text, cue_end, start) for _, cue_end in cues)


def modality(text: str, spans: Sequence[tuple[int, int]], fields: Sequence[str]) -> list[str]:
    """For each fact (span, field): `stated` (true of the firm today as far as the words go), `gone` (had it, not
    any more: a no) or `unstated` (a plan, a past without today, a hypothetical: says nothing of today)."""
    lex = lexicon()
    out = [STATED] * len(spans)
    said = mask_uncertain(text)
    # A hypothetical reaches every fact after it in its clause (「要是把执照迁到东湖高新」); a plan reaches the facts next
    # to it (「打算引进外资」), and a place anywhere after it in its clause (「计划明年在宁波慈溪设立子公司」).
    hypothetical = _cues(lex.hypothetical, _masked(said, lex.not_hypothetical))
    planned = _cues(lex.planned, said)
    for i, (start, _) in enumerate(spans):
        if _after_in_sentence(said, hypothetical, start) or (fields[i] == "city" and _after_in_clause(said, planned, start)):
            out[i] = UNSTATED
    for i in _reached(said, spans, planned, forward_only=True):
        if fields[i] not in lex.plans_count_for:
            out[i] = UNSTATED
    # What a planned founding sets up is planned too (「我们 plan 明年在武汉设一个 WFOE」).
    founded = [cue for cue in _cues(lex.founding, said) if _after_in_clause(said, planned, cue[0])]
    for i in _reached(said, spans, founded, forward_only=True):
        if fields[i] not in lex.plans_count_for:
            out[i] = UNSTATED
    # 「那个外资企业的政策能享受吗」「武汉的政策我们能用吗」: named in a question about its measure, not stated.
    for i in _reached(said, spans, _cues(lex.asked_after, said), backward_only=True):
        out[i] = UNSTATED
    # 「有没有国外的单子我要问下业务部」: a fact inside an A-not-A question is asked (reported or not), not stated.
    for i in _reached(said, spans, _cues(lex.asked_before, said), forward_only=True):
        out[i] = UNSTATED
    # The past reaches every fact after it in its clause (「以前有给韩国那边公司做离岸的单子」), for what the firm does.
    past = _cues(lex.past, _masked(said, lex.not_past))
    past_after = set(_reached(said, spans, past, backward_only=True))  # 「美国客户以前有」: the cue follows the fact
    for i, (start, end) in enumerate(spans):
        if fields[i] not in lex.past_applies_to or not (_after_in_clause(said, past, start) or i in past_after):
            continue
        later = said[end:]
        if lex.now_still.search(later):
            continue
        out[i] = GONE if lex.now_gone.search(later) else UNSTATED
    # A status that lapsed after it in its sentence (「技术先进型去年过期了」): held once, a no today.
    for i, (_, end) in enumerate(spans):
        if fields[i] in lex.expired_applies_to and lex.expired.search(SENTENCE_END.split(said[end:], 1)[0]):
            out[i] = GONE
    return out


def planned_count(text: str, span: tuple[int, int], field: str) -> bool:
    """Is the fact a plan that counts as the fact (「明年打算在迪拜开个办事处」 for overseas_expansion)? Then a 「现在还没开」
    after it is the plan's not-yet, no denial."""
    lex = lexicon()
    if field not in lex.plans_count_for:
        return False
    said = mask_uncertain(text)
    if lex.plan_denied.search(SENTENCE_END.split(said[span[1]:], 1)[0]):
        return False  # 「也不是不想招外国设计师 就是现在一个都没有 也没这个计划」: a wish, and no plan
    cues = _cues(lex.planned, said)
    return bool(_reached(said, [span], cues, forward_only=True)) or _after_in_clause(said, cues, span[0])


def past_answer(text: str, field: str) -> str | None:
    """An answer to a yes/no question about `field` that names no fact, only a time: 「疫情那年以后就断了」 → "gone"
    (a no today), 「以前日本的单子很多的」 → "past" (says nothing of today), else None."""
    lex = lexicon()
    said = mask_uncertain(text)
    if field in lex.expired_applies_to and lex.expired.search(said):
        return "gone"  # 「去年已经过期了」 at the 技术先进型 question
    if field not in lex.past_applies_to:
        return None
    if lex.now_still.search(said):
        return None
    if lex.now_gone.search(said):
        return "gone"
    return "past" if _cues(lex.past, _masked(said, lex.not_past)) else None


def settled_later(text: str, end: int) -> bool:
    """Does the rest of the message settle a fact as not (yet) true: 「…项目在谈，还没签下来」「…现在没了」?"""
    lex = lexicon()
    rest = text[end:]
    return bool(lex.planned.search(rest) or lex.now_gone.search(rest))
