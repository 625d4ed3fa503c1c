"""The evaluation corpus (tests/conversations/*.yml): loading and validation.

A conversation is what one firm types, written from a firm description and the policy texts, never from
the training data. Because the assistant chooses its questions adaptively, a turn may depend on the
question being asked (`requested_slot`), and after the scripted turns the firm answers whatever it is
asked from its `answers` until the results arrive. See docs/evaluation.md for the format.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from policies_db import FIELDS

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = ROOT / "tests" / "conversations"
# Batches written apart from the code, run once before any change and then frozen (docs/evaluation.md).
SEALED_DIR = ROOT / "tests" / "sealed"
SITUATIONS = "situations"
# What a scripted turn is meant as: only "answer"/"statement" turns may count as misunderstood when the
# same question comes back; a mid-form question or small talk legitimately resumes the form.
KINDS = {"statement", "answer", "question", "smalltalk", "offtopic", "command"}
_PLACEHOLDER = re.compile(r"\{n:([a-z_,]+)\}")
DEFAULT_ANSWER = "这个不太清楚"


def restatement(name: str, value: Any) -> str:
    """What a firm says when asked again about something it already stated: the same fact, briefly."""
    spec = FIELDS[name]
    if spec.kind == "bool":
        return "是的，前面说过了" if value else "不是，前面说过了"
    if spec.kind == "list":
        return "前面说过了：" + "、".join(spec.choices.get(v, v) for v in value) if value else "前面说过了，不涉及"
    if spec.kind == "int":
        return f"前面说过了，{value}人左右"
    return f"前面说过了，在{value}"


class CorpusError(ValueError):
    pass


@dataclass
class Answer:
    """One thing the firm says, and the profile facts it means (added to the expected facts when sent)."""
    say: str
    means: Any = None  # scalar for the asked field; dict of field → value; for the checklist: field → value + default
    kind: str = "answer"
    checks: dict = field(default_factory=dict)  # per-turn checks: no_results, reply_has, reply_has_any, reply_lacks

    def facts(self, slot: str | None, offered: list[str]) -> dict[str, Any]:
        """The facts this answer states, given the question it answers (and the checklist items offered)."""
        if self.means is None:
            return {}
        if slot == SITUATIONS and isinstance(self.means, dict):
            default = self.means.get("default", "unset")
            out = {}
            for number, name in enumerate(offered, 1):
                if f"#{number}" in self.means:  # the item by its position ("只有第二项")
                    out[name] = self.means[f"#{number}"]
                elif name in self.means:
                    out[name] = self.means[name]
                elif default != "unset":
                    out[name] = default
            return out
        if isinstance(self.means, dict):
            return dict(self.means)
        if slot is None or slot not in FIELDS:
            raise CorpusError(f"answer {self.say!r}: a scalar `means` needs a profile question, got {slot!r}")
        return {slot: self.means}

    def text(self, offered: list[str]) -> str:
        """The message, with {n:field,…} replaced by the numbers of those items in the offered checklist."""
        def numbers(match: re.Match) -> str:
            wanted = match.group(1).split(",")
            return " ".join(str(i) for i, name in enumerate(offered, 1) if name in wanted)
        text = _PLACEHOLDER.sub(numbers, self.say).strip(" ，,")
        return text or "都没有"


@dataclass
class Turn:
    """A scripted turn: one answer, or answers keyed by the question asked (with a default)."""
    by_slot: dict[str, Answer]
    default: Answer | None

    def pick(self, slot: str | None) -> Answer | None:
        return self.by_slot.get(slot or "", self.default)


@dataclass
class Conversation:
    id: str
    file: str
    firm: str
    tags: list[str]
    turns: list[Turn]
    answers: Turn  # the firm's answers to whatever is asked after the scripted turns
    after: list[Turn]  # sent once the results have arrived (or the form ended)
    facts: dict[str, Any]
    results: bool
    must_include: list[str]
    must_exclude: list[str]

    def described_profile(self) -> dict[str, Any]:
        """The firm as the conversation describes it: every answer's facts (as if it were asked), then the
        stated facts. Checklist defaults are left out (which items are offered is the bot's choice)."""
        profile: dict[str, Any] = {}
        for turn in [*self.turns, self.answers, *self.after]:
            for slot, answer in [*turn.by_slot.items(), *([("", turn.default)] if turn.default else [])]:
                if answer.means is None:
                    continue
                if slot == SITUATIONS and isinstance(answer.means, dict):
                    profile.update({k: v for k, v in answer.means.items() if k in FIELDS})
                elif isinstance(answer.means, dict):
                    profile.update(answer.means)
                elif slot in FIELDS:
                    profile[slot] = answer.means
        profile.update(self.facts)
        return {k: v for k, v in profile.items() if v is not None}

    def utterances(self) -> list[str]:
        """Every message the firm may type (for the held-out check)."""
        out = [restatement(name, value) for name, value in self.facts.items() if value is not None]
        for turn in [*self.turns, self.answers, *self.after]:
            for answer in [*turn.by_slot.values(), *([turn.default] if turn.default else [])]:
                out.append(answer.say)
        return out


def _answer(raw: Any, where: str, kind: str = "answer") -> Answer:
    if isinstance(raw, (str, int, float)):
        return Answer(say=str(raw), kind=kind)
    if isinstance(raw, dict) and "say" in raw:
        unknown = set(raw) - {"say", "means", "kind", "no_results", "reply_has", "reply_has_any", "reply_lacks"}
        if unknown:
            raise CorpusError(f"{where}: unknown keys {sorted(unknown)}")
        kind = raw.get("kind", kind)
        if kind not in KINDS:
            raise CorpusError(f"{where}: kind {kind!r} not in {sorted(KINDS)}")
        checks = {k: raw[k] for k in ("no_results", "reply_has", "reply_has_any", "reply_lacks") if k in raw}
        for k in ("reply_has", "reply_has_any", "reply_lacks"):  # 「reply_has: [2025]」 is the text 2025
            if k in checks:
                words = checks[k] if isinstance(checks[k], list) else [checks[k]]
                checks[k] = [str(w) for w in words]
        return Answer(say=str(raw["say"]), means=raw.get("means"), kind=kind, checks=checks)
    raise CorpusError(f"{where}: expected a message or {{say: …}}, got {raw!r}")


def _turn(raw: Any, where: str, kind: str = "statement") -> Turn:
    if isinstance(raw, dict) and "answers" in raw:
        table = dict(raw["answers"])
        default = table.pop("default", None)
        for slot in table:
            if slot not in FIELDS and slot != SITUATIONS:
                raise CorpusError(f"{where}: answers for unknown question {slot!r}")
        return Turn({slot: _answer(a, f"{where}.{slot}") for slot, a in table.items()},
                    _answer(default, f"{where}.default") if default is not None else None)
    return Turn({}, _answer(raw, where, kind))


def _check_facts(facts: dict, where: str) -> None:
    for name, value in facts.items():
        if name not in FIELDS:
            raise CorpusError(f"{where}: fact {name!r} is not a profile field")
        spec = FIELDS[name]
        if spec.kind == "bool":
            ok = value is None or isinstance(value, bool)
        elif spec.kind == "list":
            ok = isinstance(value, list) and all(x in spec.choices for x in value)
        elif spec.kind == "int":
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        if not ok:
            raise CorpusError(f"{where}: fact {name}={value!r} does not fit the profile contract")


def _conversation(raw: dict, file: str) -> Conversation:
    cid = raw.get("id")
    where = f"{file}:{cid}"
    unknown = set(raw) - {"id", "firm", "tags", "turns", "answers", "after", "facts", "expect"}
    if not cid or unknown:
        raise CorpusError(f"{where}: missing id or unknown keys {sorted(unknown)}")
    answers_raw = dict(raw.get("answers") or {})
    answers_raw.setdefault("default", DEFAULT_ANSWER)
    answers = _turn({"answers": answers_raw}, f"{where}.answers")
    for slot, answer in answers.by_slot.items():
        if answer.means is not None and not isinstance(answer.means, dict) and slot == SITUATIONS:
            raise CorpusError(f"{where}: the checklist's `means` is a map field → value (and default)")
    facts = dict(raw.get("facts") or {})
    _check_facts(facts, where)
    for turn in [*(raw.get("turns") or []), *(raw.get("after") or [])]:
        if isinstance(turn, dict) and isinstance(turn.get("means"), dict):
            _check_facts({k: v for k, v in turn["means"].items() if k != "default" and not k.startswith("#")}, where)
    expect = raw.get("expect") or {}
    return Conversation(
        id=str(cid), file=file, firm=str(raw.get("firm", "")), tags=list(raw.get("tags") or []),
        turns=[_turn(t, f"{where}.turns[{i}]") for i, t in enumerate(raw.get("turns") or [])],
        answers=answers,
        after=[_turn(t, f"{where}.after[{i}]") for i, t in enumerate(raw.get("after") or [])],
        facts=facts, results=bool(expect.get("results", True)),
        must_include=list(expect.get("must_include") or []), must_exclude=list(expect.get("must_exclude") or []),
    )


def load_corpus(directory: Path = CORPUS_DIR) -> list[Conversation]:
    conversations: list[Conversation] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for raw in data.get("conversations") or []:
            conversations.append(_conversation(raw, path.name))
    ids = [c.id for c in conversations]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CorpusError(f"duplicate conversation ids: {duplicates}")
    return conversations
