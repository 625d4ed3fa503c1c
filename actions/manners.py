"""Answers that need no measure: the documents themselves, the report link, and acknowledgements (issue 20).

- action_answer_document: 「这个行动计划什么时候到期？」「武汉这个文件是哪年出的，还有效吗？」「这个结论是政府正式认定吗？」 —
  from the catalogue's document data (issuer, number, dates, validity); the one the firm names, or its own
  region's, or all.
- action_report_link: 「能导出来吗」「出个PDF」「发给老板看」 — the report page and PDF of its results.
- action_acknowledge: 「收到」「好的 我转给老板看看」 — one short line and what can be done next, never the results again.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.nlu.aspects import cue, without_asking
from bot.nlu.normalize import normalize
from bot.push.text import public_url
from policies_db import wording
from policies_db.evaluation import coverage
from policies_db.wording.search import best_matches, index_for, topic_matches

from .changes import facts_at_last_results, keeps_city
from .context import as_of, catalogue, evaluate_tracker, profile_from_slots
from .explain import process_aspects
from .lookup import for_region, measures_named
from .references import asked_again, aspects_of, pointed_measures
from .render import contact_text
from .results import _report


def _aspects(tracker: Tracker) -> set:
    """What the reader found the question asks about (bot/nlu/aspects.py: official, where_text, validity)."""
    asked = aspects_of(tracker.latest_message.get("entities"))
    again = asked_again(tracker)  # 「那第二个呢」 after 「…是文件哪一条」: what was asked before
    return (asked | again[2]) - {"again"} if again else asked


def _documents_for(tracker: Tracker) -> list:
    """The documents the message names (by region or title words), else the firm's own region's, else all."""
    text = normalize(tracker.latest_message.get("text") or "")
    compiled = catalogue()
    documents = list(compiled.catalogue.documents.values())
    named = [d for d in documents if coverage.region_short(d.jurisdiction) in text or d.issuer in text]
    if named:
        return named
    if cue("all_documents", text):  # 「两个文件分别是谁发的」
        return documents
    place = coverage.firm_place(profile_from_slots(tracker.slots))
    own = [d for d in documents if place is not None and coverage.region_place(d.jurisdiction).contains(place)]
    return own or documents


def _measures_named(tracker: Tracker) -> list:
    """The measures the message names (by title or keyword, else by its words in the firm's region), at most two."""
    compiled = catalogue()
    found: list = []
    pointed = pointed_measures(tracker, compiled)
    if pointed:  # 「第二个是文件哪一条」: an item of the assistant's last list
        return pointed[:2]
    for phrase in tracker.get_latest_entity_values("policy"):
        found += [m for m in measures_named(compiled, str(phrase)) if m not in found]
    if not found:
        profile = evaluate_tracker(tracker).profile
        words = without_asking(normalize(tracker.latest_message.get("text") or ""))

        def keep(m):
            return bool(for_region(compiled, [m], profile)[0])

        # (a topic word alone, 「设计这个是在文件哪一条撒」: the measures that share it about as well as the best)
        found = best_matches(index_for(compiled), words, keep=keep) or topic_matches(index_for(compiled), words, keep)
    if not found:
        # 「这条在文件第几条」 right after a measure was answered: that measure.
        from .questions import _previous_measures, asked_region

        found = _previous_measures(tracker, compiled, asked_region(tracker, evaluate_tracker(tracker).profile))
    return found[:2]


def _district_measures(documents) -> dict:
    """Per document, its measures with a district government among their departments — funds first."""
    compiled = catalogue()
    out = {}
    for d in documents:
        found = [m for m in compiled.measures if m.document_id == d.id
                 and any(wording.DISTRICT_UNIT in c.name for c in m.contacts)]
        out[d.title] = [m.title for m in sorted(found, key=lambda m: not cue("funds", m.title + m.summary))]
    return out


class ActionAnswerDocument(Action):
    def name(self) -> Text:
        return "action_answer_document"

    @keeps_city
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        asked = _aspects(tracker)
        lines = []
        elsewhere = False  # a place outside coverage was asked about
        profile = profile_from_slots(tracker.slots)
        if "official" in asked:
            keys = [d.jurisdiction for d in _documents_for(tracker)]
            body = next((b for b in (coverage.city_bureau(profile, k) for k in keys) if b), None)
            lines.append(wording.official_text(body or coverage.local_department(profile)))
        if "applies" in asked or "where_text" in asked:
            # 「客户在上海的话，上海那边的政策我们能不能一起享受？」「四川那边的政策去哪查」: a place outside coverage is
            # not ours to answer for — whom to ask there.
            compiled = catalogue()
            for region in dict.fromkeys(str(r) for r in tracker.get_latest_entity_values("region")):
                if coverage.is_covered(compiled, {"city": region}) is False:
                    elsewhere = True
                    lines.append(wording.place_not_covered_text(coverage.coverage_sentence(compiled), region,
                                                                coverage.local_department({"city": region})))
        if "applies" in asked:
            lines.append(wording.applies_text(_documents_for(tracker), coverage.firm_place(profile),
                                              lambda d: coverage.firm_in(profile, d.jurisdiction)))
        if "district" in asked:
            # 「区里有没有单独的服务外包扶持资金？」: none in the texts; where they give the district a part; whom to ask.
            documents = _documents_for(tracker)
            lines.append(wording.district_text(documents, _district_measures(documents)))
        if "where_text" in asked and not elsewhere:
            # 「零税率那个是文件里哪一条写的」: the article of the measure named, then where the texts are.
            lines += [wording.article_line(m, catalogue().documents[m.document_id]) for m in _measures_named(tracker)]
            lines.append(wording.where_text(_documents_for(tracker)))
        # (「武汉那个文件是谁发的」 names the document: its dates and issuer, not a measure's)
        about_document = cue("document_words", normalize(tracker.latest_message.get("text") or ""))
        named = _measures_named(tracker) if "validity" in asked and not about_document else []
        if "validity" in asked and cue("status_validity", normalize(tracker.latest_message.get("text") or "")):
            # 「认定了以后有效期几年」: the status's term, which the texts leave to the rules that grant it — whom to ask.
            evaluation = evaluate_tracker(tracker)
            lines.append(wording.status_validity_text([m.title for m in named]))
            lines += [contact_text(evaluation.result(m.id)) for m in named[:2]]
        elif named:
            # 「疫情期间受委托那条支持，现在还在执行吗？」: the measure's article and document dates, what the text leaves
            # open about it, and whom to ask — not every document's dates.
            evaluation = evaluate_tracker(tracker)
            compiled = catalogue()
            for m in named:
                document = compiled.documents[m.document_id]
                lines.append(wording.article_line(m, document) + wording.document_line(document, as_of()))
                lines += [wording.to_confirm_line(c) for c in m.conditions_to_confirm[:2]]
                lines.append(contact_text(evaluation.result(m.id)))
        elif (not lines or "validity" in asked) and ("applies" not in asked or "validity" in asked):
            # (「我们成都的能申请吗 还有武汉那个文件是谁发的啊」: whether it applies, and who issued it)
            lines = [wording.document_line(d, as_of()) for d in _documents_for(tracker)] + lines
        dispatcher.utter_message(response="utter_document_answer", answer="\n".join(lines))
        process = process_aspects(normalize(tracker.latest_message.get("text") or "")) if "where_text" in asked else []
        if process and not elsewhere:
            # 「这条是第几条 申报啥时候截止」: the article, then what the text says of the deadline (nothing) and whom to ask.
            evaluation = evaluate_tracker(tracker)
            for m in _measures_named(tracker):
                dispatcher.utter_message(response="utter_process_not_in_source_for", title=m.title,
                                         aspects="和".join(process), departments=contact_text(evaluation.result(m.id)))
        return []


def _absolute(links: dict) -> dict:
    base = public_url()
    return {"page": base + links["page"], "pdf": base + links["pdf"]}


async def report_links_for(tracker: Tracker) -> Optional[dict]:
    """Absolute report links for the conversation's current facts, or None (outside coverage, store down)."""
    evaluation = evaluate_tracker(tracker)
    report = await _report(tracker.sender_id, evaluation)
    return None if report is None else {**_absolute(report), "expires_at": report["expires_at"]}


class ActionReportLink(Action):
    def name(self) -> Text:
        return "action_report_link"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if facts_at_last_results(tracker.events) is None:
            dispatcher.utter_message(response="utter_report_not_yet")
            return []
        evaluation = evaluate_tracker(tracker)
        report = await _report(tracker.sender_id, evaluation)
        if report is None:
            dispatcher.utter_message(response="utter_report_outside",
                                     outside=coverage.outside_text(evaluation.compiled, evaluation.profile))
            return []
        links = _absolute(report)
        dispatcher.utter_message(response="utter_report_link", page=links["page"], pdf=links["pdf"],
                                 expires=wording.cn_date(str(report["expires_at"])[:10]))
        return []


class ActionAcknowledge(Action):
    def name(self) -> Text:
        return "action_acknowledge"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        impatient = cue("impatient", normalize(tracker.latest_message.get("text") or ""))
        if tracker.active_loop.get("name"):
            # (the form asks its question again after this)
            dispatcher.utter_message(response="utter_impatient_in_form" if impatient else "utter_ok")
        elif impatient and facts_at_last_results(tracker.events) is not None:
            dispatcher.utter_message(response="utter_impatient_after_results")
        elif facts_at_last_results(tracker.events) is not None:
            dispatcher.utter_message(response="utter_ack_after_results")
        else:
            dispatcher.utter_message(response="utter_ack")
        return []

