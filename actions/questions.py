"""Questions about measures at any point: why not X, X's conditions, whom to call, measures on a topic.

The answers are composed from the evaluation (actions/render.py, policies_db/wording/__init__.py); the fixed sentences
around them are responses in domain/answers.yml, uttered by name."""
from __future__ import annotations

import re
from collections import Counter
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.nlu.aspects import bodies_named, cue, without_asking
from bot.nlu.guards import asking_part
from bot.nlu.normalize import normalize
from bot.nlu.phrases import NO_OUTSOURCING
from policies_db import wording
from policies_db.evaluation import coverage
from policies_db.profile import ProfileError, normalize_profile
from policies_db.wording.paragraphs import action_text
from policies_db.wording.search import action_named, best_matches, index_for, topic_matches

from .changes import continue_profile, keeps_city, say_what_changed
from .context import catalogue, evaluate_tracker
from .explain import process_aspects
from .lookup import for_region, measures_named, measures_on_topic
from .references import asked_again, aspects_of, listed_in_message, pointed_measures
from .render import conditions_text, contact_text, coverage_text, outside_coverage_text, why_text

ANSWERS = {"ask_why_not": why_text, "ask_conditions": conditions_text, "ask_contact": contact_text}


def region_label(compiled, measure) -> str:
    """【浙江】/【武汉】: the short name of the document's jurisdiction."""
    return "【" + coverage.region_short(compiled.documents[measure.document_id].jurisdiction) + "】"


def _text(tracker: Tracker) -> str:
    return normalize(tracker.latest_message.get("text") or "")


def asked_region(tracker: Tracker, profile: dict) -> dict:
    """Where to look: the region the question names when it is a covered one (「武汉有哪些信保政策」), else the
    firm's own place."""
    compiled = catalogue()
    for value in tracker.get_latest_entity_values("region"):
        try:
            region = normalize_profile({"city": str(value)})
        except ProfileError:  # 普陀区 (上海 or 舟山): names no one region to look in
            continue
        if coverage.is_covered(compiled, region) is not False:
            return region
    return profile


def _policy_phrases(tracker: Tracker) -> List[str]:
    return [str(v) for v in tracker.get_latest_entity_values("policy")]


def elsewhere(compiled, measures, profile: dict) -> Dict[str, str]:
    """utter_measure_elsewhere's values: the measures asked about exist only in another covered region."""
    place = coverage.firm_place(profile)
    docs = {m.document_id: compiled.documents[m.document_id] for m in measures}
    return {"titles": "、".join(f"「{m.title}」" for m in measures),
            "sources": "、".join(f"《{d.title}》" for d in docs.values()),
            "regions": "、".join(dict.fromkeys(coverage.region_name(d.jurisdiction) for d in docs.values())),
            "place": place.label if place else profile.get("city")}


def _local_matches(compiled, where: dict, question: str, topics: bool = True) -> list:
    """The measures of the firm's own region (or the region asked about) that the question's words point to."""
    if not (where.get("city") or where.get("province")):
        return []

    def keep(m):
        return bool(for_region(compiled, [m], where)[0])

    index, question = index_for(compiled), without_asking(question)  # 「找哪个单位」 says whom, not which measure
    for body in bodies_named(question):  # 「是教育局管还是人社局管」: the departments asked about choose no measure here
        question = question.replace(body, " " * len(body))
    return best_matches(index, question, keep=keep) or (topic_matches(index, question, keep) if topics else [])


def _asked_matches(compiled, where: dict, text: str, topics: bool = True) -> list:
    """The firm's region's measures a question is about: by its asking clauses (「没有海外客户 人才这块找哪个部门」),
    else by the whole message — a topic said first and asked about after a space (「示范机构的那个业务发展支持
    有没有截止时间」「海外设分公司那个 有啥鼓励」) has its name outside the asking clause."""
    return _local_matches(compiled, where, asking_part(text), topics) or _local_matches(compiled, where, text, topics)


