"""The results, when the profile form ends or the firm asks for them outside it (data/rules/rules.yml).

  - A question, thanks, small talk or a stray message after the results passes through the form (every message is
    read for facts); when it brings no new fact the firm gets one line, not the whole list again.
  - 「请问有什么政策适合我们企业」 as an opening line, with nothing known yet: the profile questions start.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

import policies_db
from bot.nlu.aspects import cue, without_asking
from bot.nlu.guards import SHOW_NOW, asking_part, is_statement
from bot.nlu.normalize import normalize
from policies_db import FIELDS, wording
from policies_db.evaluation import coverage
from policies_db.wording.search import best_matches, index_for

from .changes import facts_at_last_results, keeps_city, questions_left
from .changes import profile_of as _profile
from .context import as_of, catalogue, evaluate_tracker, profile_of
from .questions import ActionTopicLookup
from .render import last_change
from .results import ActionShowResults


def _asks_about_measures(tracker: Tracker) -> bool:
    """The message asks about a topic or a measure the catalogue has (「那在岸外包有什么政策？」), not for the results
    as a whole (「那我们能享受哪些？」): a policy phrase was recognised, or its asking clauses name measures."""
    text = normalize(tracker.latest_message.get("text") or "")
    if is_statement(text):
        return False
    if list(tracker.get_latest_entity_values("policy")):
        return True
    index = index_for(catalogue())
    # (the measure may be named in a clause of its own before the asking one: 「老外来上班的那个工作证跟居留证 现在有没有
    # 简化一点的办法」)
    return bool(best_matches(index, without_asking(asking_part(text))) or best_matches(index, without_asking(text)))


def _now_unsure(tracker: Tracker) -> List[str]:
    """After the results, a yes/no fact the firm now says it is unsure of (「技术先进型的事我问了财务再来」 after a
    checklist's 「都没有」): known until now, unknown from now on — a no kept would be a wrong yes on the measures for
    firms without it."""
    if tracker.active_loop.get("name") or facts_at_last_results(tracker.events) is None:
        return []
    entities = tracker.latest_message.get("entities") or []
    said = {e.get("entity") for e in entities if isinstance(e.get("value"), bool)}
    names = [e.get("value") for e in entities if e.get("entity") == "unsure"]
    return [n for i, n in enumerate(names) if n in FIELDS and n not in names[:i] and n not in said
            and tracker.get_slot(n) is not None]


def _supposed_answer(tracker: Tracker, supposed: List[str]) -> str:
    evaluation = evaluate_tracker(tracker)
    if coverage.is_covered(evaluation.compiled, evaluation.profile) is False:
        return coverage.outside_noted_text(evaluation.compiled, evaluation.profile)
    profile = {**profile_of(tracker), **{name: True for name in supposed}}
    supposed_results = policies_db.evaluate(profile, as_of(), catalogue(), normalized=True)
    shown = {"eligible": [r.id for r in evaluation.eligible], "profile": evaluation.profile}
    return wording.supposed_text(wording.diff(shown, supposed_results))


class ActionShowResultsOnChange(Action):
    def name(self) -> Text:
        return "action_show_results_on_change"

    @keeps_city  # 「武汉那个综保区免许可证的 我们能用吗」 from a Hangzhou firm: the city of a measure, not a move
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        cleared = _now_unsure(tracker)
        for name in cleared:
            tracker.slots[name] = None  # judged again as unknown (the line of what changed says so)
        return [SlotSet(name, None) for name in cleared] + await self._respond(dispatcher, tracker, domain)

    async def _respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: Dict[Text, Any]) -> List[EventType]:
        shown = facts_at_last_results(tracker.events)
        now = {name: tracker.get_slot(name) for name in FIELDS}
        asked = (tracker.latest_message.get("intent") or {}).get("name") == "show_results"
        if asked and not _profile(now) and tracker.active_loop.get("name") != "profile_form":
            dispatcher.utter_message(response="utter_greet")
            return [FollowupAction("profile_form")]
        if asked and shown is None and tracker.active_loop.get("name") != "profile_form" \
                and not SHOW_NOW.search(normalize(tracker.latest_message.get("text") or "")) and questions_left(tracker):
            # 「…想问问学校能对接哪些政策」 in the opening: a few questions first, as a clerk would, not a list with 27
            # measures "to confirm" (「直接看结果」 still shows them at once).
            dispatcher.utter_message(response="utter_questions_first")
            return [FollowupAction("profile_form")]
        placed_now = not any(_profile(shown or {}).get(k) for k in ("city", "province")) \
            and any(_profile(now).get(k) for k in ("city", "province"))
        if shown is not None and placed_now and tracker.active_loop.get("name") != "profile_form" \
                and questions_left(tracker):
            # 「請問服務外包有什麼扶持政策」 before the place (「我还不知道贵公司所在的城市」), then the place: the questions
            # the results need come now, as they would have — not a list of measures "to confirm".
            dispatcher.utter_message(response="utter_questions_first")
            return [FollowupAction("profile_form")]
        supposed = sorted({str(v) for v in tracker.get_latest_entity_values("supposed") if v in FIELDS})
        if shown is not None and supposed and _profile(shown) == _profile(now):
            # 「假如明年我们开始接海外的单子 会多出来哪些政策」: what the supposed facts would change, the results kept.
            dispatcher.utter_message(text=_supposed_answer(tracker, supposed))
            return []
        asks = _asks_about_measures(tracker)
        if shown is not None and asks:
            # 「我们其实也有国内客户，那在岸外包有什么政策？」: the new fact in one line (said by the answer), not the list.
            return await ActionTopicLookup().run(dispatcher, tracker, domain)
        if shown is not None and _profile(shown) != _profile(now):
            evaluation = evaluate_tracker(tracker)
            place_then = {k: _profile(shown).get(k) for k in ("city", "province")}
            place_now = {k: _profile(now).get(k) for k in ("city", "province")}
            if place_then == place_now and coverage.is_covered(evaluation.compiled, evaluation.profile) is False:
                # Outside coverage and still in the same place: a new fact changes nothing — one line (「二十五个人」).
                dispatcher.utter_message(text=coverage.outside_noted_text(evaluation.compiled, evaluation.profile))
                return []
        change = last_change(tracker.events) if cue("what_changed", normalize(tracker.latest_message.get("text") or "")) \
            else None
        if shown is not None and _profile(shown) == _profile(now) and change:
            # 「那现在多了哪几条」 right after a correction: what that change did to the results.
            dispatcher.utter_message(text=wording.diff_text(change))
            return []
        if shown is not None and _profile(shown) == _profile(now):
            # Nothing changed: one line and the report link, whatever the phrasing (「好的，请告诉我结果」「再发一遍」).
            from .manners import report_links_for

            links = await report_links_for(tracker)
            evaluation = evaluate_tracker(tracker)
            if coverage.is_covered(evaluation.compiled, evaluation.profile) is False:
                # 「那我们能享受哪些？」 from a firm outside coverage: its place, what is covered, whom to ask.
                dispatcher.utter_message(response="utter_outside_coverage",
                                         outside=coverage.outside_text(evaluation.compiled, evaluation.profile))
            elif links is None:
                dispatcher.utter_message(response="utter_results_unchanged")
            else:
                dispatcher.utter_message(response="utter_results_unchanged_link", page=links["page"])
            return []
        return await ActionShowResults().run(dispatcher, tracker, domain)
