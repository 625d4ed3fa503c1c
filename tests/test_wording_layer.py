"""One wording layer (issue 20): every sentence about a result is made in policies_db/wording/__init__.py; the modules
that compute (availability, results, engine, logic) hold no Chinese phrase of their own."""
from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from policies_db import wording
from policies_db.authoring.schema import KINDS

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def _phrases(path: Path) -> list[str]:
    """String constants with Chinese in them, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and CJK.search(n.value) and id(n) not in docstrings]


@pytest.mark.parametrize("module", ["availability.py", "results.py", "engine.py", "logic.py"])
def test_computing_modules_make_no_phrases(module):
    assert _phrases(ROOT / "policies_db" / "evaluation" / module) == []


def test_one_set_of_kind_labels():
    assert list(wording.KINDS) == list(KINDS)


def test_results_use_the_wording_layers_status_phrase(compiled):
    from policies_db import evaluate_compiled

    profile = {"city": "杭州", "service_types": ["ITO"], "offshore": True}
    for as_of in (dt.date(2024, 6, 30), dt.date(2026, 11, 22), dt.date(2022, 6, 30)):
        ev = evaluate_compiled(compiled, profile, as_of)
        for r in ev.eligible + ev.undetermined:
            assert r.status_phrase == wording.status_phrase(r.status, r.document, as_of)
            assert wording.status_text(r) == (r.status_phrase or wording.status_text(r))


def test_notes_sentence_gives_what_the_text_leaves_to_the_department(compiled):
    # 「园区建设能拿专项资金吗 大概多少」: the text's own note (以申报通知为准) answers with the departments
    from policies_db import evaluate_compiled

    ev = evaluate_compiled(compiled, {"city": "武汉"}, dt.date(2026, 11, 22))
    by_id = {r.measure.id: r for r in ev.eligible + ev.undetermined + ev.ineligible}
    funds = by_id["wh-public-service-platform"]
    assert "申报通知" in wording.notes_sentence(funds) and wording.notes_sentence(funds).startswith("文件的说法是：")
    no_units = next(r for r in by_id.values() if not r.measure.contacts_in_text and r.measure.conditions_to_confirm)
    assert wording.notes_sentence(no_units) == ""  # its contact sentence says it already
    assert "文件的说法是" in wording.contact_sentence(no_units)
