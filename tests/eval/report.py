"""Figures, the per-conversation table and the worst conversations, as Markdown and JSON."""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Any

from tests.eval.replay import Record

TARGET_SUCCESS = 0.95
TARGET_MISUNDERSTOOD = 0.05


def summary(records: list[Record]) -> dict[str, Any]:
    turns = [t for r in records for t in r.turns]
    questions = [len(r.questions_asked()) for r in records]
    expected_facts = sum(len(r.expected) for r in records)
    wrong_facts = sum(len(r.fact_errors()) for r in records)
    need_results = [r for r in records if r.conversation.results]
    by_tag: dict[str, list[bool]] = defaultdict(list)
    for r in records:
        for tag in r.conversation.tags:
            by_tag[tag].append(r.success)
    by_question = Counter(t.asked_before or "(no question)" for t in turns if t.misunderstood)
    return {
        "conversations": len(records),
        "success": sum(r.success for r in records),
        "success_rate": _ratio(sum(r.success for r in records), len(records)),
        "turns": len(turns),
        "misunderstood_turns": sum(1 for t in turns if t.misunderstood),
        "misunderstood_rate": _ratio(sum(1 for t in turns if t.misunderstood), len(turns)),
        "results_reached": _ratio(sum(r.results is not None for r in need_results), len(need_results)),
        "facts_right": _ratio(expected_facts - wrong_facts, expected_facts),
        "questions_per_conversation": round(statistics.mean(questions), 2) if questions else 0,
        "questions_max": max(questions, default=0),
        "errors": sum(1 for r in records if r.error),
        "success_by_tag": {tag: {"n": len(v), "success_rate": _ratio(sum(v), len(v))} for tag, v in sorted(by_tag.items())},
        "misunderstood_by_question": dict(by_question.most_common()),
        "targets": {"success_rate": TARGET_SUCCESS, "misunderstood_rate": TARGET_MISUNDERSTOOD},
    }


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def problems(record: Record) -> list[str]:
    out = [f"error: {record.error}"] if record.error else []
    out += [f"fact {e}" for e in record.fact_errors()]
    out += [f"measures: {e}" for e in record.measure_errors()]
    out += record.check_errors()
    return out


def wrong_lines(record: Record) -> list[str]:
    """The transcript lines that went wrong: misunderstood turns, failed checks, and the turns meant to
    state a fact the tracker does not hold (or that set a wrong value)."""
    wrong_fields = {e.split(":")[0] for e in record.fact_errors()}
    lines = []
    for i, t in enumerate(record.turns, 1):
        why = []
        if t.misunderstood:
            why.append(t.misunderstood)
        why += t.check_failures
        touched = wrong_fields & (set(t.stated) | set(t.slots_set))
        if touched:
            why.append("fact " + ", ".join(sorted(touched)))
        if why:
            lines.append(f"  {i}. {t.line()}  ⟵ {'; '.join(why)}")
    return lines


def worst(records: list[Record], n: int = 10) -> list[Record]:
    return sorted(records, key=lambda r: (r.success, -len(problems(r)), -r.misunderstood, r.conversation.id))[:n]


def markdown(records: list[Record], meta: dict[str, Any]) -> str:
    s = summary(records)
    ok = lambda value, target, low=False: "**met**" if (value <= target if low else value >= target) else "not met"
    out = [f"# Conversation evaluation — {meta.get('date', '')}", "",
           f"{s['conversations']} conversations from "
           f"`{'tests/sealed/' if meta.get('set') == 'sealed' else 'tests/conversations/'}` replayed through the REST channel "
           f"(model `{meta.get('model', '')}`, {meta.get('seconds', 0):.0f} s).", "",
           *([f"**Warning:** the model's domain has no slot for {', '.join(meta['model_lacks_slots'])} — the model is "
              "older than domain/ (run `make train`); answers about these fields cannot be held.", ""]
             if meta.get("model_lacks_slots") else []),
           "| measure | value | target |", "|---|---:|---|",
           f"| task success (facts right, results reached, measures as expected) | {_pct(s['success_rate'])} "
           f"({s['success']}/{s['conversations']}) | ≥ 95 % — {ok(s['success_rate'], TARGET_SUCCESS)} |",
           f"| misunderstood turns (did-not-understand, out of scope, question re-asked) | {_pct(s['misunderstood_rate'])} "
           f"({s['misunderstood_turns']}/{s['turns']}) | ≤ 5 % — {ok(s['misunderstood_rate'], TARGET_MISUNDERSTOOD, low=True)} |",
           f"| results reached | {_pct(s['results_reached'])} | |",
           f"| facts held right | {_pct(s['facts_right'])} | |",
           f"| questions asked per conversation (mean / max) | {s['questions_per_conversation']} / {s['questions_max']} | |",
           ""]
    if s["misunderstood_by_question"]:
        out += ["Misunderstood turns by the question being asked: "
                + ", ".join(f"{k} {v}" for k, v in s["misunderstood_by_question"].items()), ""]
    out += ["## Success by tag", "", "| tag | n | success |", "|---|---:|---:|"]
    out += [f"| {tag} | {v['n']} | {_pct(v['success_rate'])} |" for tag, v in s["success_by_tag"].items()]
    out += ["", "## Worst conversations", ""]
    for r in worst(records):
        if r.success and not r.misunderstood:
            break
        out.append(f"### {r.conversation.id} ({r.conversation.file}) — {r.conversation.firm}")
        out += [f"- {p}" for p in problems(r)] or ["- (success, but with misunderstood turns)"]
        out += ["", "```", *wrong_lines(r), "```", ""]
    out += ["## Per conversation", "",
            "| conversation | turns | misunderstood | questions | facts | results | measures | success |",
            "|---|---:|---:|---:|---|---|---|---|"]
    for r in records:
        facts = f"{len(r.expected) - len(r.fact_errors())}/{len(r.expected)}"
        results = "yes" if r.results is not None else ("no" if r.conversation.results else "n/a")
        measures = "ok" if not r.measure_errors() else "; ".join(r.measure_errors())
        out.append(f"| {r.conversation.id} | {len(r.turns)} | {r.misunderstood} | {len(r.questions_asked())} | "
                   f"{facts} | {results} | {measures} | {'✓' if r.success else '✗'} |")
    return "\n".join(out) + "\n"


def as_json(records: list[Record], meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "meta": meta,
        "summary": summary(records),
        "conversations": [
            {"id": r.conversation.id, "file": r.conversation.file, "sender": r.sender, "success": r.success,
             "problems": problems(r), "misunderstood": r.misunderstood, "questions": r.questions_asked(),
             "expected_facts": r.expected,
             "turns": [{"phase": t.phase, "asked": t.asked_before, "text": t.text, "intent": t.intent,
                        "confidence": t.confidence, "bot": t.bot, "bot_text": t.bot_text, "asks": t.asks,
                        "slots_set": t.slots_set,
                        "misunderstood": t.misunderstood, "results": t.results is not None,
                        "checks": t.check_failures} for t in r.turns]}
            for r in records],
    }
