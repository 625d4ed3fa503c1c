"""One multiple-choice question for the firm's yes/no circumstances, instead of one question each.

When the most decisive open question is such a circumstance (foreign investment, foreign talent, listing
plans…) and two or more of them still matter, the form asks the `situations` slot: a numbered list of exactly
the circumstances that still decide something. The firm names or numbers those that apply; the others are
recorded as not applying — unless it says which (or that the rest) are unclear, which leaves them unknown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import policies_db
from bot.nlu.assertion import is_unsure
from bot.nlu.phrases import DOUBLE_NEGATIVE
from policies_db import FIELDS

from .context import as_of, catalogue, profile_from_slots

SITUATIONS = "situations"  # the form slot that stands for the checklist question
OFFERED = "checklist"  # the slot that remembers which circumstances were listed, in their numbered order
# Yes/no circumstances of the firm; offshore/onshore describe its business and keep their own questions.
CHECKLIST_FIELDS = [name for name, spec in FIELDS.items() if spec.kind == "bool" and name not in ("offshore", "onshore")]

_NONE_APPLY = re.compile(r"都没有|都不是|都不符合|均不符合|都不涉及|一个都没有|一项都没有|全都没有|没有符合|都没|皆无|均无|全无|都无"
                         r"|皆不|均不|全部不|一个也没有|一项也没有|够不上|对不上|一条都|一条也|一个没有|一项没有|都不沾")
_NEGATIVE = re.compile(r"没有|不符合|不是|不涉及|没想|不考虑|不打算|没打算|不算|没")
_ALL_APPLY = re.compile(r"都符合|全部符合|都是|都有|全都有|全部都有|都算|都涉及")
_OTHERS_NO = re.compile(r"(?:其他|其余|别的|其它)[^，。；,;]{0,3}(?:都|也)?(?:没有|没|不|无)")
_OTHERS = re.compile(r"其他|其余|别的|都|全|以上|上面")
_ONLY = re.compile(r"只有|只是|只做|仅有|仅|就只|^就")
_EXCEPT = re.compile(r"除了|除去|除开|除")  # 「除了上市，其他都有」: what follows 除了 is ruled out
# Clauses: punctuation, and before 其他/其余/别的 (「综保区那个是 其他应该都没有」). Not at every space: 「第2项 不清楚」
# is one answer about item 2.
_CLAUSES = re.compile(r"[，,；;。！!]|\s*(?=(?:其他|其余|别的|其它|剩下的|另外)(?![^，,；;。！!]*(?:项|条)))")
# Short words that name a listed circumstance: 「只有培训这项」「金融机构那项符合」「上市暂时没想」.
ITEM_WORDS = {
    "foreign_invested": r"外资|外商|合资|独资|台资|港资|美资|日资|韩资|德资|法资|英资",
    "hires_foreign_talent": r"外籍|外国|老外|外教|海外人才|海外专家|海外设计师|海外员工",
    "recruits_senior_talent": r"高级人才|高端人才|紧缺人才|高层次人才|引进人才|人才引进|招人才|博士",
    "provides_training": r"培训",
    "financial_institution": r"金融机构|银行|保险公司|证券|信托",
    "in_bonded_zone": r"综保区|保税区|综合保税",
    "plans_listing": r"上市|IPO|挂牌",
    "overseas_expansion": r"出海|走出去|海外设|境外设|海外分|境外分|海外子|办事处|海外开|国外开",
    "tech_advanced_certified": r"技术先进型|技先",
    "is_sme": r"中小企业|小微|中小型",
    "leading_firm": r"龙头|头部|领军",
    "runs_platform": r"平台",
    "runs_park": r"园区|基地",
    "in_pilot_zone": r"自贸|试点|试验区",
    "is_school": r"高校|学校|大学|学院",
    "soe_or_hospital": r"国企|国有|医院|医疗机构",
    "covid_commissioned": r"新冠|疫苗|疫情",
    "training_demo_recognized": r"示范机构|示范",
    "supports_first_projects": r"首创|首拓|首发",
    "overseas_qualification": r"职业资格|执业资格",
}
_ITEM_WORDS = {name: re.compile(words, re.IGNORECASE) for name, words in ITEM_WORDS.items()}
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def checklist_items(open_questions: List[str]) -> List[str]:
    """The circumstances to list: those still open, most decisive first; [] when fewer than two."""
    if not open_questions or open_questions[0] not in CHECKLIST_FIELDS:
        return []
    items = [name for name in open_questions if name in CHECKLIST_FIELDS]
    return items if len(items) >= 2 else []


@dataclass
class ChecklistAnswer:
    values: Dict[str, bool] = field(default_factory=dict)
    unknown: List[str] = field(default_factory=list)


def _numbers(text: str, count: int) -> set[int]:
    found = {int(n) for n in re.findall(r"\d+", text)}
    found |= {_CN_DIGITS[c] for c in re.findall(r"第([一二两三四五六七八九])", text)}
    # 「三项都有」 counts items but 「这一项」「就外籍员工一项」 names none: a Chinese numeral needs 第 (or 项 after a list).
    found |= {_CN_DIGITS[c] for c in re.findall(r"(?<![这那哪每就一])(?<!员工)([二两三四五六七八九])项", text)}
    return {n for n in found if 1 <= n <= count}


def read_answer(text: str, intent: Optional[str], entities: List[Dict[str, Any]],
                offered: List[str]) -> Optional[ChecklistAnswer]:
    """The firm's answer to the listed circumstances, or None when nothing in it could be understood.

    Clause by clause: numbers alone choose items ("1 3"); numbers with 不清楚 leave them unknown ("第2项不清楚");
    numbers with a negation rule them out; a clause without numbers sets the rest ("其他不清楚", "都没有",
    "都符合"). Circumstances named in words (entities) count as said. Anything not mentioned does not apply —
    except when the message only says which items are unclear: then the others stay open."""
    text = text or ""
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
                unsure_named.update(n for n in offered if n in _ITEM_WORDS and _ITEM_WORDS[n].search(clause))
            continue
        if any(_ITEM_WORDS[n].search(clause) for n in offered if n in _ITEM_WORDS) and not _OTHERS.search(clause):
            naming.add(index)
        except_at = _EXCEPT.search(clause)
        named = [n for n in offered if n not in explicit and n in _ITEM_WORDS
                 and _ITEM_WORDS[n].search(clause[except_at.end():] if except_at else clause)]
        if not named and _ONLY.search(clause) and not _NEGATIVE.search(clause) and any(
                _ITEM_WORDS[n].search(clause) for n in _ITEM_WORDS if n not in offered):
            # 「只有培训这项」 of a circumstance already known: none of the listed ones applies.
            rest = "false"
        if except_at:
            # 「除了上市，其他都有」: 上市 does not apply; 「除了外籍建筑师，其余没有」: it is the one that does.
            explicit.update({n: bool(_OTHERS_NO.search(text)) for n in named})
        elif len(named) == 1 or (named and not _ALL_APPLY.search(clause)):
            negative = bool(_NEGATIVE.search(clause)) and not DOUBLE_NEGATIVE.search(clause)
            explicit.update({n: not negative for n in named})
    chosen: set[int] = set()
    generic_unsure = False
    unknown: set[int] = set()
    ruled_out: set[int] = set()
    for index, clause in enumerate(_CLAUSES.split(text)):
        numbers = _numbers(clause, len(offered))
        if index in naming:
            continue
        if _EXCEPT.search(clause):
            ruled_out |= numbers
            if _ALL_APPLY.search(clause) or re.search(r"其他|其余|别的", clause):
                rest = "true" if not _NEGATIVE.search(clause.split("其")[-1]) else "false"
        elif is_unsure(clause):
            unknown |= numbers
            names_items = any(_ITEM_WORDS[n].search(clause) for n in offered if n in _ITEM_WORDS)
            if _OTHERS.search(clause) and not numbers:
                rest = "unknown"  # 「其他不清楚」
            elif not numbers and not names_items:
                generic_unsure = True  # 「要问财务」: of the items named unsure, or of all when none is
        elif _NONE_APPLY.search(clause) or _NEGATIVE.search(clause):
            ruled_out |= numbers
            rest = rest if numbers else "false"
        elif _ALL_APPLY.search(clause):
            rest = "true"
        else:
            chosen |= numbers
    for name in unsure_named:
        explicit.pop(name, None)
    unknown |= {number for number, name in enumerate(offered, 1) if name in unsure_named}
    if rest is None and intent == "deny":
        rest = "false"
    if rest is None and (intent == "dont_know" or generic_unsure) and not unknown:
        rest = "unknown"  # 「不清楚」「要问财务」 of the whole list
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


def unsure_note(slots: Dict[str, Any], fields: List[str]) -> Dict[str, str]:
    """utter_unsure_kept's variables: the facts left open, and the measures they still decide."""
    evaluation = policies_db.evaluate(profile_from_slots(slots), as_of(), catalogue(), normalized=True)
    decided = [r.measure.title for r in evaluation.undetermined if set(r.missing) & set(fields)]
    facts = "、".join(f"“{FIELDS[name].yes}”" for name in fields)
    if not decided:
        return {"facts": facts, "decides": ""}
    more = f"等{len(decided)}项措施" if len(decided) > 3 else ""
    return {"facts": facts, "decides": f"{'这些情况' if len(fields) > 1 else '这一情况'}关系到"
                                       f"{'、'.join(f'“{t}”' for t in decided[:3])}{more}，"}


def numbered(items: List[str]) -> str:
    """The circumstances as the checklist question (utter_checklist) lists them, one a line."""
    return "\n".join(f"{i}. {FIELDS[name].yes}" for i, name in enumerate(items, 1))


class ActionAskSituations(Action):
    """Asks the checklist: the form calls action_ask_<slot> for the `situations` slot."""

    def name(self) -> Text:
        return "action_ask_situations"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        skipped = tracker.get_slot("skipped_fields") or []
        evaluation = policies_db.evaluate(profile_from_slots(tracker.slots), as_of(), catalogue(), normalized=True)
        items = checklist_items(evaluation.open_questions(exclude=skipped))
        dispatcher.utter_message(
            response="utter_checklist", items=numbered(items),
            json_message={"type": "checklist", "items": [{"field": n, "label": FIELDS[n].yes} for n in items]},
        )
        return [SlotSet(OFFERED, items)]
