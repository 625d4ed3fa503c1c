"""Is a sentence something a firm, bank, school, park or talent can act on, and of which kind?

A sentence is actionable when it gives something (a support cue: 支持、给予、享受、纳入…) to someone who can
act (an addressee: 企业、人才、高校…, or a profile fact such as 离岸服务外包、金融机构). It is not when it is a
heading, the document's head, an aim (a target with numbers, a 发展目标 part), a purpose clause introducing an
action, a duty of the administration (各部门要…) or an internal mechanism with no addressee. The words are
cues.yml's; this module holds only the order in which they decide.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from policies_db.authoring.drafting.conditions import facts_in
from policies_db.authoring.drafting.contacts import starts_with_unit
from policies_db.authoring.drafting.cues import cues
from policies_db.authoring.drafting.structure import Sentence

TARGET_OPENING = re.compile(r"^(到|至)?\d{4}年")
PARENTHESES = re.compile(r"[（(][^）)]*[）)]")


@dataclass
class Reading:
    actionable: bool
    kind: str  # apply | service | direction
    why: list[str] = field(default_factory=list)  # the cues that decided, for the officer


def _found(words, text: str) -> list[str]:
    return [w for w in words if w in text]


def classify(sentence: Sentence) -> Reading:
    c = cues()
    text = sentence.text
    kind = guess_kind(text)
    if sentence.heading:
        return Reading(False, kind, ["标题"])
    if sentence.ref == "文头":
        return Reading(False, kind, ["文头、导语"])
    if any(a in (sentence.part_title + sentence.section_title) for a in c["aims_sections"]):
        return Reading(False, kind, [f"位于“{sentence.section_title or sentence.part_title}”部分（目标与思路）"])
    plain = PARENTHESES.sub("", text)  # 各区(开发区)要 → 各区要
    if duty := _found(c["duty_subjects"], plain):
        return Reading(False, kind, [f"对实施部门的要求：{duty[0]}"])
    unit = starts_with_unit(plain, tuple(c["duty_verbs"]))
    if unit and not unit.endswith(tuple(c["provider_endings"])) and not _found(c["duty_exceptions"], text):
        return Reading(False, kind, [f"{unit}自身的工作职责"])
    if sentence.in_annex and (materials := _found(c["materials_cues"], text)):
        return Reading(False, kind, [f"申报材料清单（{materials[0]}）"])
    if penalty := _found(c["penalty_cues"], text):
        return Reading(False, kind, [f"约束性条款（{penalty[0]}）"])
    support = _found(c["support_cues"], text)
    direction = _found(c["direction_cues"], text)
    addressees = _found(c["addressees"], text)
    facts = [phrase for phrase, _field, _value in facts_in(text)]
    objects = _found(c["sector_objects"], text)
    targets = _found(c["target_cues"], text)
    internal = _found(c["internal_cues"], text)
    if text.startswith(tuple(c["preamble_openers"])) and text.endswith("行动"):
        return Reading(False, kind, ["行动导语，具体举措见下文"])
    # A numeric target is an aim unless something is given (对执行额突破5000万美元的企业给予奖励 is a measure).
    if targets and any(ch.isdigit() for ch in text) and (not support or TARGET_OPENING.match(text)):
        return Reading(False, kind, [f"发展目标（{targets[0]}）"])
    if support:
        if not (addressees or facts or objects):
            return Reading(False, kind, [f"有“{support[0]}”，但未写明企业、人才、机构等对象"])
        if internal and not addressees:
            return Reading(False, kind, [f"工作机制（{internal[0]}），未写明对象"])
        why = [f"对象：{'、'.join((addressees + facts + objects)[:3])}", f"表述：{'、'.join(support[:3])}"]
        return Reading(True, kind, why)
    if not direction:
        return Reading(False, kind, ["无支持、鼓励或给予类表述"])
    if internal:
        return Reading(False, kind, [f"工作机制（{internal[0]}）"])
    if not (addressees or facts or objects):
        return Reading(False, kind, [f"有“{direction[0]}”，但未写明企业或产业对象"])
    why = [f"对象：{'、'.join((addressees + facts + objects)[:3])}", f"方向性表述：{'、'.join(direction[:3])}"]
    return Reading(True, "direction" if kind == "direction" else kind, why)


def guess_kind(text: str) -> str:
    for kind in ("apply", "service"):
        if _found(cues()["kind_cues"][kind], text):
            return kind
    return "direction"


def guess_category(text: str, section: str) -> str:
    for category, words in cues()["categories"].items():
        if _found(words, text):
            return category
    for category, words in cues()["categories"].items():
        if _found(words, section):
            return category
    return "enterprise_development"