def _previous_measures(tracker: Tracker, compiled, where: dict, turns: int = 3) -> list:
    """The measures the firm's previous messages named (by name, else by their words in its region), newest first;
    bare yes/no answers to the form between them are passed over. A statement points to a measure only by a clear
    match; when none does, a statement's near-tie settled by what the firm can get (「…非核心业务外包给专业公司」 from a
    hospital: the buyers' measure, not the suppliers')."""
    return _previous_in_window(tracker, compiled, where, turns) \
        or _previous_in_window(tracker, compiled, where, turns, settle_ties=True) \
        or _last_named_by_the_assistant(tracker, compiled)


def _previous_in_window(tracker: Tracker, compiled, where: dict, turns: int, settle_ties: bool = False) -> list:
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if not seen_latest:
            seen_latest = True  # the message being answered
            continue
        data = event.get("parse_data") or {}
        found = [m for e in data.get("entities") or [] if e.get("entity") == "policy"
                 for m in measures_named(compiled, str(e.get("value")))]
        if (data.get("intent") or {}).get("name") in _BARE_ANSWERS:
            continue  # 「没有」「不清楚」 to the form's questions: no topic, and no turn of the window
        turns -= 1
        if turns < 0:
            break
        # (what a statement denies is no topic: 「我们自己不接外包项目」 is no question about export credit)
        text = NO_OUTSOURCING.sub(lambda m: " " * len(m.group()), normalize(event.get("text") or ""))
        # (a statement points to a measure only by a clear match: its topic words are the firm's, not a question's)
        asked = (data.get("intent") or {}).get("name") in _QUESTION_INTENTS
        if not found and text:
            matched = _asked_matches(compiled, where, text, topics=asked)
            if settle_ties and not asked and len(matched) > 1:
                eligible = {r.measure.id for r in evaluate_tracker(tracker).eligible}
                matched = [m for m in matched if m.id in eligible] or matched
            found = matched if asked or len(matched) == 1 else []  # (a tie of three on 「自己…项目」 names nothing)
        if found:
            return list(dict.fromkeys(found))[:3]
    return []


_BARE_ANSWERS = {"affirm", "deny", "dont_know"}
_QUESTION_INTENTS = {"ask_contact", "ask_conditions", "ask_process", "ask_why_not", "ask_topic", "ask_document", "explain"}
_QUOTED_TITLE = re.compile(r"「([^」]{2,40})」")


def _last_named_by_the_assistant(tracker: Tracker, compiled) -> list:
    """「这条具体找哪个部门」 when the firm's own messages named nothing: the measure the assistant's last answer was
    about (its 「title」), or the one measure its last results found for the firm."""
    titles = {m.title: m for m in compiled.measures}
    for event in reversed(tracker.events):
        if event.get("event") != "bot":
            continue
        custom = (event.get("data") or {}).get("custom") or {}
        if isinstance(custom, dict) and custom.get("type") == "eligibility_results":
            eligible = [e.get("id") for e in custom.get("eligible") or []]
            found = [m for m in compiled.measures if m.id in eligible]
            return found if len(found) == 1 else []
        named = [titles[t] for t in _QUOTED_TITLE.findall(event.get("text") or "") if t in titles]
        if named:
            return list(dict.fromkeys(named))[:1]
    return []




def _usual_lead(compiled, evaluation) -> Optional[str]:
    """The unit the firm's region's measures list first most often (武汉市商务局), when its region is covered."""
    if coverage.is_covered(compiled, evaluation.profile) is not True:
        return None
    own = for_region(compiled, list(compiled.measures), evaluation.profile)[0]
    leads = Counter(wording.lead_contact(evaluation.result(m.id)) for m in own)
    return leads.most_common(1)[0][0] if leads else None


def _measures_of_bodies(evaluation, bodies: List[str]) -> list:
    """The firm's eligible (else undetermined) measures whose departments include a named one, at most three."""
    bodies = [b for b in bodies if not cue("bodies_everywhere", b)]  # (商务局: listed by nearly every measure)
    for results in (evaluation.eligible, evaluation.undetermined):
        found = [r.measure for r in results if any(b in wording.all_contacts_text(r) for b in bodies)]
        if found:
            return found[:3]
    return []


