"""The Rasa hot-path patches (bot/rasa_speedups.py) keep Rasa's behaviour: same results, same errors."""
from pathlib import Path

import pytest
from jsonschema import ValidationError

import bot.channels  # noqa: F401 - applies the patches, as the Rasa server does when it loads our channels
from rasa.core.actions.action import RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

ROOT = Path(__file__).resolve().parent.parent


def test_patches_are_applied_once():
    assert getattr(RemoteAction._validate_action_result, "_cached", False)
    assert getattr(Event.resolve_by_type, "_cached", False)
    assert getattr(FormAction.entity_mapping_is_unique, "_cached", False)
    from bot import rasa_speedups
    rasa_speedups.apply()  # idempotent
    assert getattr(RemoteAction._validate_action_result, "_cached", False)


def test_action_responses_are_still_validated():
    action = RemoteAction("validate_profile_form", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "city", "value": "杭州"}],
                                           "responses": [{"text": "好的"}]})
    for bad in ({"events": "nope"}, {"events": [{"no_event_key": 1}]}, {"responses": {"text": 1}}):
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(bad)


def test_event_types_resolve_as_before():
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no-such-event", SlotSet) is SlotSet
    with pytest.raises(ValueError):
        Event.resolve_by_type("no-such-event")


def test_unique_entity_mappings_match_rasas_own_computation():
    domain = Domain.load(str(ROOT / "domain"))
    form = FormAction("profile_form", None)
    unique = form._create_unique_entity_mappings(domain)
    import json
    mappings = [m for slot in domain.as_dict()["slots"].values() for m in slot.get("mappings", [])]
    assert mappings
    for mapping in mappings:
        expected = json.dumps(mapping, sort_keys=True) in unique
        assert FormAction("profile_form", None).entity_mapping_is_unique(mapping, domain) is expected


def test_log_argument_copies_are_skipped_unless_debugging():
    import copy
    import importlib
    import logging

    from bot.rasa_speedups import LOG_ONLY_DEEPCOPY_MODULES

    value = {"events": [{"event": "slot"}]}
    for name in LOG_ONLY_DEEPCOPY_MODULES:
        module = importlib.import_module(name)
        source = Path(module.__file__).read_text(encoding="utf-8")
        # Guard for a Rasa upgrade: every deepcopy in these modules must still be a structlogger argument.
        for line_no, line in enumerate(source.splitlines(), 1):
            if "copy.deepcopy(" in line:
                before = "\n".join(source.splitlines()[max(0, line_no - 6):line_no])
                assert "structlogger.debug(" in before, f"{name}:{line_no} deep-copies for more than logging"
        assert module.copy.deepcopy(value) is value
    rasa_logger = logging.getLogger("rasa")
    level = rasa_logger.level
    rasa_logger.setLevel(logging.DEBUG)
    try:
        module = importlib.import_module(LOG_ONLY_DEEPCOPY_MODULES[0])
        copied = module.copy.deepcopy(value)
        assert copied == value and copied is not value
        assert module.copy.copy is copy.copy
    finally:
        rasa_logger.setLevel(level)
