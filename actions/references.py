"""The measures a question points back to by position (「第二个是文件哪一条」「来电人问这两条是文件哪一条」「先说第一个
找谁」): among those the firm's message just named, else the assistant's last answer listed (by their numbers in a
numbered list, else in the order it named them), else the firm's earlier message named — the nearest list long
enough for the position asked."""
from __future__ import annotations

import re

from rasa_sdk import Tracker

from bot.nlu.normalize import normalize
from bot.nlu.phrases import POLICY_DESCRIBED
from bot.nlu.references import listed_names, pointed_items
from policies_db.wording.search import best_matches, index_for

from .lookup import for_region, measures_named

_NUMBERED = re.compile(r"^\s*(\d{1,2})\.\s*([^｜|\n]+)", re.M)
_QUOTED = re.compile(r"「([^」]{2,60})」")


def _listed_by_assistant(texts: list[str], by_title: dict) -> list:
    joined = "\n".join(texts)
    numbered = sorted((int(n), by_title[t.strip()]) for n, t in _NUMBERED.findall(joined) if t.strip() in by_title)
    if numbered:
        return [m for _, m in numbered]
    return list(dict.fromkeys(by_title[t] for t in _QUOTED.findall(joined) if t in by_title))


def _named_in_message(compiled, text: str, entities: list, where: dict) -> list:
    """The measures a message of the firm's lists, in its order: by name, or described (「一个是龙头企业那条 一个是股权
    激励那条」「股权激励和上市这两条」), those of the firm's region when it is known."""
    text = normalize(text or "")
    named_values = [str(e.get("value")) for e in entities or [] if e.get("entity") == "policy"]
    mentions = [(text.find(v) if v in text else len(text) + i, v) for i, v in enumerate(named_values)]
    mentions += [(m.start(), m.group()) for m in POLICY_DESCRIBED.finditer(text)]
    mentions += [(at, words) for at, words in listed_names(text) if not any(words in v for v in named_values)]
    found: list = []
    for _, words in sorted(mentions):
        named = measures_named(compiled, words) or best_matches(index_for(compiled), words)
        if where.get("city") or where.get("province"):
            named = for_region(compiled, named, where)[0] or named
        found += [m for m in named[:1] if m not in found]
    return found


def _region(tracker: Tracker) -> dict:
    return {"city": tracker.get_slot("city"), "province": tracker.get_slot("province")}


def _lists(tracker: Tracker, compiled, turns: int):
    """The lists a position may point into, nearest first."""
    by_title = {m.title: m for m in compiled.measures}
    where = _region(tracker)
    yield _named_in_message(compiled, tracker.latest_message.get("text"), tracker.latest_message.get("entities"), where)
    texts: list[str] = []
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            texts.insert(0, event.get("text") or "")
        elif event.get("event") == "user":
            if not seen_latest:
                seen_latest, texts = True, []  # the message being answered
                continue
            yield _listed_by_assistant(texts, by_title)
            yield _named_in_message(compiled, event.get("text"), (event.get("parse_data") or {}).get("entities"), where)
            turns, texts = turns - 1, []
            if turns <= 0:
                return


def listed_in_message(tracker: Tracker, compiled) -> list:
    """The measures the latest message lists, when it lists two or more (「园区那条跟出口基地那条 分别找谁」)."""
    found = _named_in_message(compiled, tracker.latest_message.get("text"), tracker.latest_message.get("entities"),
                              _region(tracker))
    return found if len(found) >= 2 else []


def pointed_measures(tracker: Tracker, compiled, turns: int = 3) -> list:
    """The measures the latest message points to by position, or [] when it points to none."""
    items = pointed_items(normalize(tracker.latest_message.get("text") or ""))
    if not items:
        return []
    for listed in _lists(tracker, compiled, turns):
        if len(items) == 1 and items[0] <= len(listed):
            return [listed[items[0] - 1]]
        if len(items) > 1 and len(listed) >= 2:
            return listed[:len(items)]  # 「这两条」
    return []


_QUESTIONS = ("ask_contact", "ask_conditions", "ask_process", "ask_why_not", "ask_document")


def aspects_of(entities: list) -> set:
    """The `aspect` values the reader found in a message's entities (official, where_text, again…)."""
    return {e.get("value") for e in entities or [] if e.get("entity") == "aspect"}


def asked_again(tracker: Tracker) -> tuple[str, str, set] | None:
    """「那第二个呢」「那零税率呢」: the firm's previous question (intent, text, aspects) that the latest message asks
    again of another item; None when the latest message is no such ellipsis, or no question came before."""
    if "again" not in aspects_of(tracker.latest_message.get("entities")):
        return None
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if not seen_latest:
            seen_latest = True
            continue
        data = event.get("parse_data") or {}
        intent = (data.get("intent") or {}).get("name")
        aspects = aspects_of(data.get("entities"))
        if intent in _QUESTIONS and "again" not in aspects:
            return intent, event.get("text") or "", aspects
    return None
