"""Compare the entity annotations of NLU data with what ProfileEntityExtractor extracts.

    .venv/bin/python scripts/check_annotations.py data/nlu tests/nlu

Prints every disagreement and per-entity precision/recall; exits 1 on any disagreement.
Catches both annotation slips and extractor regressions before a 2-minute `rasa train`.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rasa.shared.nlu.training_data.loading import load_data

from bot.nlu.assets import SPACY_DIR
from bot.nlu.profile_extractor import ProfileEntityExtractor


def _spans(text: str, spans) -> list[str]:
    return sorted(f"{t}:{text[a:b]}" for t, a, b in spans)


def main(paths: list[str]) -> int:
    extractor = ProfileEntityExtractor({}, None, None, SPACY_DIR)
    tp, fp, fn = Counter(), Counter(), Counter()
    problems = 0
    for path in paths:
        for example in load_data(path).intent_examples:
            gold = {(e["entity"], e["start"], e["end"]) for e in example.get("entities") or []}
            got = {(e["entity"], e["start"], e["end"]) for e in extractor.extract(example.get("text"), example.get("intent"))}
            for item in gold & got:
                tp[item[0]] += 1
            for item in got - gold:
                fp[item[0]] += 1
            for item in gold - got:
                fn[item[0]] += 1
            if gold != got:
                problems += 1
                text = example.get("text")
                print(f"[{example.get('intent')}] {text}\n   annotated only: {_spans(text, gold - got)}"
                      f"\n   extracted only: {_spans(text, got - gold)}")
    print(f"\n{'entity':<24}{'precision':>10}{'recall':>10}{'support':>9}")
    for name in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[name] / ((tp[name] + fp[name]) or 1)
        r = tp[name] / ((tp[name] + fn[name]) or 1)
        print(f"{name:<24}{p:>10.2f}{r:>10.2f}{tp[name] + fn[name]:>9}")
    print(f"{problems} example(s) disagree")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["data/nlu"]))