class ActionAnswerMeasure(Action):
    def name(self) -> Text:
        return "action_answer_measure"

    @keeps_city
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        say_what_changed(dispatcher, tracker)  # a fact stated beside the question, after the results
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        again = asked_again(tracker)  # 「那第二个呢」: the question before, of this item
        if again and again[0] == "ask_process":
            from .explain import ActionAnswerProcess

            return await ActionAnswerProcess().run(dispatcher, tracker, domain)
        if again and again[0] == "ask_document":
            from .manners import ActionAnswerDocument

            return await ActionAnswerDocument().run(dispatcher, tracker, domain)
        if again:
            intent = again[0]
        answer = ANSWERS.get(intent, why_text)
        phrases = _policy_phrases(tracker)
        compiled = catalogue()
        # The first phrase that names a measure: 「培训示范机构怎么认定」 is about 培训示范机构 — and each other phrase
        # naming its own (「股权激励和上市融资 分别找哪个部门」: both answered).
        phrase, named = (phrases[0] if phrases else ""), pointed_measures(tracker, compiled)
        pointed = bool(named)
        # 「先说第一个找谁」「这两条是哪个部门的」: the items of the list pointed into — else every measure named
        for candidate in phrases if not named else []:
            found = measures_named(compiled, candidate)
            if found and not named:
                phrase = candidate
            named += [m for m in found if m not in named]
        listed = [] if pointed else listed_in_message(tracker, compiled)
        if len(listed) > len(named):  # 「园区那条跟出口基地那条 分别找谁」: each measure the list describes
            named, pointed = listed, True
        named = named[:4]
        exact = bool(named)  # a phrase that is a measure's name or keyword (工作许可), not words that resemble one
        evaluation = evaluate_tracker(tracker)
        where = asked_region(tracker, evaluation.profile)
        local = _asked_matches(compiled, where, _text(tracker))
        if named and local and not pointed:
            # 「公共服务平台的专项资金 找哪个部门申请」: of the measures the phrase fits (专项资金 is one's keyword, part of
            # another's), the one the question's other words point to.
            fitting = set(named) | set(measures_named(compiled, phrase, loose=True))
            said = {m: i for i, m in enumerate(named)}  # (in the order the firm named them: 「第二个」 follows it)
            named = sorted([m for m in local if m in fitting], key=lambda m: said.get(m, len(said))) or named
        if not named and intent == "ask_contact":
            # 「这种情况找哪个部门 国资委还是商务局」: no measure named, but a department — the firm's own measures that list it.
            named = _measures_of_bodies(evaluation, bodies_named(_text(tracker)))
        if not named:
            # No exact name: the measure the question is about by its words (「进口研发试剂免许可证找谁办」, typos, a
            # topic such as 「人才这块」) — among the measures of the firm's own region first, when it has one.
            # (by the asking clauses, else the whole message: 「文件里说组织去开拓新兴市场 是去哪些地方」)
            index = index_for(compiled)
            named = local or best_matches(index, without_asking(asking_part(_text(tracker)))) \
                or best_matches(index, without_asking(_text(tracker)))
        if not named and not phrases:
            # 「找谁」「多少钱」 right after a measure was named: the measure of the previous turns.
            named = _previous_measures(tracker, compiled, where)
        if not named and not phrases and coverage.is_covered(compiled, evaluation.profile) is False:
            # 「项目在武汉也不行？」 from a Chengdu firm: the documents apply by registered place — say so, and whom to ask.
            dispatcher.utter_message(text=outside_coverage_text(compiled, evaluation.profile))
            return []
        if not named and not phrases:
            if intent == "ask_contact":  # 「找哪个部门？」 without a measure: each has its own departments
                dispatcher.utter_message(response="utter_contact_needs_measure")
                lead = _usual_lead(compiled, evaluation)
                if lead:  # 「这些政策一般是归哪个部门管啊」: and who leads most of them, from the text's units
                    dispatcher.utter_message(text=wording.usual_lead_line(lead))
            else:
                dispatcher.utter_message(response="utter_which_measure")
            return []
        if not named:
            dispatcher.utter_message(response="utter_measure_not_found", phrase=phrase, coverage=coverage_text(compiled))
            return []
        measures, _ = for_region(compiled, named, where)
        if not measures and local and not exact:
            # The name fits another region's measure, the words one of the firm's own: say so, then answer that one.
            # (Not when the name is exact: 「工作许可」 is the Zhejiang measure's, not a bigram of 进口许可证.)
            dispatcher.utter_message(response="utter_measure_elsewhere", **elsewhere(compiled, named, evaluation.profile))
            measures = local
        if not measures and coverage.is_covered(compiled, evaluation.profile) is False:
            dispatcher.utter_message(text=outside_coverage_text(compiled, evaluation.profile))
            return []
        if not measures:
            dispatcher.utter_message(response="utter_measure_elsewhere", **elsewhere(compiled, named, evaluation.profile))
            return []
        several_regions = len({compiled.documents[m.document_id].jurisdiction for m in measures}) > 1
        if coverage.is_covered(compiled, evaluation.profile) is False:
            # 「浙江那个离岸零税率 我们南京的能用不」: the region asked about is covered, the firm's is not — say so first.
            said = elsewhere(compiled, measures, evaluation.profile)
            dispatcher.utter_message(text=wording.not_for_firm_line(said["titles"], said["regions"], said["place"]))
        parts = []
        for m in measures:
            prefix = region_label(compiled, m) if several_regions else ""
            parts.append(prefix + answer(evaluation.result(m.id)))
        if intent == "ask_contact":
            # 「这事是找司法局还是商务局」: a department asked about that no answered measure lists is said to be none of them.
            listed = "".join(parts)
            missing = [b for b in bodies_named(asking_part(_text(tracker))) if b not in listed]
            if missing:
                parts[-1] += "\n" + wording.bodies_not_listed_line(missing)
            if "where_text" in aspects_of(tracker.latest_message.get("entities")):
                # 「出口信贷优惠那条是文件第几条 找哪个部门」: both questions — the article too.
                parts = [part + "\n" + wording.article_line(m, compiled.documents[m.document_id])
                         for part, m in zip(parts, measures)]
        dispatcher.utter_message(text="\n\n".join(parts))
        process = process_aspects(_text(tracker)) if intent == "ask_contact" else []
        if process:  # 「一是培训这块归哪个部门管 二是有没有截止时间」: both questions answered
            dispatcher.utter_message(response="utter_process_also_not_in_source", aspects="和".join(process))
        if several_regions:  # (a message of its own: channels split a text at blank lines anyway)
            dispatcher.utter_message(response="utter_one_answer_once_city_known")
        return continue_profile(dispatcher, tracker)


