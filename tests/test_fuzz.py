"""Conversation fuzzer: seeded random walks against the real stack (action server + Rasa over REST).

Each walk mixes realistic answers with nonsense, empty and very long messages, repeated buttons, old
checklist answers and questions in the middle of the form, and asserts:
  1. every message gets a reply;
  2. no question is asked more than twice in a row while the firm keeps trying to answer it (a question
     the firm asks in between, or small talk, neither counts nor resets the row: the form rightly resumes);
  3. the results arrive within a bounded number of answer attempts (2 per question at most, by 2.);
  4. after the results, an old checklist answer or an old yes/no button changes no profile fact;
  5. neither server's log shows a Traceback or an error while the walks ran;
  6. no fact turns true on a message that says the firm is unsure of it (「外资和上市这两项要问财务，其他都没有」).
Walks open with a greeting or a run-on opening (places known, unknown, foreign and 繁體, clients abroad, past
and planned business, a parent company), and corrections of earlier answers come at any point.
The seed is printed (and in every failure message); FUZZ_SEED=<n> replays a run, FUZZ_WALKS=<n> sets the count.
`make test` walks a fixed seed, so a run on one commit passes or fails the same way every time (a random
seed made CI land or not by chance); `make fuzz` (FUZZ_SEED=random) explores new walks, and a seed that
finds a trap becomes the fixed one once the trap is fixed.
"""
from __future__ import annotations

import os
import random
import re
import time
import uuid
from pathlib import Path

from policies_db import FIELDS
from tests.conftest import API_TOKEN
from tests.stack import http

# The last seed that found a trap (CI, 2026-12-06: an outside-coverage firm never reached its results).
FIXED_SEED = 765347
_SEED_ASKED = os.environ.get("FUZZ_SEED", "")
SEED = time.time_ns() % 1_000_000 if _SEED_ASKED == "random" else int(_SEED_ASKED or FIXED_SEED)
WALKS = int(os.environ.get("FUZZ_WALKS") or 12)
MAX_ATTEMPTS = 2 * (len(FIELDS) + 1) + 4  # two tries per question (fields + checklist), and some slack
MAX_TURNS = 90
REPLY_SECONDS = 60  # generous: the shared test machine is often loaded
AFTER_RESULTS = 6
LOG_PROBLEMS = re.compile(r"Traceback|^\S*\s*ERROR\b|\bERROR\s|Exception:|exception occurred", re.M)

REALISTIC = {
    "city": ["杭州", "武汉光谷", "宁波北仑", "温州的", "我们在嘉兴", "杭州", "武汉", "上海",
             # unknown, foreign, area names, 繁體 and corrections: the city question too comes at most twice
             "我们在火星基地", "吉隆坡", "我們在臺北", "汉川的", "钱江新城", "说错了，我们在宁波", "梅山那边", "青山"],
    "service_types": ["ITO", "我们做BPO", "KPO和ITO都有", "不做服务外包", '/inform{"service_types": "BPO"}'],
    "fields": ["软件开发", "呼叫中心", "工业设计", "医药研发", "都不是", '/inform{"fields": "design"}'],
    "situations": ["1 3", "都没有", "1，第2项不清楚", "2", "都符合", "不清楚"],
    "employees": ["一百二十人"],
}
BOOL_ANSWERS = ["是的", "不是", "有", "没有", "不清楚", "/affirm", "/deny", "/dont_know"]
NONSENSE = ["asdfgh", "？？？", "哈哈哈哈", "。", "123abc", "嗯嗯嗯嗯嗯嗯", "床前明月光", "😀😀", "[]{}<>", "null"]
EMPTY = ["", "   ", "\n"]
QUESTIONS = ["零税率是什么？", "找哪个部门？", "要准备什么材料？", "多久能批下来？", "你能做什么", "有哪些人才政策"]
SMALLTALK = ["谢谢", "在吗", "好的", "你好"]
OLD_CHECKLIST = ["1 3", "都没有", "第2项不清楚", "2"]
OLD_BUTTONS = ["/affirm", "/deny", "/dont_know"]
# Facts named with an uncertainty cue: none of them may become true on that message (issue 24).
UNSURE_FACTS = {"foreign_invested": "外资", "tech_advanced_certified": "技术先进型", "plans_listing": "上市",
                "hires_foreign_talent": "外籍员工", "is_sme": "中小企业", "in_bonded_zone": "综保区",
                "leading_firm": "龙头企业", "offshore": "离岸业务"}
