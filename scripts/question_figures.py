"""Questions answered right in a sealed batch of question conversations (issue 20's figure): every scripted
question or small-talk turn that carries a check (reply_has, reply_has_any, reply_lacks, no_results), from the
report `make eval` wrote (build/eval/sealed-report.json).

    .venv/bin/python scripts/question_figures.py [--file 2026-12-06-c.yml]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.eval.corpus import SEALED_DIR, load_corpus  # noqa: E402


def figures(report: dict, file: str) -> dict[str, tuple[int, int]]:
    scripted = {c.id: c for c in load_corpus(SEALED_DIR) if c.file == file}
    out: dict[str, list[int]] = {}
    for record in report["conversations"]:
        conversation = scripted.get(record["id"])
        if conversation is None:
            continue
        checked = {}
        for turn in conversation.turns + conversation.after:
            for answer in [*turn.by_slot.values(), *([turn.default] if turn.default else [])]:
                if answer.checks and answer.kind in ("question", "smalltalk", "command"):
                    checked[answer.say.strip(" ，,")] = answer.kind
        for turn in record["turns"]:
            kind = checked.get((turn["text"] or "").strip(" ，,"))
            if kind:
                right, total = out.setdefault(kind, [0, 0])
                out[kind] = [right + (not turn["checks"]), total + 1]
    return {k: (v[0], v[1]) for k, v in out.items()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", default="2026-12-06-c.yml")
    parser.add_argument("--report", default=str(ROOT / "build" / "eval" / "sealed-report.json"))
    args = parser.parse_args(argv)
    report = json.loads(Path(args.report).read_text(encoding="utf-8"))
    for kind, (right, total) in figures(report, args.file).items():
        print(f"{args.file} {kind}: {right}/{total} answered right ({right / total:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
