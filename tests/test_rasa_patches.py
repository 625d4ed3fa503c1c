"""The Rasa patches (bot/rasa_patches/) keep Rasa's behaviour — same results, same errors — and are
applied only on the Rasa version they were written for."""
import datetime as dt
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
from rasa.utils.endpoints import EndpointConfig
print(json.dumps({
    "validator": getattr(RemoteAction._validate_action_result, "_cached", False),
    "event_types": getattr(Event.resolve_by_type, "_cached", False),
    "entity_mappings": getattr(FormAction.entity_mapping_is_unique, "_cached", False),
    "action_failures": getattr(RemoteAction.run, "_records_failures", False),
    "log_copies": processor.copy is not copy,
    "actions_in_process": getattr(EndpointConfig.request, "_in_process", False),
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


def test_action_response_verdicts_match_jsonschema_for_every_kind_of_event():
    """The per-kind path accepts exactly what jsonschema.validate accepts, and fails with its message."""
    import jsonschema
    from rasa.shared.core.events import (
        ActionExecuted,
        ActiveLoop,
        AllSlotsReset,
        BotUttered,
        FollowupAction,
        SessionStarted,
        UserUttered,
    )

    action = RemoteAction("validate_profile_form", None)
    good = [SlotSet("city", "杭州").as_dict(), SlotSet("service_types", ["ITO"]).as_dict(),
            ActionExecuted("action_listen").as_dict(), ActiveLoop("profile_form").as_dict(),
            ActiveLoop(None).as_dict(), BotUttered("好的", {"custom": {"a": 1}}).as_dict(),
            FollowupAction("action_show_results").as_dict(), AllSlotsReset().as_dict(), SessionStarted().as_dict(),
            UserUttered("你好", {"name": "greet", "confidence": 0.9}, [{"entity": "city", "value": "杭州"}]).as_dict()]
    bad = [{"event": "slot", "value": 1}, {"event": "slot", "name": 3, "value": 1}, {"event": "topic"},
           {"event": "action", "name": 5}, {"event": "user", "text": 5}, {"event": 7}, "slot", {"name": "city"},
           {"event": "entities"}, {"event": "user", "parse_data": {"entities": [{"entity": "city"}]}},
           {"event": "bot", "timestamp": "yesterday"}]
    responses = [{"events": good, "responses": [{"text": "好的"}]}, {"events": []}, {}, {"other": 1},
                 {"responses": [1]}, {"events": good[:3], "extra": True}, []]
    responses += [{"events": good[:2] + [event]} for event in bad]
    spec = action.action_response_format_spec()
    for response in responses:
        try:
            jsonschema.validate(response, spec)
            expected = None
        except ValidationError as e:
            expected = e.message
        if expected is None:
            assert action._validate_action_result(response), response
        else:
            with pytest.raises(ValidationError) as raised:
                action._validate_action_result(response)
            assert raised.value.message.startswith(expected), response


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


# ---- actions_in_process: the custom actions inside the Rasa process (ACTION_ENDPOINT_URL=inprocess:actions) ----

FIXTURES = "tests.action_fixtures"  # the project's actions and three that misbehave on purpose


@pytest.fixture(scope="module")
def both_endpoints(tmp_path_factory, policy_db):
    """(over HTTP, in process): a real action server and this process's executor, serving the same package with
    the same databases, so both paths can be asked the same calls."""
    import os

    from rasa.utils.endpoints import EndpointConfig

    from tests.rasa_cli import ENV
    from tests.stack import Stack, free_port

    workdir = tmp_path_factory.mktemp("actions-both-ways")
    env = {"POLICIES_DB_URL": policy_db, "POLICY_AS_OF": "2026-11-22",
           "HANDOFF_DB_URL": f"sqlite:///{workdir / 'handoff.db'}", "PUSH_DB_URL": f"sqlite:///{workdir / 'push.db'}"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    port = free_port()
    stack = Stack(workdir, {**ENV, **env, "POLICY_SKIP_STARTUP_CHECK": "0"})
    stack.start(["run", "actions", "--actions", FIXTURES, "--port", str(port)], "actions",
                f"http://127.0.0.1:{port}/health")
    try:
        stack.wait()
        yield EndpointConfig(f"http://127.0.0.1:{port}/webhook"), EndpointConfig(f"inprocess:{FIXTURES}")
    finally:
        stack.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="module")
def real_domain():
    return Domain.load(str(ROOT / "domain"))


def _firm_tracker(domain, sender: str, *, answered: bool):
    """A firm in the profile form: it named its city and service, was asked whether it works offshore and, with
    answered=True, said yes — the temporary tracker Rasa's FormAction hands to validate_profile_form."""
    from rasa.shared.core.events import ActiveLoop, BotUttered, SessionStarted
    from rasa.shared.core.trackers import DialogueStateTracker

    first = "你好，我们在杭州，做软件外包"
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
              UserUttered(first, intent={"name": "inform", "confidence": 0.98},
                          entities=[{"entity": "city", "value": "杭州", "start": 5, "end": 7},
                                    {"entity": "service_types", "value": "ITO", "start": 8, "end": 12}]),
              ActionExecuted("profile_form"), ActiveLoop("profile_form"), SlotSet("city", "杭州"),
              SlotSet("service_types", ["ITO"]), SlotSet("requested_slot", "offshore"),
              BotUttered("请问贵公司是否承接境外客户的业务（离岸外包）？"), ActionExecuted("action_listen")]
    if answered:
        events += [UserUttered("是的，主要是日本客户", intent={"name": "affirm", "confidence": 0.95}),
                   SlotSet("requested_slot", "offshore"), ActionExecuted("profile_form"), SlotSet("offshore", True)]
    return DialogueStateTracker.from_events(sender, events, slots=domain.slots)


def _comparable(events) -> list:
    """Events as dicts without what differs between two runs of the same call (timestamps, link expiry)."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("timestamp", "expires_at")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return [strip(e.as_dict()) for e in events]


async def _run(action_name: str, endpoint, tracker, domain):
    """(events, None) or (None, the exception) of Rasa's RemoteAction for this endpoint."""
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator

    action = RemoteAction(action_name, endpoint)
    try:
        return await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses),
                                tracker, domain), None
    except Exception as e:  # noqa: BLE001 - compared below
        return None, e


