"""Short answers read against the question just asked, and the cues of a correction. Pure Python.

「有的」「没」「不算吧」「对的」「嗯」「是滴」「没有的」 say yes or no only next to a question: the form reads them
for the yes/no question it asked when the intent classifier could not.
"""
from __future__ import annotations

import re

from bot.nlu import grammar
from bot.nlu.assertion import is_unsure

_PARTICLES = grammar.pattern("short_answers.particles")
YES = grammar.words("short_answers.yes")
NO = grammar.words("short_answers.no")
_ALREADY_SAID = grammar.pattern("short_answers.already_said")
_LEAD_FILLERS = grammar.pattern("short_answers.lead_fillers")

# 「说错了」「更正一下」「其实是…」: the new value replaces the old one (otherwise lists are added to).
CORRECTION = grammar.pattern("short_answers.correction")
NOTHING_DONE = grammar.pattern("short_answers.nothing_done")
_CORRECTION_TAIL = grammar.pattern("short_answers.correction_tail")
# 「我们其实也做…」「另外还有…」: the new values join the old.
ADDITION = grammar.pattern("short_answers.addition")


def yes_no(text: str) -> bool | None:
    """True/False for a short yes/no answer, None otherwise (long texts say more than yes or no)."""
    core = _PARTICLES.sub("", (text or "").strip().lower())
    core = _ALREADY_SAID.sub("", core) or core  # 「是的，前面说过了」
    core = _LEAD_FILLERS.sub("", core) or core
    lead = re.match(r"^([^，,。；;\s]{1,5})[，,。；;\s]", core)
    if is_unsure(lead.group(1) if lead else core):
        return None  # 「可能有吧」; but 「有，不过具体几个人不清楚」 is a yes
    if lead and core not in YES and core not in NO and not CORRECTION.search(core):
        # 「没有，只做国内」「有的，我们是外资」: the first words answer, the rest adds facts.
        head = _PARTICLES.sub("", lead.group(1))
        return True if head in YES else False if head in NO else None
    if not core or len(core) > 8:
        return None
    if core in YES:
        return True
    if core in NO:
        return False
    core = _PARTICLES.sub("", core)
    return True if core in YES else False if core in NO else None


def is_correction(text: str) -> bool:
    return bool(CORRECTION.search(text or ""))


def corrected_figure(text: str) -> int | None:
    """「打错了 86个」: the bare figure a correction gives, said after its cue — the head count being the only
    figure of a profile."""
    from bot.nlu.numbers import bare_count

    cues = list(CORRECTION.finditer(text or ""))
    if not cues:
        return None
    rest = _CORRECTION_TAIL.sub("", text[cues[-1].end():])
    return bare_count(rest) if rest else None
