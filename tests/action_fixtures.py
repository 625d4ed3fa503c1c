"""An actions package for tests/test_rasa_patches.py: the project's actions, and three that misbehave on purpose,
served both by a real action server (`rasa run actions --actions tests.action_fixtures`) and in process
(`inprocess:tests.action_fixtures`), so both paths can be compared on the same calls."""
from __future__ import annotations

from rasa_sdk import Action
from rasa_sdk.events import SlotSet
from rasa_sdk.interfaces import ActionExecutionRejection

import actions  # noqa: F401 - registers the project's actions beside these


class ActionRejects(Action):
    """What a form's validation does when it cannot run: the policies must predict something else."""

    def name(self) -> str:
        return "action_test_rejects"

    def run(self, dispatcher, tracker, domain):
        raise ActionExecutionRejection(self.name(), "测试：这一步拒绝执行")


class ActionFails(Action):
    def name(self) -> str:
        return "action_test_fails"

    def run(self, dispatcher, tracker, domain):
        raise RuntimeError("测试：动作出错")


class ActionTupleAndReply(Action):
    """A tuple value and a reply: JSON carries the tuple as a list, whichever way the action runs."""

    def name(self) -> str:
        return "action_test_tuple"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="好的", buttons=[{"title": "是", "payload": "/affirm"}])
        return [SlotSet("skipped_fields", ("fields", "offshore"))]


class ActionUnserialisable(Action):
    """A value JSON cannot carry: the action server answers 500, and so does the in-process path."""

    def name(self) -> str:
        return "action_test_unserialisable"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("skipped_fields", {"fields", "offshore"})]
