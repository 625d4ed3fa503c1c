"""Facts firms state in ways a phrase list cannot: negated afterwards, by their opposite, both at once, or implied.

Pure Python on the (normalized) text and the entities found so far; used by bot/nlu/profile_extractor.py.
"""
from __future__ import annotations

import re
from typing import Any

_Entity = dict[str, Any]

# A negation right after a yes/no phrase, in its clause: 「上市暂时没想」「外籍员工没有」「综保区不在」.
_AFTER_NEGATION = re.compile(
    r"^(?:[的了呢吧啊嘛呀]|方面|这块|这一块|这个|计划|业务|暂时|目前|现在|近期|短期|今年|明年|还|也|都|就|倒|确实|完全|根本)*"
    r"(?:没有|没|不是|不算|不打算|不考虑|不做|不在|暂无|无|未|尚未|还没|不)")
_NOT_NEGATION = re.compile(r"^(?:[的了呢吧啊嘛呀]|还|也|都)*(?:不少|不错|不多|不仅|不但|不光|无论|不管)")
_CONJUNCTION = re.compile(r"^(?:和|与|跟|及|以及|或|或者|还有|、|,|，|/)+$")

# (pattern, entity, value): facts stated by their opposite or two at once.
IMPLIED = [
    (r"(?:纯)?内资(?:企业|公司)?|民营企业|民企|国有企业|国企|本土企业", "foreign_invested", False),
    (r"(?:国内外|境内外|海内外|国内国外|国内和国外|国内和海外|境内和境外)(?:的)?(?:客户|业务|订单|市场|项目)?(?:都有|都做|都接)?",
     "offshore", True),
    (r"(?:国内外|境内外|海内外|国内国外|国内和国外|国内和海外|境内和境外)(?:的)?(?:客户|业务|订单|市场|项目)?(?:都有|都做|都接)?",
     "onshore", True),
    (r"(?:只做|只接|只有|都是|全是|全部是|主要是)(?:国内|境内)(?:的)?(?:客户|业务|订单|市场|项目)", "offshore", False),
    (r"(?:只做|只接|只有|都是|全是|全部是)(?:海外|境外|国外)(?:的)?(?:客户|业务|订单|市场|项目)", "onshore", False),
]
_IMPLIED = [(re.compile(p), entity, value) for p, entity, value in IMPLIED]
# A negation just before 「国内外…」 is not handled: firms say 「没有国外客户」 instead, which the vocabulary reads.

# The outsourcing type a field implies, after the usual ITO/BPO/KPO split of China's service-outsourcing
# statistics (软件研发与信息技术服务 → ITO; 呼叫中心、客户服务、人力资源、供应链、金融后台 → BPO; 工业/工程设计、
# 医药和生物技术研发、数据分析 → KPO). Only unambiguous phrases: 设计 alone or 大数据 alone imply nothing.
INFERRED_TYPES = [
    (r"软件外包|软件开发|软件研发|软件服务|外包开发|应用开发|系统集成|IT运维|信息技术服务|IT服务", "ITO"),
    (r"呼叫中心|客服外包|客服中心|客户服务外包|人力资源外包|金融后台|供应链管理", "BPO"),
    (r"工业设计|工程设计|医药研发|药物研发|新药研发|生物医药研发|临床试验|临床研究|CRO|数据分析", "KPO"),
]
_INFERRED = [(re.compile(p), value) for p, value in INFERRED_TYPES]
# The firm says it does not outsource: nothing is implied (「不算外包企业，我们主要做服务外包人才培训」).
NO_OUTSOURCING = re.compile(r"(?:不做|不算|不是|不属于|没有|没做|不搞|非)(?:服务)?外包")


def negated_after(text: str, entities: list[_Entity], flags: list[str]) -> list[_Entity]:
    """Yes/no entities negated by what follows them; a list shares the negation of its last item."""
    result = [dict(e) for e in entities]
    for i, ent in enumerate(result):
        if ent["entity"] not in flags or ent["value"] is not True:
            continue
        # Walk over 「外资和上市」 to the last item of the list.
        j = i
        while j + 1 < len(result) and _CONJUNCTION.match(text[result[j]["end"]:result[j + 1]["start"]] or "x"):
            j += 1
        rest = text[result[j]["end"]:]
        if _AFTER_NEGATION.match(rest) and not _NOT_NEGATION.match(rest):
            ent["value"] = False
    return result


def implied_facts(text: str) -> list[_Entity]:
    found = []
    for pattern, entity, value in _IMPLIED:
        for match in pattern.finditer(text):
            found.append({"entity": entity, "start": match.start(), "end": match.end(), "value": value})
    return found


def inferred_service_types(text: str, entities: list[_Entity]) -> list[_Entity]:
    """service_types entities implied by the field, each marked `inferred` with the phrase it comes from."""
    if NO_OUTSOURCING.search(text):
        return []
    stated = {e["value"] for e in entities if e["entity"] == "service_types"}
    found: dict[str, _Entity] = {}
    for pattern, value in _INFERRED:
        match = pattern.search(text)
        if match and value not in stated and value not in found:
            found[value] = {"entity": "service_types", "start": match.start(), "end": match.end(), "value": value,
                            "inferred": match.group()}
    return list(found.values())