class ActionTopicLookup(Action):
    def name(self) -> Text:
        return "action_topic_lookup"

    @keeps_city
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        say_what_changed(dispatcher, tracker)  # a fact stated beside the question, after the results
        phrases = _policy_phrases(tracker)
        phrase = phrases[0] if phrases else tracker.get_slot("pending_topic")
        compiled = catalogue()
        matched = [] if phrase else best_matches(index_for(compiled), without_asking(_text(tracker)))
        if not phrase and not matched:
            dispatcher.utter_message(response="utter_which_topic")
            return [SlotSet("awaiting_region", None)]
        # No topic word: the measures the question is about by its words (「海外设点有支持吗」), or a plan's action.
        action = None
        if matched:
            phrase, found, action = _asked(compiled, _text(tracker), matched)
        else:
            found = measures_on_topic(compiled, phrase)
        evaluation = evaluate_tracker(tracker)
        where = asked_region(tracker, evaluation.profile)
        city = where.get("city") or where.get("province")
        measures, need_region = for_region(compiled, found, where)
        # In the profile form the city question comes anyway: answer for every region now.
        if need_region and tracker.active_loop.get("name") != "profile_form":
            regions = "和".join(dict.fromkeys(region_label(compiled, m).strip("【】") for m in measures))
            dispatcher.utter_message(response="utter_topic_which_region", regions=regions, phrase=phrase)
            return [SlotSet("pending_topic", phrase), SlotSet("awaiting_region", True)]
        done = [SlotSet("pending_topic", None), SlotSet("awaiting_region", None)]
        if city and not measures and not found:
            dispatcher.utter_message(response="utter_topic_not_found_covered", phrase=phrase, coverage=coverage_text(compiled))
            return done
        if not measures and city and coverage.is_covered(compiled, evaluation.profile):
            # 「在岸外包有什么政策」 from Hangzhou: only Wuhan's text has one — say whose it is, not "outside coverage".
            dispatcher.utter_message(response="utter_measure_elsewhere", **elsewhere(compiled, found, evaluation.profile))
            return done
        if not measures and city:
            dispatcher.utter_message(text=outside_coverage_text(compiled, evaluation.profile))
            return done
        if not measures:
            dispatcher.utter_message(response="utter_topic_not_found", phrase=phrase)
            return done
        answer_measures(dispatcher, compiled, evaluation, measures, phrase, action)
        return done + continue_profile(dispatcher, tracker)


