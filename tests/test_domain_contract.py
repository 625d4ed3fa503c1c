"""The domain follows the profile contract: every field of policies_db/profile.py has its entity, its slot
(of the matching type, filled from that entity), its place in the profile form and its question — and the
domain has no profile slot, entity or question that is not a field. Both sides are read at test time, so
adding a fact to the profile cannot leave one of the four out.

The domain is read as Rasa reads a folder: every file in domain/ merged (plain YAML, no model needed).
domain/profile.yml is generated (scripts/gen_profile_domain.py, `make domain`): the committed file must be the
generator's output, so a field added to FIELDS fails here until the domain is regenerated.
"""
from __future__ import annotations

import dataclasses
import difflib
import json
import re
from pathlib import Path

import pytest
import yaml

from policies_db import FIELDS
from scripts.gen_profile_domain import QUESTIONS, TARGET, QuestionsError, build, render

DOMAIN_DIR = Path(__file__).resolve().parent.parent / "domain"

# Rasa slot type for each kind of profile field (actions/context.py turns float employees back into int).
SLOT_TYPE = {"city": "text", "province": "text", "bool": "bool", "list": "list", "int": "float"}
# Entities the NLU extracts that are not profile facts: which question a yes/no answers; a measure's name.
NOT_FACTS = {"answer_for", "policy", "unsure", "aspect", "region", "supposed"}  # unsure: a field the firm does not
# know; aspect: what a question asks; region: a place named in a question about measures, not where the firm is;
# supposed: a fact only supposed (「假如明年接海外的单子」), answered with what it would change
# profile_form slots that are not profile fields: the checklist question (actions/checklist.py).
FORM_EXTRAS = {"situations"}
# Fields the domain never holds because they are derived from another answer (none so far; a derived field
# must be listed here with the answer it comes from).
DERIVED: set[str] = {"province"}  # from the city answer when it names a province only (actions/places.py)
ASKED = {name: spec for name, spec in FIELDS.items() if name not in DERIVED}
BUTTON = re.compile(r"^/(\w+)(\{\{.*\}\})?$")


def _merged() -> dict:
    merged: dict = {"entities": [], "slots": {}, "forms": {}, "responses": {}, "actions": []}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        merged["entities"] += [e if isinstance(e, str) else next(iter(e)) for e in part.get("entities", [])]
        merged["actions"] += part.get("actions", [])
        for key in ("slots", "forms", "responses"):
            merged[key].update(part.get(key) or {})
    return merged


DOMAIN = _merged()


def _buttons(field: str) -> list[tuple[str, dict]]:
    """(intent, entities) of each button of the field's question."""
    out = []
    for variant in DOMAIN["responses"].get(f"utter_ask_{field}", []):
        for button in variant.get("buttons", []):
            intent, body = BUTTON.match(button["payload"]).groups()
            out.append((intent, json.loads(body[1:-1]) if body else {}))
    return out


def _entity_slots() -> dict[str, set[str]]:
    """Slots filled from an entity → the entities they are filled from."""
    out = {}
    for name, slot in DOMAIN["slots"].items():
        entities = {m["entity"] for m in slot.get("mappings", []) if m.get("type") == "from_entity"}
        if entities:
            out[name] = entities
    return out


def _differ(domain: set[str], fields: set[str]) -> str:
    return f"in the domain only: {sorted(domain - fields)}; in policies_db/profile.py only: {sorted(fields - domain)}"


def test_profile_slots_are_exactly_the_fields():
    slots = set(_entity_slots())
    assert slots == set(ASKED), _differ(slots, set(ASKED))


def test_entities_are_the_fields_and_the_listed_others():
    declared = set(DOMAIN["entities"])
    assert set(ASKED) <= declared, f"fields without an entity: {sorted(set(ASKED) - declared)}"
    assert declared - set(ASKED) <= NOT_FACTS, (
        f"entities that are not profile fields: {sorted(declared - set(ASKED) - NOT_FACTS)} — "
        "add the field to policies_db/profile.py, or the entity to NOT_FACTS with its reason")


def test_the_profile_form_asks_exactly_the_fields():
    required = DOMAIN["forms"]["profile_form"]["required_slots"]
    assert len(required) == len(set(required)), "a slot is listed twice"
    assert set(required) - FORM_EXTRAS == set(ASKED), _differ(set(required) - FORM_EXTRAS, set(ASKED))