def test_the_in_process_patch_is_applied_and_leaves_http_endpoints_alone():
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from bot.rasa_patches.actions_in_process import package_of

    assert getattr(EndpointConfig.request, "_in_process", False)
    assert getattr(Agent.__init__, "_loads_actions", False)
    request, init = EndpointConfig.request, Agent.__init__
    assert rasa_patches.apply() is True
    assert EndpointConfig.request is request and Agent.__init__ is init  # idempotent
    assert package_of(EndpointConfig("inprocess:actions")) == "actions"
    assert package_of(EndpointConfig("inprocess:")) == "actions"
    assert package_of(EndpointConfig("inprocess:tests.action_fixtures")) == "tests.action_fixtures"
    for other in (EndpointConfig("http://127.0.0.1:5055/webhook"), EndpointConfig("https://a.example/webhook"),
                  EndpointConfig(None), None):
        assert package_of(other) is None


@pytest.mark.parametrize("answered", [True, False])
async def test_in_process_actions_return_the_same_events_as_over_http(both_endpoints, real_domain, answered):
    import copy

    over_http, in_process = both_endpoints
    names = ["validate_profile_form", "action_ask_situations", "action_show_results", "action_explain_ineligible",
             "action_show_results_on_change", "action_session_start", "action_ask_city", "action_test_tuple"]
    for name in names:
        sender = f"firm-both-ways-{name}-{answered}"  # the same conversation both ways: the same report link
        tracker = _firm_tracker(real_domain, sender, answered=answered)
        http_events, http_error = await _run(name, over_http, tracker, real_domain)
        local_events, local_error = await _run(name, in_process, tracker, real_domain)
        assert http_error is None and local_error is None, (name, http_error, local_error)
        assert _comparable(local_events) == _comparable(http_events), name
        assert [type(e) for e in local_events] == [type(e) for e in http_events], name
        # The actions get Rasa's tracker state and domain without a copy (the state's own dicts and lists are made
        # for the call; what is inside them is Rasa's): a run in process must leave Rasa's objects as they were.
        live = (copy.deepcopy([e.as_dict() for e in tracker.events]), copy.deepcopy(tracker.current_slot_values()),
                copy.deepcopy(real_domain.as_dict()))
        await _run(name, in_process, tracker, real_domain)
        assert ([e.as_dict() for e in tracker.events], tracker.current_slot_values(), real_domain.as_dict()) == live, \
            f"{name} changed Rasa's tracker or domain in place"
    tuple_event = next(e for e in local_events if isinstance(e, SlotSet))
    assert tuple_event.value == ["fields", "offshore"]  # a list, as JSON carries it over HTTP


