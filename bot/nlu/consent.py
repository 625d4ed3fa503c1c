"""Agreeing or declining, and a firm's name as typed — at the hand-off and subscription questions. Pure.

The words are data (bot/nlu/lexicon/grammar.yml `consent`); actions/handoff.py and actions/subscribe.py ask here.
"""
from __future__ import annotations

import re

from bot.nlu import grammar

_HANDOFF_REFUSAL = grammar.pattern("consent.handoff_refusal", re.IGNORECASE)
_HANDOFF_AGREE = grammar.pattern("consent.handoff_agree", re.IGNORECASE)
_NAME_PREFIX = grammar.pattern("consent.name_prefix")
_SUBSCRIBE_DECLINE = grammar.pattern("consent.subscribe_decline", re.IGNORECASE)
_SUBSCRIBE_AGREE = grammar.pattern("consent.subscribe_agree", re.IGNORECASE)
_ASKS = grammar.pattern("guards.asking")
_FIRST_CLAUSE = re.compile(r"[，,。.!！？?；;\s]+")


def refuses_handoff(text: str) -> bool:
    """「不方便留」「跳过」: no name, no number, no consent."""
    return bool(_HANDOFF_REFUSAL.search(text or ""))


def agrees_to_handoff(text: str) -> bool:
    return bool(_HANDOFF_AGREE.search(text or ""))


def firm_name(text: str) -> str:
    """「我们公司叫杭州某某科技」 → 杭州某某科技."""
    return _NAME_PREFIX.sub("", (text or "").strip()).strip("。.!！ ")


def declines_subscription(text: str) -> bool:
    return bool(_SUBSCRIBE_DECLINE.search(text or ""))


def agrees_to_subscription(text: str) -> bool:
    """「订阅」「好的」「开通吧」 say yes to the push question — in its first words, and not as a question: 「还有个事 我们客户
    武汉农商行那边问…有冇得鼓励政策」 holds 行 and 是 and asks something else."""
    first = _FIRST_CLAUSE.split((text or "").strip(), 1)[0]
    return bool(_SUBSCRIBE_AGREE.search(first)) and not _ASKS.search(text or "")
