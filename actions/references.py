"""The measures a question points back to among those the assistant's last answer listed (「第二个是文件哪一条」
「来电人问这两条是文件哪一条」): by their numbers in a numbered list, else in the order the answer named them."""
from __future__ import annotations

import re

from rasa_sdk import Tracker

from bot.nlu.normalize import normalize
from bot.nlu.references import pointed_items

_NUMBERED = re.compile(r"^\s*(\d{1,2})\.\s*([^｜|\n]+)", re.M)
_QUOTED = re.compile(r"「([^」]{2,60})」")


def _listed(texts: list[str], by_title: dict) -> list:
    """The measures one turn of the assistant listed, in the order a firm reads them."""
    joined = "\n".join(texts)
    numbered = sorted((int(n), by_title[t.strip()]) for n, t in _NUMBERED.findall(joined) if t.strip() in by_title)
    if numbered:
        return [m for _, m in numbered]
    return list(dict.fromkeys(by_title[t] for t in _QUOTED.findall(joined) if t in by_title))


def pointed_measures(tracker: Tracker, compiled, turns: int = 3) -> list:
    """The measures the latest message points to by position, or [] when it points to none (or to more than the
    assistant listed)."""
    items = pointed_items(normalize(tracker.latest_message.get("text") or ""))
    if not items:
        return []
    by_title = {m.title: m for m in compiled.measures}
    texts: list[str] = []
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            texts.insert(0, event.get("text") or "")
        elif event.get("event") == "user":
            if not seen_latest:
                seen_latest, texts = True, []  # the message being answered
                continue
            listed = _listed(texts, by_title)
            if listed:
                if len(items) == 1:  # 「第三个」 of a list of two points to nothing listed
                    return [listed[items[0] - 1]] if items[0] <= len(listed) else []
                return listed[:len(items)]  # 「这两条」
            turns, texts = turns - 1, []
            if turns <= 0:
                break
    return []
