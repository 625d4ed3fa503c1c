"""What every action needs: the compiled catalogue, today's date, the profile from the slots."""
from __future__ import annotations

import datetime as dt
import os
from typing import Any

from rasa_sdk import Tracker

import policies_db
from policies_db import FIELD_ORDER, CompiledCatalogue, Evaluation
from policies_db.engine import evaluate_compiled


def catalogue() -> CompiledCatalogue:
    """Loaded from the policy database once per process (POLICIES_DB_URL or build/policies.db)."""
    return policies_db.load()


def as_of() -> dt.date:
    """Today, or POLICY_AS_OF=YYYY-MM-DD (tests and demos pin the date)."""
    pinned = os.environ.get("POLICY_AS_OF")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def profile_from_slots(slots: dict[str, Any]) -> dict[str, Any]:
    profile = {}
    for name in FIELD_ORDER:
        value = slots.get(name)
        if value is None:
            continue
        if name == "employees":
            value = int(value)
        profile[name] = value
    return profile


def profile_of(tracker: Tracker) -> dict[str, Any]:
    return profile_from_slots(tracker.current_slot_values())


def evaluate_tracker(tracker: Tracker) -> Evaluation:
    return evaluate_compiled(catalogue(), profile_of(tracker), as_of())
