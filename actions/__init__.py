"""The action server: thin Rasa SDK actions over the policies_db engine.

Run with `rasa run actions` (make run does it); the actions are found in this package.
"""
from .form import ValidateProfileForm  # noqa: F401
from .handoff import ActionHandoff  # noqa: F401
from .questions import ActionAnswerMeasure, ActionTopicLookup  # noqa: F401
from .results import ActionExplainIneligible, ActionShowResults  # noqa: F401