UNSURE_CUES = ["不清楚", "我不太清楚", "要问财务", "拿不准", "待确认", "可能有吧", "这个我不管", "回头问问老板"]
# A run-on opening is a few of these, joined the way firms type (comma, space, nothing).
OPENING_PARTS = {
    "place": ["我们公司注册在杭州滨江", "我們公司在臺北", "公司在吉隆坡，打算在杭州设个子公司", "注册地在昆山",
              "在光谷这边", "武汉东湖高新区的", "总部在上海 杭州有个办事处", "我们在火星基地", "宁波梅山保税港区",
              "湖北汉川的", "嘉兴海宁的一家公司", "在汉口 老汉阳那边也有个点"],
    "business": ["主要做软件外包", "做呼叫中心的", "给日本客户做工业设计", "以前做离岸业务现在不做了", "做医药研发CRO",
                 "我们是培训学校，教软件测试和呼叫中心坐席", "做财务记账和法律服务", "银行，给外包企业放贷款"],
    "other": ["客户在美国和新加坡", "打算明年上市", "员工大概三百来人", "不是外资也不是国企", "龙头谈不上",
              "母公司是外资的 我们自己是内资", "有几个外籍工程师", "没有技术先进型认定", "想问问有什么政策"],
}
CORRECTIONS = ["说错了，我们在宁波", "更正一下，不是外资", "刚才说错了 员工是80人", "不对不对，我们是做BPO的",
               "之前那个说错了，我们其实没有离岸业务", "改一下：注册地在武汉江汉区"]
MOVES = [("realistic", 40), ("correction", 5), ("unsure", 8), ("nonsense", 12), ("empty", 5), ("long", 5),
         ("button", 10), ("old_checklist", 8),
         ("question", 12), ("smalltalk", 8)]
NEUTRAL = {"question", "smalltalk"}  # the firm is not answering: the form rightly asks the same question again


def unsure_message(rng: random.Random) -> tuple[str, list[str]]:
    named = rng.sample(sorted(UNSURE_FACTS), rng.randint(1, 3))
    text = "和".join(UNSURE_FACTS[n] for n in named) + rng.choice(["这几项", "这块", ""]) + rng.choice(UNSURE_CUES)
    return text + rng.choice(["", "，其他都没有", "，别的都有"]), named


def opening(rng: random.Random) -> str:
    """A greeting, or a run-on opening of 2–5 facts (30–120 characters, as firms' first messages are)."""
    if rng.random() < 0.3:
        return rng.choice(["你好", "在吗", "请问有什么政策适合我们企业"])
    parts = [rng.choice(OPENING_PARTS["place"]), rng.choice(OPENING_PARTS["business"])]
    parts += rng.sample(OPENING_PARTS["other"], rng.randint(0, 3))
    rng.shuffle(parts)
    return "".join(part + rng.choice(["，", " ", "", "。"]) for part in parts).rstrip("， 。")


def long_message(rng: random.Random) -> str:
    parts = ["我们公司在杭州，做软件外包，", "有日本客户，", "也做一些呼叫中心业务，", "这个问题我要问一下老板，"]
    return "".join(rng.choice(parts) for _ in range(rng.randint(200, 400)))


class Walk:
    def __init__(self, base: str, rng: random.Random, number: int):
        self.base, self.rng, self.number = base, rng, number
        self.sender = f"fuzz-{SEED}-{number}-{uuid.uuid4().hex[:6]}"
        self.events_seen = 0
        self.transcript: list[str] = []
        self.last_buttons: list[str] = []
        self.slots: dict = {}

    def fail(self, message: str) -> str:
        tail = "\n".join(self.transcript[-int(os.environ.get("FUZZ_TAIL", 12)):])
        return f"seed {SEED} walk {self.number} ({self.sender}): {message}\n{tail}"

    def tracker(self) -> dict:
        status, body = http("GET", f"{self.base}/conversations/{self.sender}/tracker?include_events=ALL&token={API_TOKEN}")
        assert status == 200, self.fail(f"tracker: {status} {body}")
        return body

    def send(self, kind: str, text: str) -> tuple[list[dict], list[dict]]:
        try:
            status, replies = http("POST", f"{self.base}/webhooks/rest/webhook",
                                   {"sender": self.sender, "message": text}, timeout=REPLY_SECONDS)
        except OSError as exc:  # a timeout is a message without a reply
            raise AssertionError(self.fail(f"no reply within {REPLY_SECONDS} s to {kind} message "
                                           f"{text[:40]!r} ({len(text)} chars): {exc}")) from exc
        assert status == 200, self.fail(f"{kind} {text[:40]!r}: HTTP {status} {replies}")
        tracker = self.tracker()
        self.slots = tracker["slots"]
        events = tracker.get("events") or []
        new, self.events_seen = events[self.events_seen:], len(events)
        shown = text if len(text) <= 40 else text[:40] + f"…({len(text)} chars)"
        reply = " | ".join((m.get("text") or "[custom]")[:50].replace("\n", " ") for m in replies or [])
        self.transcript.append(f"  [{kind}] {shown!r} → {reply}")
        assert replies, self.fail(f"no reply to {kind} message {shown!r}")
        buttons = [b.get("payload") for m in replies for b in (m.get("buttons") or []) if b.get("payload")]
        self.last_buttons = buttons or self.last_buttons
        return replies, new

    def message(self, kind: str, slot: str | None) -> str:
        rng = self.rng
        if kind == "realistic":
            if slot in REALISTIC:
                return rng.choice(REALISTIC[slot])
            return rng.choice(BOOL_ANSWERS) if slot in FIELDS else rng.choice(REALISTIC["city"])
        if kind == "nonsense":
            return rng.choice(NONSENSE)
        if kind == "empty":
            return rng.choice(EMPTY)
        if kind == "long":
            return long_message(rng)
        if kind == "button":
            return rng.choice(self.last_buttons or OLD_BUTTONS)
        if kind == "old_checklist":
            return rng.choice(OLD_CHECKLIST)
        if kind == "correction":
            return rng.choice(CORRECTIONS)
        if kind == "question":
            return rng.choice(QUESTIONS)
        return rng.choice(SMALLTALK)


