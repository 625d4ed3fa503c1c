"""The action server: thin Rasa SDK actions over the policies_db engine.

Run with `rasa run actions` (make run does it); the actions are found in this package.
Importing it checks the policy database first and exits with a clear message if it is unusable.
"""
import os

from .startup import check_policy_database

if os.environ.get("POLICY_SKIP_STARTUP_CHECK") != "1":  # unit tests build their own database
    check_policy_database()

from .after_form import ActionShowResultsOnChange  # noqa: F401
from .checklist import ActionAskSituations  # noqa: F401
from .explain import ActionAnswerProcess, ActionExplain  # noqa: F401
from .form import ValidateProfileForm  # noqa: F401
from .handoff import ActionHandoff  # noqa: F401
from .places import ActionAskCity, ActionSessionStart  # noqa: F401
from .questions import ActionAnswerMeasure, ActionTopicLookup  # noqa: F401
from .results import ActionExplainIneligible, ActionShowResults  # noqa: F401
from .subscribe import ActionSubscribe  # noqa: F401
