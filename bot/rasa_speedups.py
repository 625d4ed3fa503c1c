"""Rasa 3.6 hot-path fixes, applied when the Rasa server imports our channels.

Profiling a conversation (py-spy, bench/conversation_bench.py) showed 70 % of the Rasa process's CPU in
`RemoteAction._validate_action_result`: it calls `jsonschema.validate`, which re-checks the (constant) response
schema against the metaschema on every action call. Here the schema is checked once and its validator reused;
responses are validated exactly as before, with the same error and message on a bad response.

Next came `Event.resolve_by_type` (14 %): every stored event, on every tracker read, walks all Event
subclasses and asks `inspect.isabstract` of each. The class found for a type name is cached.

Then `copy.deepcopy` (10 %): Rasa 3.6 deep-copies events, slot values and policy states as arguments of
`structlogger.debug(...)` calls — eagerly, even when debug logging is off. In the four modules where every
deepcopy is such a log argument, it becomes a no-op unless the `rasa` logger is at DEBUG (`rasa run --debug`).

Then slot extraction (6 %): for every slot mapping of every turn, Rasa builds a new FormAction and recomputes
which entity mappings are unique across forms. That set depends only on the domain and the form: it is cached.
"""
from __future__ import annotations

import copy
import logging
from typing import Any, Dict

logger = logging.getLogger(__name__)

_validator = None


def _cached_validate_action_result(self, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError, exceptions, validators

    global _validator
    if _validator is None:
        schema = self.action_response_format_spec()
        cls = validators.validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    error = exceptions.best_match(_validator.iter_errors(result))
    if error is None:
        return True
    assert isinstance(error, ValidationError)
    error.message += (". Failed to validate Action server response from API, make sure your response from the "
                      "Action endpoint is valid. For more information about the format visit "
                      "https://rasa.com/docs/rasa/custom-actions")
    raise error


def _cached_resolve_by_type(original):
    found: dict = {}

    def resolve_by_type(type_name, default=None):
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            if cls is not None and cls is not default:
                found[type_name] = cls
        return cls

    resolve_by_type._cached = True  # type: ignore[attr-defined]
    return staticmethod(resolve_by_type)


def _cached_entity_mapping_is_unique():
    import json

    from rasa.core.actions.forms import FormAction

    by_form: dict = {}  # (id(domain), form) → (domain, unique mappings); the domain is kept so its id stays unique

    def entity_mapping_is_unique(self, slot_mapping, domain) -> bool:
        key = (id(domain), self.name())
        cached = by_form.get(key)
        if cached is None or cached[0] is not domain:
            if len(by_form) > 32:  # a replaced model brings a new domain: forget the old ones
                by_form.clear()
            cached = by_form[key] = (domain, self._create_unique_entity_mappings(domain))
        return json.dumps(slot_mapping, sort_keys=True) in cached[1]

    entity_mapping_is_unique._cached = True  # type: ignore[attr-defined]
    FormAction.entity_mapping_is_unique = entity_mapping_is_unique


class _LogArgumentCopy:
    """Stands in for the `copy` module where deepcopy only feeds debug logging."""

    def deepcopy(self, value, memo=None):
        if logging.getLogger("rasa").isEnabledFor(logging.DEBUG):
            return copy.deepcopy(value, memo)
        return value  # the debug call discards it

    def __getattr__(self, name):
        return getattr(copy, name)


LOG_ONLY_DEEPCOPY_MODULES = ("rasa.core.processor", "rasa.core.actions.forms", "rasa.core.policies.memoization",
                             "rasa.core.policies.rule_policy")


def _skip_log_argument_copies() -> None:
    import importlib

    for name in LOG_ONLY_DEEPCOPY_MODULES:
        module = importlib.import_module(name)
        if module.copy is copy:
            module.copy = _LogArgumentCopy()


def apply() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    if getattr(RemoteAction._validate_action_result, "_cached", False):
        return
    _cached_validate_action_result._cached = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = _cached_validate_action_result
    Event.resolve_by_type = _cached_resolve_by_type(Event.resolve_by_type)
    _cached_entity_mapping_is_unique()
    _skip_log_argument_copies()
    logger.debug("Rasa speedups applied: cached validator, event type lookup and unique entity mappings; no eager log copies")