def asks(events: list[dict]) -> list[str]:
    """Questions asked in a reply: utter_ask_<slot> responses and the checklist payload."""
    out = []
    for e in events:
        if e.get("event") != "bot":
            continue
        name = (e.get("metadata") or {}).get("utter_action") or ""
        custom = (e.get("data") or {}).get("custom") or {}
        if name.startswith("utter_ask_"):
            out.append(name[len("utter_ask_"):])
        elif isinstance(custom, dict) and custom.get("type") == "checklist":
            out.append("situations")
    return out


def has_results(replies: list[dict]) -> bool:
    return any((m.get("custom") or {}).get("type") == "eligibility_results" for m in replies if isinstance(m.get("custom"), dict))


def profile(slots: dict) -> dict:
    return {name: slots.get(name) for name in FIELDS}


MOVE_COUNTS: dict[str, int] = {}


def run_walk(base: str, rng: random.Random, number: int) -> int:
    walk = Walk(base, rng, number)
    walk.events_seen = len(walk.tracker().get("events") or [])
    replies, _ = walk.send("opening", opening(rng))
    # A firm outside coverage that names its place in the opening gets its results at once.
    question, row, attempts, turns, results = None, 0, 0, 1, has_results(replies)
    while not results:
        turns += 1
        assert turns <= MAX_TURNS, walk.fail(f"no results after {MAX_TURNS} turns")
        kind = rng.choices([m for m, _ in MOVES], weights=[w for _, w in MOVES])[0]
        before = profile(walk.slots)
        if kind == "unsure":
            text, named = unsure_message(rng)
        else:
            text, named = walk.message(kind, walk.slots.get("requested_slot")), []
        replies, events = walk.send(kind, text)
        turned = [n for n in named if before[n] is not True and walk.slots.get(n) is True]
        assert not turned, walk.fail(f"{turned} turned true on the unsure message {text!r}")
        MOVE_COUNTS[kind] = MOVE_COUNTS.get(kind, 0) + 1
        reached_rasa = any(e.get("event") == "user" for e in events)
        results = has_results(replies)
        if kind in NEUTRAL:
            continue
        attempts += reached_rasa
        asked = asks(events)
        if asked:
            row = row + 1 if asked[-1] == question else 1
            question = asked[-1]
        elif reached_rasa:
            question, row = None, 0
        assert row <= 2, walk.fail(f"question {question!r} asked {row} times in a row")
        assert results or attempts <= MAX_ATTEMPTS, walk.fail(f"no results after {attempts} answer attempts")
    before = profile(walk.slots)
    for _ in range(AFTER_RESULTS):
        kind = rng.choice(["old_checklist", "old_buttons", "question", "smalltalk", "nonsense", "correction"])
        text = rng.choice(OLD_BUTTONS) if kind == "old_buttons" else walk.message(kind, None)
        walk.send(kind, text)
        if kind in ("old_checklist", "old_buttons"):
            after = profile(walk.slots)
            changed = {k: (before[k], after[k]) for k in FIELDS if before[k] != after[k]}
            assert not changed, walk.fail(f"an old answer {text!r} after the results changed {changed}")
        before = profile(walk.slots)
    return turns


def log_offsets(workdir: Path) -> dict[Path, int]:
    return {log: log.stat().st_size for log in workdir.glob("*.log")}


def test_random_walks_never_trap_the_firm(servers):
    print(f"\nfuzz seed {SEED} ({WALKS} walks; FUZZ_SEED={SEED} replays it)")
    offsets = log_offsets(servers["workdir"])
    assert offsets, f"no server logs in {servers['workdir']}"  # the log check must look at something
    rng = random.Random(SEED)
    turns = [run_walk(servers["api"], random.Random(rng.random()), n) for n in range(WALKS)]
    print(f"fuzz seed {SEED}: {sum(turns)} turns to results over {WALKS} walks (max {max(turns)}); moves {MOVE_COUNTS}")
    problems = []
    for log, offset in offsets.items():
        with log.open("rb") as f:
            f.seek(offset)
            text = f.read().decode(errors="replace")
        problems += [f"{log.name}: {line}" for line in text.splitlines() if LOG_PROBLEMS.search(line)]
    assert not problems, f"seed {SEED}: errors in the server logs during the walks:\n" + "\n".join(problems[:40])
