"""A domain response as text, for the one sentence an action must keep as well as send.

Fixed sentences live in the domain (domain/*.yml, `responses:`) and the actions utter them by name:
`dispatcher.utter_message(response="utter_corrected", changes=...)`, Rasa filling `{changes}`. The push notice is
also stored with the subscription as what the firm agreed to, so the action renders it here from the domain the
action server receives — the same response, filled the way Rasa fills it (rasa/core/nlg/interpolator.py).
"""
from __future__ import annotations

import re
from typing import Any, Dict

VARIABLE = re.compile(r"{([^\n{}]+?)}")  # Rasa's placeholder syntax


def render(domain: Dict[str, Any], name: str, **values: Any) -> str:
    """The text of response `name` (its first variation) with its {variables} filled from `values`."""
    text = domain["responses"][name][0]["text"]
    return VARIABLE.sub(lambda m: str(values[m.group(1)]), text)
