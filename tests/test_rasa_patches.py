"""The Rasa patches (bot/rasa_patches/) keep Rasa's behaviour — same results, same errors — and are
applied only on the Rasa version they were written for."""
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.exceptions import RasaException

from bot import rasa_patches
from bot.channels.failure import turn_failed
from bot.channels.web import WebChatInput
from bot.rasa_patches.log_copies import LOG_ONLY_DEEPCOPY_MODULES

ROOT = Path(__file__).resolve().parent.parent
WebChatInput.from_credentials(None)  # what the Rasa server does with credentials.yml at start-up: patches applied

# What each patch leaves behind on Rasa's classes: (module, attribute path, marker).
MARKERS = """
from rasa.core.actions.action import RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.shared.core.events import Event
import rasa.core.processor as processor, copy
print(json.dumps({
    "validator": getattr(RemoteAction._validate_action_result, "_cached", False),
    "event_types": getattr(Event.resolve_by_type, "_cached", False),
    "entity_mappings": getattr(FormAction.entity_mapping_is_unique, "_cached", False),
    "action_failures": getattr(RemoteAction.run, "_records_failures", False),
    "log_copies": processor.copy is not copy,
}))
"""


def test_patches_are_applied_once():
    assert getattr(RemoteAction._validate_action_result, "_cached", False)
    assert getattr(Event.resolve_by_type, "_cached", False)
    assert getattr(FormAction.entity_mapping_is_unique, "_cached", False)
    assert getattr(RemoteAction.run, "_records_failures", False)
    run, resolve = RemoteAction.run, Event.resolve_by_type
    assert rasa_patches.apply() is True  # idempotent: nothing wrapped twice
    assert RemoteAction.run is run and Event.resolve_by_type is resolve


def _in_fresh_interpreter(call: str) -> subprocess.CompletedProcess:
    code = "\n".join(["import json, logging", "logging.basicConfig(level=logging.INFO)",
                      "from bot import rasa_patches", call, MARKERS])
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_another_rasa_version_is_refused_loudly_and_nothing_is_patched():
    result = _in_fresh_interpreter('assert rasa_patches.apply(rasa_version="3.7.0") is False')
    assert result.returncode == 0, result.stderr
    assert "ERROR" in result.stderr and "Rasa patches NOT applied" in result.stderr
    assert "written for Rasa 3.6.21, this is Rasa 3.7.0" in result.stderr
    markers = json.loads(result.stdout.strip().splitlines()[-1])
    assert not any(markers.values()), markers


def test_the_installed_rasa_gets_every_patch_and_a_log_line():
    result = _in_fresh_interpreter("assert rasa_patches.apply() is True")
    assert result.returncode == 0, result.stderr
    assert "Rasa patches applied for Rasa 3.6.21" in result.stderr
    markers = json.loads(result.stdout.strip().splitlines()[-1])
    assert all(markers.values()), markers


async def test_a_failed_action_call_is_recorded_for_the_channel():
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    action = RemoteAction("action_show_results", EndpointConfig("http://127.0.0.1:9/webhook"))  # nothing listens
    tracker = DialogueStateTracker("firm-with-a-failed-turn", [])
    started = time.monotonic()
    with pytest.raises(RasaException, match="Failed to execute custom action"):
        await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, Domain.empty())
    assert turn_failed("firm-with-a-failed-turn", started)
    assert not turn_failed("firm-with-a-failed-turn", started)  # asked once per turn


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
    mappings = [m for slot in domain.as_dict()["slots"].values() for m in slot.get("mappings", [])]
    assert mappings
    for mapping in mappings:
        expected = json.dumps(mapping, sort_keys=True) in unique
        assert FormAction("profile_form", None).entity_mapping_is_unique(mapping, domain) is expected


def test_log_argument_copies_are_skipped_unless_debugging():
    import copy
    import importlib
    import logging

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
