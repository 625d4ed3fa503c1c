"""Replay one corpus conversation through the REST channel and read the tracker after every turn."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policies_db import FIELDS, ProfileError, normalize_profile
from tests.eval.corpus import SITUATIONS, Answer, Conversation, Turn, restatement
from tests.stack import http

# Issue 20: no reply invents a phone number or an amount of money the documents do not give (every turn, every batch).
_POLICIES_DB = Path(__file__).resolve().parents[2] / "policies_db"
# (the two texts, and the national size standard the SME line cites: its thresholds are its own, not invented)
_SOURCES = re.sub(r"\s", "", "".join(
    p.read_text(encoding="utf-8")
    for p in [*sorted((_POLICIES_DB / "sources").glob("*.txt")), _POLICIES_DB / "evaluation" / "sme_standard.yml"]))
_EXAMPLE = re.compile(r"例如[^。？！\n]*")  # 「请留下手机号…例如 13812345678」: the format asked for, no number to call
_PHONE = re.compile(r"(?<![A-Za-z0-9_/-])(?:0\d{2,3}-?\d{7,8}|1[3-9]\d{9})(?![A-Za-z0-9_-])")  # (not inside a link)
_AMOUNT = re.compile(r"\d[\d,.]*\s*[万亿]?元")


def invented(reply: str) -> list[str]:
    """Phone numbers, and amounts of money not written in a source text, that a reply holds."""
    reply = _EXAMPLE.sub("", reply)
    return _PHONE.findall(reply) + [m for m in _AMOUNT.findall(reply) if re.sub(r"\s", "", m) not in _SOURCES]

MAX_ANSWER_TURNS = 25  # answers to the bot's questions after the scripted turns, before giving up
# Replies that say the message was not understood (response names, so wording changes don't matter).
NOT_UNDERSTOOD = re.compile(r"did_not_understand|^utter_default$|skip_unclear|skip_asked_twice|fallback")
NOT_UNDERSTOOD_TEXT = re.compile(r"^抱歉，我没有(听明白|理解)")


@dataclass
class TurnRecord:
    phase: str  # script | answers | after
    asked_before: str | None  # requested_slot when the firm typed this
    text: str
    kind: str
    intent: str | None = None
    confidence: float | None = None
    bot: list[str] = field(default_factory=list)  # response names / texts, in order
    bot_text: str = ""
    asks: list[str] = field(default_factory=list)  # questions asked in the reply (slot names)
    slots_set: dict[str, Any] = field(default_factory=dict)
    results: dict | None = None  # the eligibility_results payload, when one came
    misunderstood: str = ""  # why this turn counts as misunderstood ("" = understood)
    check_failures: list[str] = field(default_factory=list)
    stated: dict[str, Any] = field(default_factory=dict)  # the facts this message was written to state

    def line(self) -> str:
        reply = self.bot_text.replace("\n", " ")
        reply = reply if len(reply) <= 90 else reply[:90] + "…"
        return (f"[{self.asked_before or '-'}] 用户：{self.text}  (intent {self.intent}"
                f"{f' {self.confidence:.2f}' if self.confidence is not None else ''})  → 助手：{reply}")


def unasked_answer_facts(conversation: Conversation, record: "Record") -> list[str]:
    """Facts listed in `facts` that only an answer to their own question states, when that question never came and the
    tracker holds nothing for them: the firm never said them (writers copy an answer's `means` into `facts`; a
    Wuhan firm is never asked whether it is foreign-invested). A value held wrong still counts."""
    asked = {t.asked_before for t in record.turns} | {name for t in record.turns for name in t.asks}
    return [name for name in conversation.facts
            if name in conversation.answers.by_slot and name not in asked and record.final_slots.get(name) is None]


@dataclass
class Record:
    conversation: Conversation
    sender: str
    turns: list[TurnRecord] = field(default_factory=list)
    expected: dict[str, Any] = field(default_factory=dict)
    final_slots: dict[str, Any] = field(default_factory=dict)
    results: dict | None = None
    error: str = ""

    # -- outcome -----------------------------------------------------------------------------------
    def fact_errors(self) -> list[str]:
        errors = []
        for name, want in self.expected.items():
            got = normalized(name, self.final_slots.get(name))
            if not same(name, got, want) and not same_place(name, got, want, self.final_slots):
                errors.append(f"{name}: expected {want!r}, tracker holds {got!r}")
        return errors

    def measure_errors(self) -> list[str]:
        c = self.conversation
        if not c.results:
            return []
        if self.results is None:
            return ["no results reached"]
        eligible = {e["id"] for e in self.results.get("eligible", [])}
        errors = [f"missing {m}" for m in c.must_include if m not in eligible]
        errors += [f"unexpected {m}" for m in c.must_exclude if m in eligible]
        return errors

    def check_errors(self) -> list[str]:
        return [f"turn {i + 1}: {f}" for i, t in enumerate(self.turns) for f in t.check_failures]

    @property
    def success(self) -> bool:
        if self.error:
            return False
        # `results: false` means results are not required (a topic question, a hand-off), not forbidden.
        results_ok = self.results is not None or not self.conversation.results
        return results_ok and not (self.fact_errors() or self.measure_errors() or self.check_errors())

    @property
    def misunderstood(self) -> int:
        return sum(1 for t in self.turns if t.misunderstood)

    def questions_asked(self) -> list[str]:
        """Questions asked over the conversation, repeats counted once (the checklist is one question)."""
        seen: list[str] = []
        for t in self.turns:
            for slot in t.asks:
                if slot not in seen:
                    seen.append(slot)
        return seen


def normalized(name: str, value: Any) -> Any:
    """A slot value as the profile contract has it (as actions/context.py reads slots; importing the
    actions package here would run the action server's start-up check in this process)."""
    if value is None:
        return None
    if FIELDS[name].kind == "list" and isinstance(value, list):  # Rasa wraps from_intent lists once more
        value = [x for item in value for x in (item if isinstance(item, list) else [item])]
    if FIELDS[name].kind == "int" and isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        return normalize_profile({name: value}).get(name)
    except ProfileError:
        return value


def same_place(name: str, got: Any, want: Any, slots: dict) -> bool:
    """Places compare by what they resolve to: 汉川 is held as 孝感 (a county-level city is its prefecture's), 台北 as
    台湾; a province is held right when the firm's city lies in it (南昌 → 江西)."""
    from policies_db.evaluation.places import place_of

    if name not in ("city", "province") or want is None:
        return False
    wanted = place_of(str(want))
    held = place_of(str(got)) if got is not None else None
    if name == "province" and held is None and slots.get("city"):
        held = place_of(str(slots["city"]))
    if wanted is None or held is None:
        return False
    if name == "province" or wanted.city_name is None or held.city_name is None:
        return wanted.province_name == held.province_name
    return wanted.city_name == held.city_name


def same(name: str, got: Any, want: Any) -> bool:
    if FIELDS[name].kind == "list" and isinstance(got, list) and isinstance(want, list):
        return sorted(got) == sorted(want)
    return got == want


class Client:
    def __init__(self, base: str, token: str, sender: str | None = None):
        self.base, self.token = base, token
        self.sender = sender or f"eval-{uuid.uuid4().hex[:10]}"

    def say(self, text: str) -> list[dict]:
        status, replies = http("POST", f"{self.base}/webhooks/rest/webhook", {"sender": self.sender, "message": text},
                               timeout=60)
        if status != 200:
            raise RuntimeError(f"REST channel answered {status}: {replies}")
        return replies or []

    def tracker(self) -> dict:
        url = f"{self.base}/conversations/{self.sender}/tracker?include_events=ALL&token={self.token}"
        status, body = http("GET", url, timeout=60)
        if status != 200:
            raise RuntimeError(f"tracker API answered {status}: {body}")
        return body


def bot_name(event: dict) -> str:
    name = (event.get("metadata") or {}).get("utter_action")
    custom = (event.get("data") or {}).get("custom") or {}
    if name:
        return name
    if isinstance(custom, dict) and custom.get("type"):
        return f"custom:{custom['type']}"
    return "text:" + (event.get("text") or "")[:20]


def asked_slot(name: str) -> str | None:
    if name.startswith("utter_ask_"):
        return name[len("utter_ask_"):]
    if name == "custom:checklist":
        return SITUATIONS
    return None


class Replayer:
    """Sends the conversation's turns, deciding conditional answers from the question being asked."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def run(self, conversation: Conversation) -> Record:
        """Thread-safe: each conversation is replayed by its own instance (it keeps per-turn state)."""
        return Replayer(self.base, self.token)._run_one(conversation)

    def _run_one(self, conversation: Conversation) -> Record:
        client = Client(self.base, self.token)
        record = Record(conversation, client.sender)
        try:
            self._run(conversation, client, record)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - one broken conversation must not stop the report
            record.error = f"{type(exc).__name__}: {exc}"
        record.expected.update(conversation.facts)  # the conversation's final truth wins over answers
        for name in unasked_answer_facts(conversation, record):
            del record.expected[name]
        return record

    def _run(self, conversation: Conversation, client: Client, record: Record) -> None:
        tracker = client.tracker()
        self.events_seen = len(tracker.get("events") or [])
        self.last_asks: list[str] = []
        self.after_script = not conversation.turns
        for number, turn in enumerate(conversation.turns, 1):
            self.after_script = number == len(conversation.turns)
            tracker = self._turn(client, record, tracker, turn, "script")
        self.after_script = True
        for _ in range(MAX_ANSWER_TURNS):
            asked = tracker["slots"].get("requested_slot")
            if not (asked and (tracker.get("active_loop") or {}).get("name")):
                break
            answers = conversation.answers
            if asked in conversation.facts and asked not in answers.by_slot and conversation.facts[asked] is not None:
                # Asked again about something the scripted turns stated: the firm says it again (the
                # question itself counts as misunderstood: see _misunderstood).
                answers = Turn({asked: Answer(restatement(asked, conversation.facts[asked]), kind="answer")}, None)
            tracker = self._turn(client, record, tracker, answers, "answers")
        for turn in conversation.after:
            tracker = self._turn(client, record, tracker, turn, "after")
        record.final_slots = tracker["slots"]

    def _turn(self, client: Client, record: Record, tracker: dict, turn: Turn, phase: str) -> dict:
        slot = tracker["slots"].get("requested_slot")
        active = (tracker.get("active_loop") or {}).get("name")
        asked = slot if active else None
        answer: Answer | None = turn.pick(asked)
        if answer is None:
            return tracker
        offered = tracker["slots"].get("checklist") or [] if asked == SITUATIONS else []
        text = answer.text(offered)
        replies = client.say(text)
        after = client.tracker()
        events = (after.get("events") or [])[self.events_seen:]
        self.events_seen = len(after.get("events") or [])
        rec = TurnRecord(phase, asked, text, answer.kind)
        rec.stated = answer.facts(asked, offered)
        record.expected.update(rec.stated)
        for event in events:
            if event.get("event") == "user":
                intent = event.get("parse_data", {}).get("intent") or {}
                rec.intent, rec.confidence = intent.get("name"), intent.get("confidence")
            elif event.get("event") == "bot":
                name = bot_name(event)
                rec.bot.append(name)
                slot_asked = asked_slot(name)
                if slot_asked:
                    rec.asks.append(slot_asked)
            elif event.get("event") == "slot" and event.get("name") in FIELDS:
                rec.slots_set[event["name"]] = event.get("value")
        rec.bot_text = "\n".join(m.get("text") or "" for m in replies)
        for message in replies:
            custom = message.get("custom") or {}
            if isinstance(custom, dict) and custom.get("type") == "eligibility_results":
                rec.results = custom
                record.results = custom
        rec.misunderstood = self._misunderstood(rec, replies)
        stated = [s for s in rec.asks if record.conversation.facts.get(s) is not None]
        if self.after_script and stated and not rec.misunderstood:
            # Every scripted statement has been sent: asking for one of its facts means it was not understood.
            rec.misunderstood = f"asked {stated[0]}, already stated"
        rec.check_failures = self._checks(answer, rec, replies)
        self.last_asks = rec.asks or self.last_asks
        record.turns.append(rec)
        return after

    def _misunderstood(self, rec: TurnRecord, replies: list[dict]) -> str:
        if any(NOT_UNDERSTOOD.search(name) for name in rec.bot):
            return "did-not-understand reply"
        if any(NOT_UNDERSTOOD_TEXT.search(m.get("text") or "") for m in replies):
            return "did-not-understand reply"
        if "utter_out_of_scope" in rec.bot and rec.kind != "offtopic":
            return "read as out of scope"
        if rec.kind in ("answer", "statement") and rec.asked_before and rec.asked_before in rec.asks \
                and not rec.slots_set and rec.asked_before in self.last_asks:
            return f"question {rec.asked_before} asked again"
        return ""

    @staticmethod
    def _checks(answer: Answer, rec: TurnRecord, replies: list[dict]) -> list[str]:
        failures = [f"{rec.text!r}: reply gives {found!r}, which no source text does" for found in invented(rec.bot_text)]
        if answer.checks.get("no_results") and rec.results is not None:
            failures.append(f"{rec.text!r} re-sent the result list")
        for needle in answer.checks.get("reply_has") or []:
            if needle not in rec.bot_text:
                failures.append(f"{rec.text!r}: reply lacks {needle!r}")
        any_of = answer.checks.get("reply_has_any") or []
        if any_of and not any(needle in rec.bot_text for needle in any_of):
            failures.append(f"{rec.text!r}: reply has none of {any_of!r}")
        for needle in answer.checks.get("reply_lacks") or []:
            if needle in rec.bot_text:
                failures.append(f"{rec.text!r}: reply contains {needle!r}")
        return failures