def test_every_question_asks_for_a_slot_some_form_requires():
    asked = {name[len("utter_ask_"):] for name in DOMAIN["responses"] if name.startswith("utter_ask_")}
    asked |= {name[len("action_ask_"):] for name in DOMAIN["actions"] if name.startswith("action_ask_")}
    missing = set(ASKED) - asked
    assert not missing, f"fields without a question (utter_ask_<field>): {sorted(missing)}"
    form_slots = {slot for form in DOMAIN["forms"].values() for slot in form.get("required_slots", [])}
    assert asked <= form_slots, f"questions for no form's slot: {sorted(asked - form_slots)}"


@pytest.mark.parametrize("name", list(ASKED))
def test_each_field_slot_has_its_type_and_its_own_entity(name):
    kind = FIELDS[name].kind
    assert kind in SLOT_TYPE, f"new field kind {kind!r}: add its Rasa slot type to SLOT_TYPE"
    slot = DOMAIN["slots"].get(name)
    assert slot is not None, f"no slot for field {name}"
    assert slot["type"] == SLOT_TYPE[kind]
    assert slot.get("influence_conversation") is False  # the engine, not the policies, decides what to ask
    assert _entity_slots()[name] == {name}, "a field slot is filled from its own entity only"


@pytest.mark.parametrize("name", [n for n, f in ASKED.items() if f.kind == "bool"])
def test_yes_no_fields_take_yes_no_answers_to_their_own_question(name):
    by_intent = {}
    for mapping in DOMAIN["slots"][name]["mappings"]:
        if mapping["type"] == "from_intent":
            assert mapping["conditions"] == [{"active_loop": "profile_form", "requested_slot": name}]
            by_intent[mapping["intent"]] = mapping["value"]
    assert by_intent == {"affirm": True, "deny": False}
    buttons = _buttons(name)
    assert {intent for intent, _ in buttons} == {"affirm", "deny", "dont_know"}
    assert all(entities == {"answer_for": name} for _, entities in buttons)


@pytest.mark.parametrize("name", [n for n, f in ASKED.items() if f.kind == "list"])
def test_list_field_buttons_offer_only_values_of_the_contract(name):
    offered = [entities[name] for intent, entities in _buttons(name) if intent == "inform"]
    assert offered, f"utter_ask_{name} offers no choices"
    assert set(offered) <= set(FIELDS[name].choices), sorted(set(offered) - set(FIELDS[name].choices))


def test_derived_fields_are_fields():
    assert DERIVED <= set(FIELDS), f"DERIVED names no field: {sorted(DERIVED - set(FIELDS))}"


def test_the_committed_profile_domain_is_the_generators_output():
    committed, generated = TARGET.read_text(encoding="utf-8"), render()
    if committed != generated:
        diff = difflib.unified_diff(committed.splitlines(keepends=True), generated.splitlines(keepends=True),
                                    "domain/profile.yml (committed)", "domain/profile.yml (generated)", n=1)
        pytest.fail("domain/profile.yml is not what scripts/gen_profile_domain.py generates from "
                    "policies_db/profile.py and scripts/profile_questions.yml: run `make domain` and commit it\n"
                    + "".join(list(diff)[:40]))


def test_a_new_field_needs_its_question_then_lands_in_all_four_places():
    fields = {**FIELDS, "new_fact": dataclasses.replace(FIELDS["is_sme"], name="new_fact")}
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    with pytest.raises(QuestionsError, match=r"fields without a question: \['new_fact'\]"):
        build(fields, data)
    data["questions"]["new_fact"] = {"text": "贵公司是否……？"}
    domain = build(fields, data)
    assert "new_fact" in domain["entities"]
    # every intent's facts are taken (the reader keeps only what stating clauses say); a question may name exceptions
    assert domain["slots"]["new_fact"]["mappings"][0] == {"type": "from_entity", "entity": "new_fact",
                                                          **({"not_intent": data["not_intent"]} if data["not_intent"] else {})}
    assert domain["forms"]["profile_form"]["required_slots"][-2:] == ["new_fact", "situations"]
    assert [b["title"] for b in domain["responses"]["utter_ask_new_fact"][0]["buttons"]] == ["是的", "不是", "不清楚"]
    assert render(domain) != TARGET.read_text(encoding="utf-8")  # so the test above fails until `make domain`


def test_list_buttons_outside_the_contract_are_refused():
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    data["questions"]["fields"]["buttons"]["software"] = "软件"
    with pytest.raises(QuestionsError, match="fields: buttons for values outside the contract"):
        build(FIELDS, data)


def test_a_mistyped_question_entry_is_refused():
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    data["questions"]["is_sme"]["buttons"] = {"yes": "是"}  # buttons are for list fields only
    with pytest.raises(QuestionsError, match="is_sme: a bool field's question takes text"):
        build(FIELDS, data)
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    del data["questions"]["fields"]["none"]
    with pytest.raises(QuestionsError, match="fields: a list field's question"):
        build(FIELDS, data)
