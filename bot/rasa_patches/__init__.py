"""Our changes to Rasa's internals, in one place, for Rasa 3.6.21 only.

Each module here is one patch: why it exists, what it measured, and an idempotent `apply()`.
`apply()` below is the single entry point; the Rasa server calls it at start-up, when it builds our
channels from credentials.yml (each channel's from_credentials; importing a module patches nothing).
It refuses — one ERROR log line, nothing
patched — on any other Rasa version, so an upgrade fails loudly: re-check each patch against the
new Rasa's source (tests/test_rasa_patches.py does much of it), measure with `make bench`, then
change RASA_VERSION.
"""
from __future__ import annotations

import logging
from importlib.metadata import version
from types import ModuleType

from . import action_failures, action_response_validator, actions_in_process, entity_mappings, event_types, log_copies

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"

# In the order they were found by profiling (bench/README.md); action_failures is behaviour, not speed;
# actions_in_process changes nothing unless the action endpoint's URL is `inprocess:<package>`.
PATCHES: tuple[ModuleType, ...] = (action_response_validator, event_types, log_copies, entity_mappings,
                                   action_failures, actions_in_process)

_applied = False


def apply(rasa_version: str | None = None) -> bool:
    """Apply every patch once; True when they are in place. rasa_version: the installed one unless given."""
    global _applied
    found = rasa_version or version("rasa")
    if found != RASA_VERSION:
        logger.error("Rasa patches NOT applied: they are written for Rasa %s, this is Rasa %s. The assistant "
                     "runs without them (slower; a failed action turn gets no apology; an `inprocess:` action "
                     "endpoint cannot run actions — use the action server). Check each patch in "
                     "bot/rasa_patches/ against this Rasa version, then update RASA_VERSION.", RASA_VERSION, found)
        return False
    if not _applied:
        for patch in PATCHES:
            patch.apply()
        _applied = True
        logger.info("Rasa patches applied for Rasa %s: %s", found,
                    ", ".join(p.__name__.rsplit(".", 1)[1] for p in PATCHES))
    return True
