"""Record every failing call to the action server, so the channel can apologise for that turn.

Why: Rasa logs a failing custom action (connection refused, 5xx, bad response) and carries on, so the
channel cannot see the failure in its reply; without this the firm gets silence. The record and the
apology live in bot/channels/failure.py.
Gain: none (behaviour, not speed): one dict write per failed action call, nothing on success.
"""
from __future__ import annotations


def apply() -> None:
    from rasa.core.actions.action import RemoteAction

    from bot.channels.failure import record_failure

    original = RemoteAction.run
    if getattr(original, "_records_failures", False):
        return

    async def run(self, output_channel, nlg, tracker, domain):
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except Exception:
            record_failure(tracker.sender_id)
            raise

    run._records_failures = True  # type: ignore[attr-defined]
    RemoteAction.run = run
