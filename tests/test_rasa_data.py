"""The Rasa project as Rasa sees it: data validation, test stories, held-out NLU scores."""
from __future__ import annotations

import json
import re

from tests.rasa_cli import ROOT, rasa, require_model

# Responses used by forms (utter_ask_<slot>), by action_restart, or by custom actions (by name in their code, or in
# the data they read: the explained terms of bot/nlu/lexicon/grammar.yml): the validator only looks at stories and
# rules, so it reports these as unused.
ACTION_CODE = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "actions").glob("*.py"))
ACTION_DATA = (ROOT / "bot" / "nlu" / "lexicon" / "grammar.yml").read_text(encoding="utf-8")


def _expected_unused(name: str) -> bool:
    return name.startswith("utter_ask_") or name == "utter_restart" or f'"{name}"' in ACTION_CODE \
        or re.search(rf"value: {name}\b", ACTION_DATA) is not None


def test_rasa_data_validate_is_clean():
    result = rasa("data", "validate", "--domain", "domain", "--data", "data", "--config", "config.yml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    unused = re.findall(r"The utterance '(\w+)' is not used in any story or rule", output)
    assert [u for u in unused if not _expected_unused(u)] == []
    other = [line for line in output.splitlines()
             if re.search(r"UserWarning|ERROR", line) and "is not used in any story or rule" not in line
             and "Slot auto-fill has been removed" not in line]
    assert other == [], "\n".join(other)


def test_test_stories_pass_without_prediction_errors(tmp_path):
    model = require_model()
    result = rasa("test", "core", "--model", str(model), "--stories", "tests/test_stories.yml",
                  "--fail-on-prediction-errors", "--out", str(tmp_path), "--no-plot")
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    report = json.loads((tmp_path / "story_report.json").read_text(encoding="utf-8"))
    assert report["conversation_accuracy"]["accuracy"] == 1.0


def test_held_out_nlu_meets_the_targets(tmp_path):
    model = require_model()
    result = rasa("test", "nlu", "--nlu", "tests/nlu", "--model", str(model), "--out", str(tmp_path), "--no-plot")
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    intents = json.loads((tmp_path / "intent_report.json").read_text(encoding="utf-8"))
    entities = json.loads((tmp_path / "ProfileEntityExtractor_report.json").read_text(encoding="utf-8"))
    assert intents["weighted avg"]["f1-score"] >= 0.95
    assert entities["micro avg"]["f1-score"] >= 0.90
