"""One wording layer (issue 13): fixed sentences live in the domain's responses and the actions utter them by
name — `dispatcher.utter_message(response="utter_corrected", changes=...)`, Rasa filling `{changes}`. Texts
composed from the evaluation (policies_db/wording/__init__.py, actions/render.py) are the only texts actions send.

Read from the source of actions/*.py and the YAML of domain/*.yml (no Rasa, no model), so a sentence typed
into an action again, a response renamed, or a variable misspelt on either side fails here.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from actions.checklist import SITUATIONS
from actions.explain import QUESTIONS, question_explanation
from actions.questions import elsewhere
from actions.subscribe import notice
from bot.nlu import grammar
from policies_db import FIELDS
from tests.test_domain_contract import DOMAIN

ACTIONS = Path(__file__).resolve().parent.parent / "actions"
SOURCES = {path.name: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(ACTIONS.glob("*.py"))}
RESPONSES = DOMAIN["responses"]
SLOTS = set(DOMAIN["slots"])
VARIABLE = re.compile(r"{([^\n{}]+?)}")  # Rasa's placeholder syntax (rasa/core/nlg/interpolator.py)
NAME = re.compile(r"^utter_[a-z0-9_]*[a-z0-9]$")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# utter_message's own parameters (rasa_sdk CollectingDispatcher) and keys Rasa puts in a bot message: a value
# under one of these names would not reach the response.
MESSAGE_KEYS = {"text", "image", "json_message", "template", "response", "attachment", "buttons", "elements",
                "custom", "quick_replies", "utter_action", "timestamp"}


def variables(name: str) -> set[str]:
    """The {variables} of every variation of a response: text and buttons."""
    found: set[str] = set()
    for variant in RESPONSES[name]:
        found |= set(VARIABLE.findall(variant.get("text") or ""))
        for button in variant.get("buttons") or []:
            found |= set(VARIABLE.findall(f"{button.get('title', '')} {button.get('payload', '')}"))
    return found


def _calls(func: str):
    """(file, line, call) of every call to utter_message / render in the actions."""
    for file, tree in SOURCES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                if callee == func:
                    yield file, node.lineno, node


def _names(node) -> list[str] | None:
    """The response name(s) an argument can hold, when the source spells them: "utter_x", or a if c else b."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _names(node.body), _names(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None  # a name chosen at run time: its literals are checked below, its values at run time


def _by_name():
    """(where, response names, values passed or None when passed as **values) of each call naming a response."""
    for file, line, call in _calls("utter_message"):
        kw = {k.arg: k.value for k in call.keywords}
        if "response" in kw and (names := _names(kw["response"])) is not None:
            spread = any(k.arg is None for k in call.keywords)
            yield f"{file}:{line}", names, None if spread else set(kw) - MESSAGE_KEYS
    for file, line, call in _calls("render"):
        names = _names(call.args[1]) if len(call.args) > 1 else None
        if names is not None:
            spread = any(k.arg is None for k in call.keywords)
            yield f"{file}:{line}", names, None if spread else {k.arg for k in call.keywords}


BY_NAME = list(_by_name())


def test_the_actions_utter_responses_by_name():
    assert len(BY_NAME) >= 40  # the parsing finds the calls (a refactor of this test must not find none)


@pytest.mark.parametrize("where,names,values", BY_NAME, ids=[w for w, _, _ in BY_NAME])
def test_each_named_response_exists_with_the_variables_passed(where, names, values):
    for name in names:
        assert name in RESPONSES, f"{where}: no response {name} in domain/"
        if values is None:
            continue  # **values: checked at run time below
        wanted = variables(name)
        assert values <= wanted, f"{where}: {name} has no {sorted(values - wanted)} to fill"
        assert wanted <= values | SLOTS, f"{where}: {name} needs {sorted(wanted - values - SLOTS)}, not passed"
        assert not values & SLOTS, f"{where}: {sorted(values & SLOTS)} would hide the slot of that name"


def test_every_response_named_in_the_actions_exists():
    """Names in tables and conditions too (QUESTIONS, hints): every "utter_…" literal in actions/, and the
    explained terms of bot/nlu/lexicon/grammar.yml."""
    named = {(file, node.value) for file, tree in SOURCES.items() for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAME.match(node.value)
             and node.value not in MESSAGE_KEYS}  # (utter_action: the key Rasa stores a response's name under)
    named |= {("grammar.yml", term["value"]) for term in grammar.entry("explain.terms")}
    missing = sorted(f"{file}: {name}" for file, name in named if name not in RESPONSES)
    assert not missing, missing


@pytest.mark.parametrize("requested", [*FIELDS, SITUATIONS, None])
def test_each_question_has_its_explanation_with_its_values(requested):
    name, values = question_explanation(requested)
    assert variables(name) == set(values)


def test_terms_and_questions_name_explanations_with_the_values_the_action_gives():
    from actions.explain import TERM_VALUES

    for name in [term["value"] for term in grammar.entry("explain.terms")] + list(QUESTIONS.values()):
        assert variables(name) == set(TERM_VALUES.get(name, dict)()), name


@pytest.mark.parametrize("in_wecom", [False, True])
def test_the_push_notice_gets_its_values(in_wecom):
    name, values = notice({"city": "杭州"}, in_wecom)
    assert variables(name) == set(values) and not set(values) & SLOTS


def test_a_measure_elsewhere_gets_its_values(compiled):
    values = elsewhere(compiled, compiled.measures[:1], {"city": "杭州"})
    assert variables("utter_measure_elsewhere") == set(values) and not set(values) & SLOTS


def _literal_chinese(node) -> bool:
    """A text typed into the call: a string, an f-string or a concatenation with Chinese in its fixed parts."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(CJK.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_literal_chinese(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _literal_chinese(node.left) or _literal_chinese(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_chinese(node.body) or _literal_chinese(node.orelse)
    return False  # a name or a call: composed elsewhere (policies_db/wording/__init__.py, actions/render.py)


def test_no_fixed_sentence_is_typed_into_an_action():
    typed = [f"{file}:{line}" for file, line, call in _calls("utter_message")
             if any(_literal_chinese(k.value) for k in call.keywords if k.arg == "text")
             or any(_literal_chinese(arg) for arg in call.args[:1])]
    assert not typed, f"fixed sentences belong in domain/*.yml responses, uttered by name: {typed}"


def test_the_checks_catch_what_they_are_for():
    """The rule's own test: a typed sentence and a misspelt variable are found."""
    typed = ast.parse('d.utter_message(text=f"好的，已更正：{x}。")').body[0].value
    assert _literal_chinese(typed.keywords[0].value)
    composed = ast.parse('d.utter_message(text="\\n\\n".join(parts))').body[0].value
    assert not _literal_chinese(composed.keywords[0].value)
    assert variables("utter_corrected") == {"changes"}
