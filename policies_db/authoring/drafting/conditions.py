"""A sentence's conditions → a draft criteria tree over the profile facts, and conditions to confirm.

The facts are read with the assistant's own lexicon (cues.py merges bot/nlu/vocabulary.yml with the written
forms of cues.yml), longest phrase first and never inside a phrase already read. Several facts named in one
sentence are alternatives of one enumeration (鼓励企业、高校、培训机构…), so they are drafted as `any`; a sentence
about 服务外包企业 also requires the firm to do service outsourcing. Every tree is a guess for the officer.
"""
from __future__ import annotations

import re

from policies_db.authoring.drafting.cues import cues
from policies_db.profile import FIELDS


def facts_in(text: str) -> list[tuple[str, str, object]]:
    """(phrase, field, value) for every fact phrase in the text, longest first, non-overlapping."""
    taken = [False] * len(text)
    out = []
    for phrase, field, value in cues().facts:
        start = text.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(phrase)
                out.append((phrase, field, value))
                break
            start = text.find(phrase, start + 1)
    return out


def qualifiers(text: str) -> list[str]:
    """What a 「对…的」 clause requires of its beneficiary (对年度离岸执行额达到300万美元以上的企业 → 年度离岸执行额达到
    300万美元以上): a condition in words, unless it only names who the sentence is for (对服务外包企业)."""
    out = []
    for clause in re.split("[，,；;。]", text):
        for opener in cues()["qualifier_openers"]:
            if clause.startswith(opener) and "的" in clause:
                inner = clause[len(opener):clause.rindex("的")]
                if len(inner) >= 4 and not all(p in cues()["addressees"] for p in [inner]):
                    out.append(inner)
                break
    return out


def _leaf(field: str, value) -> dict:
    spec = FIELDS[field]
    if field == "service_types" and value == "*":
        return {"field": field, "op": "nonempty", "text": "从事服务外包业务（ITO、BPO或KPO）"}
    if spec.kind == "list":
        return {"field": field, "op": "has", "value": value, "text": "从事" + spec.choices.get(value, value)}
    return {"field": field, "op": "eq", "value": True, "text": spec.yes or spec.label}


def draft_criteria(text: str) -> tuple[dict | None, list[str], list[dict]]:
    """(criteria tree or None, conditions to confirm, the facts read with their phrases)."""
    c = cues()
    asks_only = set(c["fact_forms"]["asks_only"])
    read = facts_in(text)
    leaves, seen, confirm = [], set(), []
    outsourcing = False
    for phrase, field, value in read:
        if field == "service_types" and value == "*":
            outsourcing = True
            continue
        if field in asks_only:
            confirm.append(f"原文提到“{phrase}”，是否以此为条件请核对")
            continue
        key = (field, value)
        if key not in seen:
            seen.add(key)
            leaves.append(_leaf(field, value))
    confirm += [f"须符合：{q}" for q in qualifiers(text)]
    for cue, note in c["to_confirm"].items():
        if cue in text and note not in confirm:
            confirm.append(note)
    required = [_leaf("service_types", "*")] if outsourcing else []
    if len(leaves) > 1:
        required.append({"any": leaves})
    else:
        required += leaves
    criteria = None if not required else (required[0] if len(required) == 1 else {"all": required})
    facts = [{"phrase": p, "field": f, "value": v} for p, f, v in read]
    return criteria, confirm, facts