def _asked(compiled, text: str, matched: list) -> tuple[str, list, str | None]:
    """What was asked, its measures and the plan's action it names: an action named whole (青鸾行动) → every
    measure of its paragraph; else the best matches under the first one's title."""
    action = action_named(index_for(compiled), text)
    if action:
        return f"{action}行动", [m for m in compiled.measures if f"“{action}”" in (m.source.section or "")], action
    return matched[0].title, matched, None


def answer_measures(dispatcher: CollectingDispatcher, compiled, evaluation, measures: list, phrase: str,
                    action: str | None) -> None:
    """A plan's action as its paragraph (heading, purpose, its measures for this firm); else the list on a topic."""
    if action and measures:
        dispatcher.utter_message(text=action_text(compiled, evaluation, action, measures))
    else:
        list_measures(dispatcher, compiled, evaluation, measures, phrase)


def list_measures(dispatcher: CollectingDispatcher, compiled, evaluation, measures: list, phrase: str) -> None:
    """「与“X”相关的政策共N项」 with each measure's status for this firm and a way to ask further."""
    several_regions = len({compiled.documents[m.document_id].jurisdiction for m in measures}) > 1
    lines = []
    for i, m in enumerate(measures, 1):
        r = evaluation.result(m.id)
        status = {"eligible": "贵公司符合", "undetermined": "还需确认", "ineligible": "暂不符合"}[r.status]
        region = region_label(compiled, m) if several_regions else ""
        lines.append(f"{i}. {region}{m.title}（{status}）：{m.summary}")
    if len(measures) == 1:
        # 「外资利润再投资那个 到底支持啥」: one measure — what the text leaves to the departments, and whom to ask
        # (a text that names no unit says its notes with the contacts already).
        m = measures[0]
        if getattr(m, "contacts_in_text", True):
            lines += [wording.to_confirm_line(c) for c in m.conditions_to_confirm[:2]]
        lines.append(contact_text(evaluation.result(m.id)))
    dispatcher.utter_message(response="utter_topic_list", phrase=phrase, count=len(measures),
                             items="\n".join(lines), example=measures[0].title)


class ActionFallbackLookup(Action):
    """Low NLU confidence outside the form: before 「没有理解」, the catalogue search — a message that names measures
    by their words (a plan's action 青鸾行动, a task's title, a half-remembered name) gets those measures."""

    def name(self) -> Text:
        return "action_fallback_lookup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        compiled = catalogue()
        text = _text(tracker)
        found = best_matches(index_for(compiled), without_asking(text))
        if not found:
            dispatcher.utter_message(response="utter_default")
            return []
        evaluation = evaluate_tracker(tracker)
        phrase, found, action = _asked(compiled, text, found)
        measures, _ = for_region(compiled, found, asked_region(tracker, evaluation.profile))
        answer_measures(dispatcher, compiled, evaluation, measures or found, phrase, action)
        return []
