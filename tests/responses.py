"""A dispatcher message as the firm reads it, for the tests that run actions without Rasa: a response named
by the action (domain/*.yml) filled with the values the call passes, as Rasa fills it; or the text itself."""
from __future__ import annotations

from actions.responses import render

# utter_message's own keys (rasa_sdk CollectingDispatcher); any other key is a value for the response.
MESSAGE_KEYS = {"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"}


def said(message: dict, domain: dict) -> str:
    if message.get("text") or not message.get("response"):
        return message.get("text") or ""
    return render(domain, message["response"], **{k: v for k, v in message.items() if k not in MESSAGE_KEYS})


def buttons(message: dict, domain: dict) -> list:
    """The buttons the firm sees: the response's own, then those the action adds (as Rasa joins them)."""
    own = domain["responses"][message["response"]][0].get("buttons", []) if message.get("response") else []
    return list(own) + list(message.get("buttons") or [])
