"""Validate action-server responses with validators built once, each event against its own kind's schema.

Why: `RemoteAction._validate_action_result` calls `jsonschema.validate`, which re-checks the constant
response schema against the metaschema on every action call; and even with a validator built once, every
event is tried against all 23 branches of the events schema's `oneOf` (it must prove that exactly one matches).
Gain: py-spy put **70 %** of the Rasa process's CPU in the metaschema check; with the event lookup cache
(event_types.py) a single turn went from p50 101 / p95 187 ms to 60 / 100 ms and capacity from 8.6 to 14.5
turns/s. The `oneOf` walk was still ~8 % of a turn (pyinstrument, bench/turn_profile.py, 2026-12-07); gain of
the per-kind path: bench/README.md (2026-12-07).
Behaviour: the same verdict and, on a bad response, the same error and message. Each branch of the `oneOf`
fixes `event` with a `const`, so an event whose `event` names a branch can match no other branch: the `oneOf`
holds exactly when that branch (with the schema's common part) holds. Anything else — an unknown kind, a
non-dict, a failure — goes through the full validator, which raises the error Rasa would have raised.
"""
from __future__ import annotations

from typing import Any, Dict

_full = None  # the response schema's validator
_by_kind: Dict[str, Any] = {}  # event kind → validator of the events schema's common part and that kind's branch
_responses = None  # validator of the response's "responses" part


def _build(schema: Dict[str, Any]) -> None:
    from jsonschema import validators

    global _full, _responses
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    _full = cls(schema)
    properties = schema.get("properties", {})
    event_schema = properties.get("events", {}).get("items", {})
    common = {key: value for key, value in event_schema.items() if key != "oneOf"}
    for branch in event_schema.get("oneOf", []):
        kind = branch.get("properties", {}).get("event", {}).get("const")
        if isinstance(kind, str):
            _by_kind[kind] = cls({"allOf": [common, branch]})
    _responses = cls(properties.get("responses", {}))


def _valid_by_kind(result: Any) -> bool:
    """True when the per-kind validators accept the whole response; False means "ask the full validator"."""
    if not isinstance(result, dict) or set(result) - {"events", "responses"}:
        return False
    events = result.get("events", [])
    if not isinstance(events, list) or ("responses" in result and not _responses.is_valid(result["responses"])):
        return False
    for event in events:
        validator = _by_kind.get(event.get("event")) if isinstance(event, dict) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def _validate_action_result(self, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError, exceptions

    if _full is None:
        _build(self.action_response_format_spec())
    if _valid_by_kind(result):
        return True
    error = exceptions.best_match(_full.iter_errors(result))
    if error is None:
        return True
    assert isinstance(error, ValidationError)
    error.message += (". Failed to validate Action server response from API, make sure your response from the "
                      "Action endpoint is valid. For more information about the format visit "
                      "https://rasa.com/docs/rasa/custom-actions")
    raise error


_validate_action_result._cached = True  # type: ignore[attr-defined]


def apply() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result
