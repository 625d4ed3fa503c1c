"""Which measure a question is about, when it names none exactly: 「进口研发试剂免许可证找谁办」「零税律」「技术先近型」.

Character bigrams of the question against each measure's title, keywords, summary, benefit and source excerpt,
weighted by how rare a bigram is in the catalogue (idf): words every measure shares (服务, 外包, 企业) weigh
nothing, a typo keeps most of a name's bigrams. Pure; built once per compiled catalogue.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

CJK_OR_WORD = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+")
QUOTED = re.compile(r"“([^”]{1,12})”")  # a named action in an article: “青鸾”行动
TASK_TITLE = re.compile(r"\d+[.．]\s*([\u4e00-\u9fff、]{4,20})")  # 1. 培育数字服务新业态新模式
MIN_SCORE = 5.0  # about two bigrams found in one measure only
CLEAR_MARGIN = 1.5  # the best must lead the next by this factor to be the one meant
TOPIC_SCORE = 3.5  # a topic word shared with a few measures (人才, 设计): enough within the firm's own region


def _bigrams(text: str) -> set[str]:
    out: set[str] = set()
    for run in CJK_OR_WORD.findall(text or ""):
        if run.isascii():
            out.add(run.lower())
        else:
            out |= {run[i:i + 2] for i in range(len(run) - 1)}
    return out


@dataclass(frozen=True)
class Match:
    measure: object
    score: float


def _named_in_section(measure) -> str:
    """The names a measure's article gives it: 「二（一）“青鸾”行动 一是」 → 青鸾; a task title 「三（一）1. 培育数字服务
    新业态新模式」 → the title. Firms ask by these names (青鸾行动是什么), so they count like the measure's own."""
    section = getattr(measure.source, "section", "") or ""
    quoted = QUOTED.findall(section)
    titled = TASK_TITLE.findall(section)
    return " ".join(quoted + titled)


class MeasureIndex:
    def __init__(self, measures: list):
        self.measures = measures
        self.grams = [_bigrams(" ".join([m.title, " ".join(m.keywords), m.summary or "", m.benefit or "",
                                         getattr(m.source, "excerpt", "") or "", _named_in_section(m)]))
                      | _bigrams(m.title) for m in measures]
        df = Counter(g for grams in self.grams for g in grams)
        n = len(measures)
        self.idf = {g: math.log(n / c) for g, c in df.items()}
        self.title_grams = [_bigrams(m.title + " ".join(m.keywords) + " " + _named_in_section(m)) for m in measures]
        # A plan's action named whole (青鸾) is one bigram, yet says which paragraph is meant.
        self.actions = [set(QUOTED.findall(getattr(m.source, "section", "") or "")) for m in measures]
        self.units = _department_names(measures)


    def search(self, question: str, limit: int = 3) -> list[Match]:
        for unit in self.units:
            question = question.replace(unit, " ")
        asked = _bigrams(question)
        scored = []
        for m, grams, title, actions in zip(self.measures, self.grams, self.title_grams, self.actions):
            # a bigram of the title or keywords counts double: the name is what firms half-remember
            score = sum(self.idf.get(g, 0.0) * (2 if g in title else 1) for g in asked & grams)
            score += MIN_SCORE if any(a in question for a in actions if len(a) >= 2) else 0.0
            if score > 0:
                scored.append(Match(m, score))
        scored.sort(key=lambda x: -x.score)
        return scored[:limit]


def _department_names(measures: list) -> list[str]:
    """The departments the measures name, whole and without their region (武汉市商务局 → 商务局), longest first — except
    a name that is part of a measure's own name (海关监管): 「这事是找司法局还是商务局」 asks whom, not which measure."""
    names: set[str] = set()
    for m in measures:
        for contact in getattr(m, "contacts", ()):
            for name in filter(None, (contact.name, contact.listed_as, contact.current_name)):
                names |= {name, re.split(r"[市省]", name)[-1]}
    own = " ".join(m.title + " " + " ".join(m.keywords) for m in measures)
    return sorted((n for n in names if len(n) >= 3 and n not in own), key=len, reverse=True)


def best_matches(index: MeasureIndex, question: str, keep=None) -> list:
    """[the measure] when one clearly fits, up to three when several do about as well, [] when none does.
    `keep` (measure → bool) limits the candidates first, e.g. to the firm's region."""
    found = [m for m in index.search(question, limit=3 if keep is None else 12)
             if m.score >= MIN_SCORE and (keep is None or keep(m.measure))][:3]
    if not found:
        return []
    if len(found) == 1 or found[0].score >= CLEAR_MARGIN * found[1].score:
        return [found[0].measure]
    return [m.measure for m in found if m.score * CLEAR_MARGIN >= found[0].score]


def action_named(index: MeasureIndex, question: str) -> str | None:
    """The plan's action a question names whole (青鸾 in 「青鸾行动是什么」), as the article quotes it; else None."""
    names = {a for actions in index.actions for a in actions if len(a) >= 2}
    return next((a for a in sorted(names, key=len, reverse=True) if a in question), None)


@lru_cache(maxsize=4)
def index_for(compiled) -> MeasureIndex:
    return MeasureIndex(list(compiled.measures))


def topic_matches(index: MeasureIndex, question: str, keep) -> list:
    """A question about a topic rather than one measure (「人才这块找哪个部门」「设计这块归哪个部门管」): the measures
    `keep` allows (the firm's region) that share its words about as well as the best, at most three."""
    found = [m for m in index.search(question, limit=12) if keep(m.measure) and m.score >= TOPIC_SCORE][:3]
    return [m.measure for m in found if m.score * CLEAR_MARGIN >= found[0].score] if found else []
