"""Summarize `rasa test nlu` output: intent F1 and entity F1 (per extractor), as a Markdown table.

    .venv/bin/python scripts/nlu_report.py build/nlu-eval
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def summary(out_dir: Path) -> dict[str, float]:
    intent = json.loads((out_dir / "intent_report.json").read_text(encoding="utf-8"))
    result = {"intent_f1": intent["weighted avg"]["f1-score"], "intent_accuracy": intent["accuracy"]}
    for report in sorted(out_dir.glob("*_report.json")):
        if report.name == "intent_report.json" or "response_selection" in report.name:
            continue
        data = json.loads(report.read_text(encoding="utf-8"))
        avg = data.get("micro avg") or data.get("weighted avg")
        if avg:
            result[f"entity_f1[{report.name[:-len('_report.json')]}]"] = avg["f1-score"]
    return result


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0] if argv else "build/nlu-eval")
    print("| metric (held-out tests/nlu) | value |\n|---|---:|")
    for name, value in summary(out_dir).items():
        print(f"| {name} | {value:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
