"""One multiple-choice question for the firm's yes/no circumstances, instead of one question each.

When the most decisive open question is such a circumstance (foreign investment, foreign talent, listing
plans…) and two or more of them still matter, the form asks the `situations` slot: a numbered list of exactly
the circumstances that still decide something. The firm names or numbers those that apply; the others are
recorded as not applying — unless it says which (or that the rest) are unclear, which leaves them unknown.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import policies_db
from bot.nlu.checklist_reader import ITEM_WORDS, ChecklistAnswer, read_answer  # noqa: F401 (the form reads answers)
from policies_db import FIELDS

from .context import as_of, catalogue, profile_from_slots

SITUATIONS = "situations"  # the form slot that stands for the checklist question
OFFERED = "checklist"  # the slot that remembers which circumstances were listed, in their numbered order
# Yes/no circumstances of the firm; offshore/onshore describe its business and keep their own questions.
CHECKLIST_FIELDS = [name for name, spec in FIELDS.items() if spec.kind == "bool" and name not in ("offshore", "onshore")]

def checklist_items(open_questions: List[str]) -> List[str]:
    """The circumstances to list: those still open, most decisive first; [] when fewer than two."""
    if not open_questions or open_questions[0] not in CHECKLIST_FIELDS:
        return []
    items = [name for name in open_questions if name in CHECKLIST_FIELDS]
    return items if len(items) >= 2 else []


def unsure_note(slots: Dict[str, Any], fields: List[str]) -> Dict[str, str]:
    """utter_unsure_kept's variables: the facts left open, and the measures they still decide."""
    evaluation = policies_db.evaluate(profile_from_slots(slots), as_of(), catalogue(), normalized=True)
    decided = [r.measure.title for r in evaluation.undetermined if set(r.missing) & set(fields)]
    facts = "、".join(f"“{FIELDS[name].yes}”" for name in fields)
    if not decided:
        return {"facts": facts, "decides": ""}
    more = f"等{len(decided)}项措施" if len(decided) > 3 else ""
    return {"facts": facts, "decides": f"{'这些情况' if len(fields) > 1 else '这一情况'}关系到"
                                       f"{'、'.join(f'“{t}”' for t in decided[:3])}{more}，"}


def numbered(items: List[str]) -> str:
    """The circumstances as the checklist question (utter_checklist) lists them, one a line."""
    return "\n".join(f"{i}. {FIELDS[name].yes}" for i, name in enumerate(items, 1))


class ActionAskSituations(Action):
    """Asks the checklist: the form calls action_ask_<slot> for the `situations` slot."""

    def name(self) -> Text:
        return "action_ask_situations"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        skipped = tracker.get_slot("skipped_fields") or []
        evaluation = policies_db.evaluate(profile_from_slots(tracker.slots), as_of(), catalogue(), normalized=True)
        items = checklist_items(evaluation.open_questions(exclude=skipped))
        dispatcher.utter_message(
            response="utter_checklist", items=numbered(items),
            json_message={"type": "checklist", "items": [{"field": n, "label": FIELDS[n].yes} for n in items]},
        )
        return [SlotSet(OFFERED, items)]
