"""The adaptive profile form: ask only the field that decides the most open measures — and never trap the firm.

On top of Rasa's slot mappings, every message is read for what it holds, whatever was asked:
  - a short answer (有的, 不算吧, 是滴) is read against the yes/no question just asked; a bare figure (一百出头)
    against the employee question; 「不算外包企业」 answers the outsourcing type;
  - list fields add up (「我们其实也做大数据分析」) unless the firm corrects itself (「说错了…」);
  - a changed fact is acknowledged in one line (已更正 / 已补充), an outsourcing type inferred from the field too;
  - no question is asked more than twice (MAX_ASKS): the second time it comes with 不清楚/跳过 buttons, after
    that the field is recorded as unknown (skipped_fields) and the form moves on;
  - an old yes/no button (its payload names the question it answered) changes nothing;
  - once the results were shown, a new or corrected fact re-evaluates at once instead of reopening the questions.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

import policies_db
from bot.nlu.assertion import CLAUSE_BREAK, past_answer
from bot.nlu.checklist_reader import blanket_answer
from bot.nlu.normalize import normalize
from bot.nlu.numbers import bare_count
from bot.nlu.phrases import NO_OUTSOURCING
from bot.nlu.short_answers import NOTHING_DONE, corrected_figure, is_correction, yes_no
from policies_db import FIELDS, wording
from policies_db.evaluation.sme import sme_by_size, standard

from .changes import facts_at_last_results
from .checklist import OFFERED, SITUATIONS, checklist_items, read_answer, unsure_note
from .context import as_of, catalogue, normalized_field, previous_value, profile_from_slots
from .places import ASSUMED, QUERY, city_matters, city_slots, in_province

MAX_MISUNDERSTOOD = 2  # answers not understood before a question is skipped
MAX_ASKS = 2  # the hard limit: no question is asked more than twice
MAX_PUTS = 5  # counting the times the form resumes with it after a question of the firm's own
STALE = "answer_for"  # entity in the yes/no buttons' payloads: the question the button answers

# Intents the form leaves to the rules (questions, handoff, results…): the form steps aside.
PAST_ONLY = "_past_only"  # _contextual's note: the answer spoke of the past only
INTERRUPTIONS = {
    "show_results", "ask_why_not", "ask_conditions", "ask_contact", "ask_topic", "ask_capabilities",
    "restart", "human_handoff", "out_of_scope", "goodbye", "thanks", "greet", "explain", "ask_process",
    "leave_contact",  # a phone number / WeChat id: data/rules/handoff.yml
    "subscribe_push", "unsubscribe_push",  # data/rules/push.yml
    "ask_document", "ask_report", "acknowledge",  # data/rules/rules.yml (actions/manners.py)
}


# The question intents whose answer the form gives itself when Rasa keeps the form running (facts were read).
_ANSWERED_IN_FORM = {"ask_why_not", "ask_conditions", "ask_contact", "ask_topic", "explain", "ask_process",
                     "ask_document", "ask_report"}
QUESTIONS_OF_THE_FIRM = _ANSWERED_IN_FORM | {"ask_capabilities", "show_results"}


def _answer_action(intent: str):
    from .explain import ActionAnswerProcess, ActionExplain
    from .manners import ActionAnswerDocument, ActionReportLink
    from .questions import ActionAnswerMeasure, ActionTopicLookup

    return {"ask_topic": ActionTopicLookup, "explain": ActionExplain, "ask_process": ActionAnswerProcess,
            "ask_document": ActionAnswerDocument, "ask_report": ActionReportLink}.get(intent, ActionAnswerMeasure)()


def _facts_set_this_turn(tracker: Tracker) -> bool:
    """Did the message fill a profile fact (so Rasa's form will not step aside for the rules)?"""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") in FIELDS:
            return True
    return False


def _just_answered(tracker: Tracker) -> bool:
    """Is the form running on the firm's reply (and not resuming after an interruption)?

    Rasa marks the tracker it sends for validation with the form's own action event: skip it."""
    for event in reversed(tracker.events):
        if event.get("event") in ("slot", "user_featurization", "active_loop"):
            continue
        if event.get("event") == "action" and event.get("name") == "profile_form":
            continue
        return event.get("event") == "user"
    return False


def _asked_in(event: Dict[str, Any]) -> Optional[str]:
    """The form question a bot message puts, if any."""
    if ((event.get("data") or {}).get("custom") or {}).get("type") == "checklist":
        return SITUATIONS
    utter = (event.get("metadata") or {}).get("utter_action") or ""
    return utter.removeprefix("utter_ask_") if utter.startswith("utter_ask_") else None


def _puts(tracker: Tracker, question: str) -> tuple[int, int]:
    """How often the question was put to the firm since the conversation (re)started, from the bot's messages.
    The same question put again after the firm asked something of its own (a question, thanks, small talk) is the
    form resuming, not another attempt: two questions of the firm's mid-form must not skip the form's."""
    # (An answer that gave other facts instead still counts: the hard limit — twice in a row while the firm answers —
    # is what the fuzzer holds the form to; tests/test_fuzz.py found a third checklist when it did not.)
    count, put, last_asked, interrupted = 0, 0, None, False
    for event in tracker.events:
        kind = event.get("event")
        if kind == "restart":
            count, put, last_asked, interrupted = 0, 0, None, False
        elif kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            # Only a question of the firm's own: an acknowledgement or small talk instead of an answer is an attempt
            # (「这个不太了解」 read as 了解 made the form put its question again and again).
            interrupted = intent in QUESTIONS_OF_THE_FIRM
        elif kind == "bot":
            asked = _asked_in(event)
            if asked is None:
                continue
            if asked == question:
                put += 1
                count += not (asked == last_asked and interrupted)
            last_asked, interrupted = asked, False
    return count, put


def times_asked(tracker: Tracker, question: str) -> int:
    count, put = _puts(tracker, question)
    # However many questions come between, a question put MAX_PUTS times is done with (「不懂这些分类」 again and again).
    return max(count, MAX_ASKS) if put >= MAX_PUTS else count


def _exhausted(tracker: Tracker, question: str, resuming: bool) -> bool:
    """Is the question done with? Resuming after the firm's own question, the last put had no answer yet: the form
    puts it once more (「青鸾行动里…那条 怎么申请」 right after the second checklist must not end the form)."""
    count, put = _puts(tracker, question)
    return put >= MAX_PUTS or (count > MAX_ASKS if resuming else count >= MAX_ASKS)


def _text(tracker: Tracker) -> str:
    return normalize(tracker.latest_message.get("text") or "")


def _intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _noted_this_turn(tracker: Tracker, events: List[EventType]) -> List[str]:
    """The facts the firm's latest message gave that were unknown before it, as the assistant names them."""
    noted: List[str] = []
    for e in events:
        name = e.get("name") if isinstance(e, dict) and e.get("event") == "slot" else None
        if name in FIELDS and e.get("value") not in (None, []) and previous_value(tracker, name) is None:
            said = FIELDS[name].describe(normalized_field(name, e["value"]))
            if said and said not in noted:
                noted.append(said)
    return noted


def _stale_button(tracker: Tracker, requested: Optional[str]) -> bool:
    """A yes/no button of an earlier question, clicked again now."""
    names = [e.get("value") for e in tracker.latest_message.get("entities") or [] if e.get("entity") == STALE]
    return bool(names) and requested not in names


# The fields whose work, done for makers, is producer services (zj-producer-services: 为制造业提供研发、设计、营销).
PRODUCER_WORK_FIELDS = {"design"}
PRODUCER_SERVICES = "producer_services"


def _set_aside(tracker: Tracker) -> bool:
    """Did the reader find the message's facts to be someone else's (bot/nlu/profile_extractor.py `aside`)?"""
    return any(e.get("entity") == "aside" for e in tracker.latest_message.get("entities") or [])


class ValidateProfileForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_profile_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        # The fields already known (so their new values are validated) and then the one question
        # that decides the most open measures; the form asks the first unfilled slot.
        # Several yes/no circumstances still open after the core questions: one checklist instead.
        profile = profile_from_slots(tracker.slots)
        skipped = tracker.slots.get("skipped_fields") or []
        evaluation = policies_db.evaluate(profile, as_of(), catalogue(), normalized=True)  # normalised per slot
        open_questions = evaluation.open_questions(exclude=skipped)
        if "city" not in skipped and "city" not in open_questions and city_matters(evaluation):
            open_questions = ["city"] + open_questions  # 浙江 alone: judged, and the city bureau needs the city
        known = [name for name in domain_slots if name in FIELDS and tracker.slots.get(name) is not None]
        shown = facts_at_last_results(tracker.events)
        if shown is not None and any(shown.get(k) is not None for k in ("city", "province")):
            # After the results, a new or corrected fact re-evaluates at once: no new questions. (Not after 「我还不知道
            # 贵公司所在的城市」 for a results request before the place: then the questions come once the place does.)
            return known
        if checklist_items(open_questions):
            return known + [SITUATIONS]
        return known + open_questions[:1]

    async def extract_situations(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        """The firm's answer to the checklist: the circumstances that apply, those that don't, those unclear."""
        intent = _intent(tracker)
        if tracker.get_slot("requested_slot") != SITUATIONS or intent in INTERRUPTIONS or not _just_answered(tracker):
            return {}
        offered = tracker.get_slot(OFFERED) or []
        answer = read_answer(_text(tracker), intent, tracker.latest_message.get("entities") or [], offered)
        if answer is None:
            return {}
        slots: Dict[Text, Any] = dict(answer.values)
        if answer.unknown:
            slots["skipped_fields"] = list(tracker.get_slot("skipped_fields") or []) + answer.unknown
            dispatcher.utter_message(response="utter_unsure_kept",
                                     **unsure_note({**tracker.slots, **slots}, answer.unknown))
        return slots

    def _unsure(self, tracker: Tracker, requested: Optional[str]) -> List[str]:
        """Yes/no facts the firm just said it does not know, still unknown and not yet recorded as such."""
        if requested == SITUATIONS or not _just_answered(tracker):
            return []  # the checklist reads them itself (extract_situations)
        skipped = tracker.get_slot("skipped_fields") or []
        names = [e.get("value") for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "unsure"]
        return [n for i, n in enumerate(names) if n in FIELDS and n not in names[:i] and n not in skipped
                and tracker.get_slot(n) is None]

    # -- what Rasa's mappings cannot read -------------------------------------------------------

    def _contextual(self, tracker: Tracker, requested: Optional[str]) -> Dict[Text, Any]:
        """Values read against the question asked, and 「不做外包」 whatever was asked."""
        text, intent = _text(tracker), _intent(tracker)
        if intent in INTERRUPTIONS or not _just_answered(tracker):
            return {}
        found: Dict[Text, Any] = {}
        entities = tracker.latest_message.get("entities") or []
        stated_types = any(e.get("entity") == "service_types" and not e.get("inferred") and e.get("value") != []
                           for e in entities)  # (the reader's [] is 「不做外包」 itself)
        said_requested = any(e.get("entity") == requested for e in entities)
        if NO_OUTSOURCING.search(text) and not stated_types:
            found["service_types"] = []
            if requested in ("offshore", "onshore") and not said_requested and tracker.get_slot(requested) is None:
                found[requested] = False  # 「服务外包不接的，阿拉是卖产品出口」: no outsourcing, so none abroad either
        if requested in FIELDS and tracker.get_slot(requested) is None and requested not in found:
            kind = FIELDS[requested].kind
            last = ([c for c in CLAUSE_BREAK.split(text.strip()) if c.strip()][-1:] or [""])[0].strip()
            # 「银行不接外包 没有」「我们是银行，这个不涉及」: the clause that answers is the last, bare one.
            bare_no = not said_requested and (len(last) <= 6 and yes_no(last) is False or blanket_answer(last) is False)
            # 「这个不涉及」 (read as dont_know) and 「尚无」 (fallback) are plain noes; 不清楚 stays unknown.
            if kind == "bool" and intent not in ("affirm", "deny"):
                value = yes_no(text)
                if value is None and len(last) <= 6 and not said_requested:
                    value = yes_no(last)
                # (a past the message gives another fact (「疫情那年受委托做过…现在这块业务已经停了」) is that fact's)
                other_fact = any(e.get("entity") in FIELDS and e.get("entity") != requested for e in entities)
                when = past_answer(text, requested) if value is None and not other_fact else None
                if value is not None or when == "gone":
                    found[requested] = bool(value)  # 「疫情那年以后就断了」: had it, not any more — a no
                elif when == "past":
                    found[PAST_ONLY] = requested  # 「以前日本的单子很多的」: and today?
            elif kind == "list" and intent != "affirm" and (yes_no(text) is False or bare_no) and requested != "service_types":
                found[requested] = []  # 「这个我们没有」 to the list of fields: none of them
            elif requested == "service_types" and intent != "affirm" and not stated_types and NOTHING_DONE.search(last) \
                    and not any(e.get("entity") == "fields" for e in entities):
                found[requested] = []  # 「我们自己就是饭店 别的啥都不做」: no kind of outsourcing
            elif requested == "employees":
                count = bare_count(text)
                if count:
                    found[requested] = count
        fields = list(tracker.get_slot("fields") or [])
        if any(e.get("entity") == "makers_clients" for e in entities) and set(fields) & PRODUCER_WORK_FIELDS \
                and PRODUCER_SERVICES not in fields:
            # 「客户主要是东风系的几个主机厂」 after 「做整车造型的工业设计」: design done for makers is what the texts call
            # producer services (the reader marks the makers; the work was said in an earlier message).
            found["fields"] = fields + [PRODUCER_SERVICES]
        if tracker.get_slot("employees") is not None and not any(e.get("entity") == "employees" for e in entities):
            count = corrected_figure(text)  # 「打错了 86个」 after the head count: the count corrected
            if count:
                found["employees"] = count
        return found

    def _sme_from_size(self, tracker: Tracker, found: Dict[Text, Any]) -> tuple[Optional[bool], bool]:
        """中小企业 settled by the head count the firm just gave (the national size standard), when it is still
        unknown and not stated in the same message: (the inferred value, whether to say so). It is said — and so
        open to correction — when it decides a measure; else it is only recorded (the report shows it)."""
        if tracker.get_slot("is_sme") is not None or "is_sme" in (tracker.get_slot("skipped_fields") or []):
            return None, False
        entities = tracker.latest_message.get("entities") or []
        if any(e.get("entity") in ("is_sme", "unsure") and e.get("value") in (True, False, "is_sme") for e in entities):
            return None, False
        counts = [e.get("value") for e in entities if e.get("entity") == "employees"]
        count = found.get("employees") or (counts[-1] if counts else None)
        if not isinstance(count, (int, float)) or not _just_answered(tracker):
            return None, False
        evaluation = policies_db.evaluate(profile_from_slots(tracker.slots), as_of(), catalogue(), normalized=True)
        return sme_by_size(int(count)), any("is_sme" in r.missing for r in evaluation.undetermined)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        intent = _intent(tracker)
        before = {name: previous_value(tracker, name) for name in FIELDS}
        if _stale_button(tracker, requested) and _just_answered(tracker):
            # The slot Rasa set from the old button is put back; nothing else changes.
            dispatcher.utter_message(response="utter_old_button")
            # (a slot event besides requested_slot, or Rasa rejects the form and falls back)
            undo = [SlotSet(requested, None)] if requested in FIELDS else []
            undo.append(SlotSet("misunderstood_turns", tracker.get_slot("misunderstood_turns")))
            tracker.add_slots(undo)
            return await self._ask_next(dispatcher, tracker, domain, undo, requested)
        found = self._contextual(tracker, requested)
        past_only = found.pop(PAST_ONLY, None)
        sme, decides = self._sme_from_size(tracker, found)
        if sme is not None:
            found["is_sme"] = sme
        if sme is not None and decides:
            line = int(standard()["employees_below"])
            dispatcher.utter_message(response="utter_sme_by_size_yes" if sme else "utter_sme_by_size_no",
                                     standard=standard()["standard"], line=line)
        tracker.add_slots([SlotSet(k, v) for k, v in found.items()])
        skipped_before = tracker.get_slot("skipped_fields")
        unsure = self._unsure(tracker, requested)
        if unsure:
            # 「外资这块我不清楚，要问财务」: unknown, never yes; recorded so it is not asked again, and said so.
            dispatcher.utter_message(response="utter_unsure_kept", **unsure_note(tracker.slots, unsure))
            tracker.slots["skipped_fields"] = list(skipped_before or []) + unsure
        events = await super().run(dispatcher, tracker, domain)
        if tracker.get_slot("skipped_fields") != skipped_before:
            # Set by extract_situations ("其他不清楚"); the SDK returns only the form's own slots.
            events = [e for e in events if e.get("name") != "skipped_fields"]
            events.append(SlotSet("skipped_fields", tracker.get_slot("skipped_fields")))
        answer_slots = set(FIELDS) | ({"skipped_fields"} if requested == SITUATIONS else set())
        filled = requested in unsure or any(
            isinstance(e, dict) and e.get("event") == "slot" and e.get("name") in answer_slots for e in events)
        self._acknowledge(dispatcher, tracker, events, before)
        if filled and tracker.get_slot("misunderstood_turns"):
            events = events + [SlotSet("misunderstood_turns", None)]
        if tracker.active_loop.get("name") != "profile_form":
            return events
        if intent == "greet" and requested and not filled and _just_answered(tracker):
            # 「你好」 (or an answer DIET took for one) mid-form: the question again. Stepping aside, the form was
            # rejected with no rule left to answer, and Rasa's fallback reverted the message and said 「没有理解」 to
            # every reply alike (27 times in a development conversation). (A slot event besides requested_slot, or
            # Rasa rejects the form.)
            keep = [SlotSet("misunderstood_turns", tracker.get_slot("misunderstood_turns"))]
            return await self._ask_next(dispatcher, tracker, domain, events + keep, requested)
        if intent in INTERRUPTIONS and _just_answered(tracker):
            # Nothing but the form's own events: Rasa rejects the form, the rule answers the question, and the
            # form runs again afterwards (not on the firm's reply) — that run counts and asks. Unless the message
            # also stated facts (「听说对支持首拓市场的银行有风险补偿？怎么申请」): then Rasa keeps the form, so the
            # question is answered here, before the form's next question.
            if intent in _ANSWERED_IN_FORM and _facts_set_this_turn(tracker):
                await _answer_action(intent).run(dispatcher, tracker, domain)
            return events
        if past_only:
            # A past without today is understood, not an answer: say the question is about today and ask again.
            dispatcher.utter_message(response="utter_question_is_about_today")
        elif requested and not filled and _just_answered(tracker) and intent not in INTERRUPTIONS:
            if intent == "dont_know":
                # Unknown stays unknown; remember not to ask it again and move on.
                return await self._skip(dispatcher, tracker, domain, events, requested, "utter_skip_ok")
            if _set_aside(tracker):
                # 「工程师很多是从大连、上海过来的」: understood — someone else's fact, nothing of the firm's. Said so, and
                # the question again (or, asked enough, left for later); never 「没有听明白」.
                if times_asked(tracker, requested) >= MAX_ASKS:
                    return await self._skip(dispatcher, tracker, domain, events, requested, "utter_aside_skip")
                dispatcher.utter_message(response="utter_aside_noted")
                # (a slot event besides requested_slot, or Rasa rejects the form and its fallback says 「没有理解」)
                keep = [SlotSet("misunderstood_turns", tracker.get_slot("misunderstood_turns"))]
                return await self._ask_next(dispatcher, tracker, domain, events + keep, requested)
            count = (tracker.get_slot("misunderstood_turns") or 0) + 1
            if count >= MAX_MISUNDERSTOOD or times_asked(tracker, requested) >= MAX_ASKS:
                # Twice not understood: leave the field unknown rather than loop on it.
                return await self._skip(dispatcher, tracker, domain, events, requested, "utter_skip_unclear")
            # Nothing usable in the answer: say what is expected and ask again instead of leaving the form.
            hint = ("utter_did_not_understand_checklist" if requested == SITUATIONS
                    else {"list": "utter_did_not_understand_list", "city": "utter_did_not_understand_city",
                          "int": "utter_did_not_understand_number"}.get(FIELDS[requested].kind, "utter_did_not_understand"))
            dispatcher.utter_message(response=hint)
            events = events + [SlotSet("misunderstood_turns", count)]
        return await self._ask_next(dispatcher, tracker, domain, events, requested)

    async def _ask_next(self, dispatcher, tracker, domain, events, requested) -> List[EventType]:
        """Past MAX_ASKS a question is recorded unknown and the next one taken; the second time, a way out."""
        following = next((e["value"] for e in reversed(events) if e.get("event") == "slot"
                          and e.get("name") == "requested_slot"), requested)
        skipped_now: List[str] = []
        seen: set = set()  # a question that comes back after being skipped ends the loop (it did spin forever)
        resumed = _intent(tracker) in QUESTIONS_OF_THE_FIRM and not _just_answered(tracker)
        while following and following not in seen and _exhausted(tracker, following, resumed and following == requested):
            seen.add(following)
            unanswered = (tracker.get_slot(OFFERED) or []) if following == SITUATIONS else [following]
            skipped_now += [f for f in unanswered if f not in skipped_now]
            tracker.slots["skipped_fields"] = list(tracker.get_slot("skipped_fields") or []) + unanswered
            next_event = await self.next_requested_slot(dispatcher, tracker, domain)
            following = next_event["value"] if next_event else None
        if following in seen:
            following = None  # everything left was asked twice already: the form ends and the results follow
        events = [e for e in events if not (e.get("event") == "slot" and e.get("name") == "requested_slot")]
        if skipped_now:
            if not any(m.get("response") in ("utter_skip_unclear", "utter_skip_ok", "utter_aside_skip") for m in dispatcher.messages):
                noted = _noted_this_turn(tracker, events)
                if noted and _just_answered(tracker):
                    # 「一百二十人左右吧」 to the type question asked twice: the facts it gave are taken, and said — the
                    # question is left for later, the message was not misunderstood.
                    dispatcher.utter_message(response="utter_noted_question_later", noted="，".join(noted),
                                             question=wording.question_label(skipped_now))
                else:
                    dispatcher.utter_message(response="utter_skip_asked_twice")
            events = [e for e in events if e.get("name") != "skipped_fields"]
            events += [SlotSet("skipped_fields", tracker.slots["skipped_fields"]), SlotSet("misunderstood_turns", None)]
        if following and times_asked(tracker, following) + 1 == MAX_ASKS and _intent(tracker) not in QUESTIONS_OF_THE_FIRM and (
                following == SITUATIONS or FIELDS[following].kind != "bool"):
            # The second time: a way out (yes/no questions carry 不清楚 among their buttons already).
            dispatcher.utter_message(response="utter_skip_offer")  # with its 不清楚/跳过 button
        return events + [SlotSet("requested_slot", following)]

    async def _skip(self, dispatcher, tracker, domain, events, requested, response) -> List[EventType]:
        unanswered = (tracker.get_slot(OFFERED) or []) if requested == SITUATIONS else [requested]
        skipped = list(tracker.get_slot("skipped_fields") or []) + unanswered
        dispatcher.utter_message(response=response)
        tracker.slots["skipped_fields"] = skipped
        extra: List[EventType] = [SlotSet("skipped_fields", skipped), SlotSet("misunderstood_turns", None)]
        extra.append(await self.next_requested_slot(dispatcher, tracker, domain))
        events = [e for e in events if not (e.get("event") == "slot" and e.get("name") == "requested_slot")] + extra
        return await self._ask_next(dispatcher, tracker, domain, events, requested)

    def _acknowledge(self, dispatcher, tracker, events, before: Dict[str, Any]) -> None:
        """One line for what changed a known fact, and for an outsourcing type assumed from the field."""
        changed, added = [], []
        for e in events:
            name = e.get("name") if e.get("event") == "slot" else None
            if name not in FIELDS or e.get("value") is None:
                continue
            old = normalized_field(name, before.get(name)) if before.get(name) is not None else None
            new = normalized_field(name, e.get("value"))
            if old is None or new is None or old == new:
                continue
            if FIELDS[name].kind == "list" and old and set(old) < set(new):
                added.append(FIELDS[name].describe([v for v in new if v not in old]))
            else:
                changed.append(FIELDS[name].describe(new))
        if changed:
            dispatcher.utter_message(response="utter_corrected", changes="；".join(changed))
        if added:
            dispatcher.utter_message(response="utter_added", additions="；".join(added))
        inferred = [e for e in tracker.latest_message.get("entities") or []
                    if e.get("entity") == "service_types" and e.get("inferred")]
        types = normalized_field("service_types", tracker.get_slot("service_types")) or []
        shown = [e for e in inferred if e["value"] in types and e["value"] not in (before.get("service_types") or [])]
        if shown:
            quoted = "、".join(f"“{e['inferred']}”" for e in shown)
            kinds = "、".join(FIELDS["service_types"].choices[e["value"]] for e in shown)
            dispatcher.utter_message(response="utter_service_types_inferred", quoted=quoted, kinds=kinds)

    # -- per-slot normalization (the engine's contract) -----------------------------------------

    def _validate(self, name: str, value: Any) -> Dict[Text, Any]:
        return {name: normalized_field(name, value)}

    def _validate_list(self, name: str, value: Any, tracker: Tracker) -> Dict[Text, Any]:
        """A list answer adds to what was said before, unless it corrects it or says 「都不是/不做」."""
        new = normalized_field(name, value)
        old = previous_value(tracker, name)
        old = normalized_field(name, old) if old is not None else None
        replaces = any(e.get("entity") == name and e.get("replaces") for e in tracker.latest_message.get("entities") or [])
        if not new or not old or replaces or is_correction(_text(tracker)) or tracker.get_slot("requested_slot") == name:
            return {name: new}
        return {name: old + [v for v in new if v not in old]}

    async def validate_city(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        # Anything typed (成都龙泉驿区, 浙江, 光谷, 青山区): actions/places.py; the city question follows up.
        known = previous_value(tracker, "city")
        slots = city_slots(value, tracker.latest_message.get("text") or "",
                           known or previous_value(tracker, "province") or "")
        assumed = slots.pop(ASSUMED, None)
        entities = [e for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "city"]
        registered = any(e.get("registered") for e in entities)
        # (a city taken for a shared name, 「西湖区」 → 杭州, is an assumption the firm's next place corrects)
        assumption = bool(tracker.get_slot(QUERY)) and known is not None
        if known and slots.get("city") and slots["city"] != known and not registered and not assumption \
                and not is_correction(_text(tracker)) and tracker.get_slot("requested_slot") != "city":
            # A city named in passing (a partner's, a client's, an office) does not move the firm: only 「注册在…」,
            # a correction (「说错了，我们在…」) or the answer to the city question does.
            return {"city": known}
        if known and slots.get("city") is None and not slots.get("province") and not registered \
                and not is_correction(_text(tracker)) and tracker.get_slot("requested_slot") != "city":
            # 「好多是黄冈孝感过来的小姑娘」: a name in passing that is no single place (shared, unknown) erases nothing.
            return {"city": known}
        if assumed:
            place, typed = assumed.split("|", 1)
            dispatcher.utter_message(response="utter_place_assumed", place=place, typed=typed)
        if slots.get("city") is None and slots.get("province") and known and (
                in_province(known, slots["province"]) or not is_correction(_text(tracker))):
            # 「湖南的政策你们这边没收录吗」 after 长沙, 「浙江那边的政策能用上吗」 after 无锡: a province named in
            # passing does not move the firm; 「说错了，我们在浙江」 does.
            return {"city": known}
        return slots

    async def validate_service_types(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        entities = [e for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "service_types"]
        previous = previous_value(tracker, "service_types")
        if entities and all(e.get("inferred") for e in entities) and "service_types" in (
                tracker.get_slot("skipped_fields") or []):
            return {"service_types": None}  # asked and 「不清楚」: a field does not answer for the firm
        if entities and all(e.get("inferred") for e in entities) and previous is not None:
            # A type inferred from a field only fills an unknown: 「我们其实也做大数据分析」 adds a field, not KPO,
            # and after 「不做外包」 a field implies nothing.
            return {"service_types": normalized_field("service_types", previous)}
        return self._validate_list("service_types", value, tracker)

    async def validate_fields(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._validate_list("fields", value, tracker)

    async def validate_employees(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._validate("employees", value)


def _bool_validator(name: str):
    async def validate(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._validate(name, value)

    validate.__name__ = f"validate_{name}"
    return validate


for _name, _spec in FIELDS.items():
    if _spec.kind == "bool":
        setattr(ValidateProfileForm, f"validate_{_name}", _bool_validator(_name))
