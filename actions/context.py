"""What every action needs: the compiled catalogue, today's date, the profile from the slots."""
from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any

from rasa_sdk import Tracker

import policies_db
from policies_db import FIELD_ORDER, FIELDS, CompiledCatalogue, Evaluation, ProfileError, normalize_profile

logger = logging.getLogger(__name__)


def catalogue() -> CompiledCatalogue:
    """Loaded from the policy database once per process (POLICIES_DB_URL or build/policies.db)."""
    return policies_db.load()


def as_of() -> dt.date:
    """Today, or POLICY_AS_OF=YYYY-MM-DD (tests and demos pin the date)."""
    pinned = os.environ.get("POLICY_AS_OF")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def slot_value(name: str, value: Any) -> Any:
    """A slot's value as the profile contract has it.

    Rasa wraps a `from_intent` list value once more (the "不做服务外包" button sets service_types to [[]]),
    so list fields are flattened; employees arrive as a float slot."""
    if FIELDS[name].kind == "list" and isinstance(value, list):
        flat: list = []
        for item in value:
            flat.extend(item if isinstance(item, list) else [item])
        return flat
    if name == "employees" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def normalized_field(name: str, value: Any) -> Any:
    """One field through the profile's own normalization; None when the value is unusable."""
    try:
        return normalize_profile({name: slot_value(name, value)}).get(name)
    except ProfileError:
        return None


def profile_from_slots(slots: dict[str, Any]) -> dict[str, Any]:
    profile = {}
    for name in FIELD_ORDER:
        if slots.get(name) is None:
            continue
        value = normalized_field(name, slots[name])
        if value is None:
            # A slot the contract rejects must not break every later turn: leave the field unknown.
            logger.warning("slot %s holds an unusable value %r; treated as unknown", name, slots[name])
            continue
        profile[name] = value
    return profile


def profile_of(tracker: Tracker) -> dict[str, Any]:
    return profile_from_slots(tracker.current_slot_values())


def evaluate_tracker(tracker: Tracker) -> Evaluation:
    # profile_of already normalised every field: the engine need not do it again.
    return policies_db.evaluate(profile_of(tracker), as_of(), catalogue(), normalized=True)


def previous_value(tracker: Tracker, name: str) -> Any:
    """The slot's value before the firm's latest message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == name:
            return event.get("value")
        elif event.get("event") == "restart":
            return None
    return None
