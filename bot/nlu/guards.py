"""Deterministic corrections of DIET's reading, for confusions that would trap a firm.

Pure functions on the parse (intent, ranking, entities): no Rasa import, so they are unit-tested in
milliseconds. ProfileEntityExtractor applies them, after DIET and before the FallbackClassifier.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

from bot.handoff.contact import looks_like_contact_attempt

Intent = Dict[str, Any]
Ranking = List[Dict[str, Any]]

CONTACT_INTENT = "leave_contact"
BARE_NO = {"无", "没", "没有", "没有的", "没得", "冇", "冇得", "都冇得", "木有", "否", "并没有", "都无", "暂无", "无的"}
QUESTION_MARKS = re.compile(r"[?？]|啥|什么|是指|意思|不懂|不明白|区别|怎么理解|解释")
NUMBERS_ONLY = re.compile(r"^[\d\s,，、和及与.。]+$")
WHICH_POLICIES = re.compile(r"(有哪些|有什么|有啥|哪些).{0,15}(政策|措施|支持|优惠)")


def _choose(ranking: Ranking, name: str, confidence: float) -> Tuple[Intent, Ranking]:
    chosen = {"name": name, "confidence": confidence}
    return chosen, [chosen, *(dict(r) for r in ranking if r.get("name") != name)]


def before_entities(text: str, intent: Intent, ranking: Ranking) -> Tuple[Intent, Ranking]:
    """The intent corrections that need only the text, applied in turn."""
    stripped = text.strip()
    if intent.get("name") == CONTACT_INTENT and not looks_like_contact_attempt(text):
        # 「1 3」 at the checklist is no phone number: the runner-up keeps DIET's confidence, else the
        # FallbackClassifier after us would turn every such answer into a fallback.
        rest = [r for r in ranking if r.get("name") != CONTACT_INTENT]
        if rest:
            intent, ranking = _choose(rest, rest[0]["name"],
                                      max(rest[0].get("confidence") or 0.0, intent.get("confidence") or 0.0))
    if re.sub(r"[\s，。,.!！~～的啦呀哦]+$", "", stripped) in BARE_NO:
        intent, ranking = _choose(ranking, "deny", 1.0)  # 「无」 alone was read as affirm
    elif NUMBERS_ONLY.match(stripped) and len(re.sub(r"\D", "", text)) < 5:
        intent, ranking = _choose(ranking, "inform", 1.0)  # 「3」 was read as thanks (「3Q」); ≥ 5 digits: a phone?
    elif WHICH_POLICIES.search(text) and intent.get("name") in ("ask_conditions", "nlu_fallback", "ask_topic"):
        # split between ask_conditions and ask_topic, it fell to the fallback
        intent, ranking = _choose(ranking, "ask_topic", max(intent.get("confidence") or 0.0, 0.9))
    return intent, ranking


def after_entities(text: str, intent: Intent, ranking: Ranking,
                   entities: List[Dict[str, Any]]) -> Tuple[Intent, Ranking]:
    """「KPO」「那就是BPO」 answer the service-type question; only a real question asks for the explanation."""
    if intent.get("name") == "explain" and not QUESTION_MARKS.search(text) \
            and any(e["entity"] in ("service_types", "fields") for e in entities):
        return _choose(ranking, "inform", intent.get("confidence") or 1.0)
    return intent, ranking


def last_of_each(entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A fact repeated in a long message counts once, at its last mention (the last word wins);
    hundreds of copies made the form's slot handling slow enough to time out."""
    seen, kept = set(), []
    for entity in reversed(entities):
        key = (entity["entity"], repr(entity.get("value")))
        if key not in seen:
            seen.add(key)
            kept.append(entity)
    return kept[::-1]