async def test_the_form_validation_really_ran_in_process(both_endpoints, real_domain):
    _, in_process = both_endpoints
    events, error = await _run("validate_profile_form", in_process,
                               _firm_tracker(real_domain, "firm-validates", answered=True), real_domain)
    assert error is None
    slots = {e.key: e.value for e in events if isinstance(e, SlotSet)}
    assert slots.get("offshore") is True and slots.get("requested_slot") not in (None, "offshore"), slots


@pytest.mark.parametrize("name, raised, message", [
    ("action_test_rejects", "ActionExecutionRejection", "测试：这一步拒绝执行"),
    ("action_test_fails", "RasaException", "Failed to execute custom action 'action_test_fails'"),
    ("action_test_unserialisable", "RasaException", "Failed to execute custom action 'action_test_unserialisable'"),
    ("action_no_such_action", "RasaException", "Failed to execute custom action 'action_no_such_action'"),
])
async def test_a_rejection_and_a_failure_behave_as_over_http(both_endpoints, real_domain, name, raised, message):
    outcomes = {}
    for label, endpoint in zip(("http", "in process"), both_endpoints):
        sender = f"firm-{label}-{name}"
        started = time.monotonic()
        events, error = await _run(name, endpoint, _firm_tracker(real_domain, sender, answered=True), real_domain)
        assert events is None and error is not None, (label, events)
        cause = error.__cause__
        outcomes[label] = (type(error).__name__, str(error), getattr(cause, "status", None),
                           getattr(error, "action_name", None), turn_failed(sender, started))
    assert outcomes["in process"] == outcomes["http"], outcomes
    kind, text, _, action_name, recorded = outcomes["in process"]
    assert kind == raised and message in text
    assert recorded  # action_failures.py: the channel apologises for the turn, either way
    if raised == "ActionExecutionRejection":
        assert action_name == name  # Rasa's own rejection, raised from the 400 the action server answers
    else:  # the HTTP status the action server answers with, kept as the cause
        assert outcomes["http"][2] == (404 if name == "action_no_such_action" else 500)


def test_rasa_refuses_to_start_in_process_on_an_unusable_policy_database(tmp_path):
    """As the action server does (tests/test_startup.py): the actions are imported when the Agent is built."""
    code = "\n".join([
        "import os",
        f"os.environ.update(POLICY_SKIP_STARTUP_CHECK='0', POLICIES_DB_URL='sqlite:///{tmp_path / 'empty.db'}')",
        "from bot import rasa_patches", "assert rasa_patches.apply()",
        "from rasa.core.agent import Agent", "from rasa.utils.endpoints import EndpointConfig",
        "Agent(action_endpoint=EndpointConfig('inprocess:actions'))", "print('STARTED')"])
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "STARTED" not in result.stdout
    assert "自定义动作拒绝启动" in result.stderr, result.stderr[-2000:]


async def test_a_whole_conversation_in_process_gets_the_engines_results(tmp_path, policy_db, monkeypatch):
    """The trained model with the actions in this process, no action server: a firm's conversation ends with the
    results the engine gives for the facts it told."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.utils.endpoints import EndpointConfig

    from actions.context import profile_from_slots
    from policies_db import CompiledCatalogue, evaluate_compiled, load_catalogue
    from tests.rasa_cli import require_model

    monkeypatch.setenv("POLICY_AS_OF", "2026-11-22")
    monkeypatch.setenv("HANDOFF_DB_URL", f"sqlite:///{tmp_path / 'handoff.db'}")
    domain = Domain.load(str(ROOT / "domain"))
    agent = Agent.load(str(require_model()), tracker_store=InMemoryTrackerStore(domain),
                       action_endpoint=EndpointConfig("inprocess:actions"))
    sender, results = "firm-in-process", None
    texts = ["你好，我们在杭州滨江，做软件外包，主要是日本客户", "不是外资", "都没有", "不清楚", "不清楚", "不清楚"]
    for text in texts:
        output = CollectingOutputChannel()
        await agent.handle_message(UserMessage(text, output, sender))
        assert output.messages, f"no reply to {text!r}"
        for m in output.messages:
            custom = m.get("custom") or {}
            if custom.get("type") == "eligibility_results":
                results = custom
        if results:
            break
    assert results, "the conversation never reached its results"
    tracker = await agent.tracker_store.retrieve(sender)
    profile = profile_from_slots(tracker.current_slot_values())
    assert profile.get("city") and profile.get("offshore") is True, profile
    expected = evaluate_compiled(CompiledCatalogue(load_catalogue()), profile, dt.date(2026, 11, 22))
    assert {e["id"] for e in results["eligible"]} == {r.id for r in expected.eligible}
    assert results["eligible"], "a Hangzhou offshore ITO firm is eligible for something"
