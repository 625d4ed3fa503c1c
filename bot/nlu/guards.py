"""Deterministic corrections of DIET's reading, for confusions that would trap a firm.

Pure functions on the parse (intent, ranking, entities): no Rasa import, so they are unit-tested in
milliseconds. ProfileEntityExtractor applies them, after DIET and before the FallbackClassifier.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

from bot.handoff.contact import looks_like_contact_attempt
from bot.nlu import grammar
from bot.nlu.aspects import ASPECTS, bodies_named, cue, opens_with, term_explanation, term_question, without
from bot.nlu.assertion import CLAUSE_BREAK, is_unsure
from bot.nlu.checklist_reader import blanket_answer, opening_blanket_no, speaks_for_the_list, without_list_talk
from bot.nlu.phrases import DOUBLE_NEGATIVE, POLICY_DESCRIBED
from bot.nlu.short_answers import yes_no

Intent = Dict[str, Any]
Ranking = List[Dict[str, Any]]

CONTACT_INTENT = "leave_contact"
BARE_NO = grammar.words("guards.bare_no")
FALLBACK_THRESHOLD = 0.45  # config.yml's FallbackClassifier: below it a message would be 「没听懂」
HEDGED_TYPE = grammar.pattern("guards.hedged_type")  # 「不太清楚算哪类，应该是KPO？」 answers
QUESTION_MARKS = grammar.pattern("guards.question_marks")
NUMBERS_ONLY = grammar.pattern("guards.numbers_only")
WHICH_POLICIES = grammar.pattern("guards.which_policies")
SERVICE_TYPE = grammar.pattern("guards.service_type", re.IGNORECASE)
# 「为什么外资企业利润再投资那条我们不能享受？」 asks why; its 外资 is no fact about the firm.
WHY_NOT = grammar.pattern("guards.why_not")
ASKS = grammar.pattern("guards.asks")
SHOW_NOW = grammar.pattern("guards.show_now")
HEARSAY = grammar.pattern("guards.hearsay")
FIRST_PERSON = grammar.pattern("guards.first_person")
# 「咱这个算不算服务外包啊」 asks what the question means; it is no yes and no no.
A_NOT_A = grammar.pattern("guards.a_not_a")
# What makes an unsure message still a question (「不清楚零税率找谁办」).
ASKING = grammar.pattern("guards.asking")
PLAN_ACTION = grammar.pattern("guards.plan_action")
NEGATION = grammar.pattern("guards.negation")  # any negation character: a deny needs one
_QUESTION_NEGATION = grammar.pattern("guards.question_negation")
STOP_PUSH = grammar.pattern("guards.stop_push")  # a subscription request that is a stop
NOT_OUTSOURCING = grammar.pattern("guards.not_outsourcing")
_BARE_NO_TAIL = grammar.pattern("guards.bare_no_tail")
# 「肯定不是什么领军企业」「没什么外资」: 什么 there is no question.
_NOT_QUESTION = grammar.pattern("guards.not_question")
# Intents DIET guesses for statements it has not seen, and the words that really carry them
# (「人工智能」 is no hand-off, 「打算在新加坡设个办公室」 no greeting).
CUES = {name: grammar.pattern(f"guards.cues.{name}", re.IGNORECASE) for name in grammar.entry("guards.cues")}
CUES["nlu_fallback"] = None
PROFILE_ENTITIES = {"city", "service_types", "fields", "employees"}
# What makes a message a question about a measure (「零税率要准备什么材料」) rather than a statement (「国内也做」).
QUESTION_CUES = grammar.pattern("guards.question_cues")


def asks_something(clause: str) -> bool:
    """Does this clause ask (a question word, 吗, ?, 找谁…) rather than state?"""
    return bool(QUESTION_CUES.search(_NOT_QUESTION.sub("", clause)) or A_NOT_A.search(clause) or cue("contact", clause))


def _clauses_where(text: str, keep_asking: bool) -> str:
    parts, last = [], 0
    for sep in list(CLAUSE_BREAK.finditer(text)) + [None]:
        end = sep.start() if sep else len(text)
        clause = text[last:end]
        # 「听说综保区里进口研发用的试剂耗材可以不交许可证了」: hearsay describes the measure asked about, states nothing.
        asking = asks_something(clause) or bool(HEARSAY.match(clause.strip()))
        parts.append(clause if asking == keep_asking else " " * len(clause))
        if sep:
            parts.append(sep.group())
            last = sep.end()
    out = "".join(parts)
    return out if out.strip() else ""


def statement_clauses(text: str) -> str:
    """The text with every clause that asks blanked out, offsets kept; "" when all ask."""
    return _clauses_where(text, keep_asking=False)


def asking_part(text: str) -> str:
    """The clauses that ask (「没有海外客户 人才这块找哪个部门？」 → 「人才这块找哪个部门？」); the whole text if none does."""
    return " ".join(_clauses_where(text, keep_asking=True).split()) or text


def is_statement(text: str) -> bool:
    """No question cue at all: a measure-question intent for it is DIET's guess, to be checked against facts."""
    return not QUESTION_CUES.search(_NOT_QUESTION.sub("", text))


def statement_of_facts(text: str, intent: Intent, ranking: Ranking,
                       facts: List[Dict[str, Any]]) -> Tuple[Intent, Ranking]:
    """「国内也做」 read as a question about a measure: it states a fact, so it informs."""
    if any(e["entity"] in PROFILE_ENTITIES or isinstance(e.get("value"), bool) for e in facts):
        return _choose(ranking, "inform", max(intent.get("confidence") or 0.0, 0.9))
    return intent, ranking


def _choose(ranking: Ranking, name: str, confidence: float) -> Tuple[Intent, Ranking]:
    """The corrected intent on top. The others are scaled below it: the FallbackClassifier after us would
    call a runner-up within 0.05 (or above) ambiguous and answer 「没听懂」 anyway."""
    chosen = {"name": name, "confidence": confidence}
    others = [dict(r) for r in ranking if r.get("name") != name]
    for other in others:
        other["confidence"] = min(other.get("confidence") or 0.0, confidence / 2)
    return chosen, [chosen, *others]


choose = _choose  # for the extractor's own corrections


def _backed(intent: Intent, text: str) -> bool:
    """Does the message hold the words DIET's intent is made of (its cue, bot/nlu/lexicon/grammar.yml)?"""
    pattern = CUES.get(intent.get("name"))
    return bool(pattern and pattern.search(text))


def before_entities(text: str, intent: Intent, ranking: Ranking) -> Tuple[Intent, Ranking]:
    """The intent corrections that need only the text, applied in turn."""
    stripped = text.strip()
    blanket = blanket_answer(stripped)
    if intent.get("name") == CONTACT_INTENT and not looks_like_contact_attempt(text):
        # 「1 3」 at the checklist is no phone number: the runner-up keeps DIET's confidence, else the
        # FallbackClassifier after us would turn every such answer into a fallback.
        rest = [r for r in ranking if r.get("name") != CONTACT_INTENT]
        if rest:
            intent, ranking = _choose(rest, rest[0]["name"],
                                      max(rest[0].get("confidence") or 0.0, intent.get("confidence") or 0.0))
    if _BARE_NO_TAIL.sub("", stripped) in BARE_NO:
        intent, ranking = _choose(ranking, "deny", 1.0)  # 「无」 alone was read as affirm
    elif NUMBERS_ONLY.match(stripped) and len(re.sub(r"\D", "", text)) < 5:
        intent, ranking = _choose(ranking, "inform", 1.0)  # 「3」 was read as thanks (「3Q」); ≥ 5 digits: a phone?
    elif WHICH_POLICIES.search(text) and intent.get("name") in ("ask_conditions", "nlu_fallback", "ask_topic"):
        # split between ask_conditions and ask_topic, it fell to the fallback
        intent, ranking = _choose(ranking, "ask_topic", max(intent.get("confidence") or 0.0, 0.9))
    elif intent.get("name") in ("affirm", "deny") and A_NOT_A.search(text) and yes_no(stripped) is None:
        # 「是不是KPO」 asks what a term means; 「是不是所有品种都能免」 asks about the measure just discussed
        named_term = term_explanation(stripped) is not None
        intent, ranking = _choose(ranking, "explain" if named_term else "ask_conditions",
                                  max(intent.get("confidence") or 0.0, 0.9))
    elif intent.get("name") == "explain" and A_NOT_A.search(text) and term_explanation(stripped) is None \
            and not cue("what_is", A_NOT_A.sub("", text)) and yes_no(stripped) is None:
        # 「是不是啥品种都能免」: an A-not-A about what a measure covers, with no term to explain — its conditions.
        intent, ranking = _choose(ranking, "ask_conditions", max(intent.get("confidence") or 0.0, 0.9))
    elif intent.get("name") in ("ask_conditions", "ask_why_not", "explain") and is_unsure(stripped) \
            and not ASKING.search(stripped):
        # 「是不是外资我也拿不准 好像有个新加坡股东」: an unsure answer, not a question about a measure.
        intent, ranking = _choose(ranking, "inform", max(intent.get("confidence") or 0.0, 0.9))
    elif intent.get("name") == "subscribe_push" and STOP_PUSH.search(text):
        intent, ranking = _choose(ranking, "unsubscribe_push", max(intent.get("confidence") or 0.0, 0.9))  # 「以后别再通知我了」
    elif WHY_NOT.search(text):
        intent, ranking = _choose(ranking, "ask_why_not", max(intent.get("confidence") or 0.0, 0.9))
    elif is_unsure(stripped) and not SERVICE_TYPE.search(stripped) and (
            len(stripped) <= 10 or intent.get("name") in ("affirm", "deny", "nlu_fallback")) and yes_no(stripped) is None:
        # 「拿不准」; 「可能有吧，要问问财务」 read as a yes: unsure is never a yes (nor a no); 「该情况需内部核实，暂不清楚。」
        # (fallback: DIET had no guess) is the same answer, longer.
        intent, ranking = _choose(ranking, "dont_know", max(intent.get("confidence") or 0.0, 0.9))
    elif (intent.get("name") in ("affirm", "deny", "nlu_fallback", "inform", "dont_know") or not _backed(intent, text)) \
            and yes_no(stripped) is not None and len(stripped) <= 8 \
            and intent["name"] != ("affirm" if yes_no(stripped) else "deny"):
        # 「尚无」 was read as affirm, 「现在还没」 as a request for the results: a plain yes or no word decides.
        intent, ranking = _choose(ranking, "affirm" if yes_no(stripped) else "deny", 1.0)
    elif blanket is not None and not _backed(intent, without_list_talk(text)) \
            and intent.get("name") != ("affirm" if blanket else "deny"):
        # 「全部不符合」 read as a request for the results (its 符合 is list talk): an answer to a list, all at once.
        intent, ranking = _choose(ranking, "affirm" if blanket else "deny", 1.0)
    elif intent.get("name") in _QUESTION_GUESSES and opening_blanket_no(stripped) is not None \
            and not ASKING.search(opening_blanket_no(stripped)):
        # 「啥也没有 就是正经接电话的」 (explain, for its 啥): a blanket no opens it and nothing after it asks.
        intent, ranking = _choose(ranking, "deny", max(intent.get("confidence") or 0.0, 0.9))
    elif intent.get("name") in _QUESTION_GUESSES and speaks_for_the_list(stripped) and not asks_something(stripped):
        # 「外国人那个有 别的没有」 (ask_process, four times over): an answer to a list, with nothing that asks.
        intent, ranking = _choose(ranking, "inform", max(intent.get("confidence") or 0.0, 0.9))
    elif intent.get("name") == "explain" and SERVICE_TYPE.search(text) and (
            not QUESTION_MARKS.search(text) or HEDGED_TYPE.search(text)):
        # 「KPO」「法律外包算KPO」 answer the service-type question: read them for facts (explain would not).
        intent, ranking = _choose(ranking, "inform", max(intent.get("confidence") or 0.0, 0.9))
    elif DOUBLE_NEGATIVE.search(text) and intent.get("name") == "deny":
        intent, ranking = _choose(ranking, "inform", max(intent.get("confidence") or 0.0, 0.9))
    elif NOT_OUTSOURCING.search(text) and intent.get("name") in ("nlu_fallback", "greet", "goodbye", "affirm"):
        intent, ranking = _choose(ranking, "inform", max(intent.get("confidence") or 0.0, 0.9))
    return intent, ranking


_QUESTION_GUESSES = ("explain", "ask_conditions", "ask_topic", "ask_why_not", "ask_document", "ask_contact",
                     "ask_process", "nlu_fallback", CONTACT_INTENT)
_NEEDS_WORDS = ("human_handoff", "subscribe_push", "restart")  # intents that end the form: only on their own words


def after_entities(text: str, intent: Intent, ranking: Ranking,
                   entities: List[Dict[str, Any]]) -> Tuple[Intent, Ranking]:
    """「KPO」「那就是BPO」 answer the service-type question; only a real question asks for the explanation."""
    name = intent.get("name")
    if name == "explain" and not QUESTION_MARKS.search(text) \
            and any(e["entity"] in ("service_types", "fields") for e in entities):
        return _choose(ranking, "inform", intent.get("confidence") or 1.0)
    facts = [e for e in entities if e["entity"] in PROFILE_ENTITIES or isinstance(e.get("value"), bool)]
    unsure_of_intent = (intent.get("confidence") or 0.0) < FALLBACK_THRESHOLD
    if (name in ("inform", "nlu_fallback") or unsure_of_intent) and not facts and is_unsure(text) \
            and not ASKING.search(text) \
            and not any(e["entity"] in ("unsure", "aside", "makers_clients") for e in entities):
        # 「这个看情况」「Not sure yet, 我们在中国还没有公司」: unsure, and no fact read — the answer is 不清楚.
        return _choose(ranking, "dont_know", max(intent.get("confidence") or 0.0, 0.9))
    if (name == "inform" or name == "affirm" and yes_no(text) is None or name == "show_results" and facts) \
            and ASKS.search(text.strip()) and not FIRST_PERSON.search(text) \
            and not any(e["entity"] in PROFILE_ENTITIES for e in entities):
        # 「技术先进型服务企业对人数有要求吗」 asks about a measure: its 技术先进型 says nothing about the firm
        # (the slots do not take facts from ask_conditions).
        return _choose(ranking, "ask_conditions", max(intent.get("confidence") or 0.0, 0.9))
    low = (intent.get("confidence") or 0.0) < FALLBACK_THRESHOLD
    if low and not facts and any(e["entity"] in ("aside", "makers_clients") for e in entities) and not ASKING.search(text):
        # 「他说客户主要是东风系的几个主机厂，还有几家湖南、江西的零部件厂」: read, and found to be the clients' — a
        # statement understood, not 「没听懂」.
        return _choose(ranking, "inform", 0.9)
    if facts and low and (name not in ("affirm", "deny", "dont_know") or yes_no(text) is None and name != "dont_know"):
        # 「有一带一路的项目」「南京」, 「我们是宜昌的 做BPO外包 有么得政策冇」 half read as no: unsure of the intent,
        # sure of the facts — an answer, not 「没听懂」.
        return _choose(ranking, "inform", 0.9)
    runner_up = ranking[1].get("confidence") or 0.0 if len(ranking) > 1 else 0.0
    if (low or (intent.get("confidence") or 0.0) - runner_up < 0.05) and not facts and name in CUES \
            and CUES[name] is not None and CUES[name].search(text) and not QUESTION_CUES.search(text):
        # 「好的 谢谢 我给企业回电」: DIET's own guess, too unsure alone (or a runner-up too close: 「行 谢了」), is
        # confirmed by its cue word.
        return _choose(ranking, name, max(intent.get("confidence") or 0.0, FALLBACK_THRESHOLD + 0.2))
    close = (intent.get("confidence") or 0.0) - runner_up < 0.05
    if (low or close) and not facts and not ASKING.search(text):
        # 「ok」「行 谢了」「好的，来电人说谢谢，电话挂了」: manners DIET was unsure of (its confidence moves from one
        # training to the next); the words decide — thanks, then an acknowledgement, then a plain yes or no.
        manners = _manners(text)
        if manners:
            return _choose(ranking, manners, FALLBACK_THRESHOLD + 0.2)
    if name == "deny" and not NEGATION.search(_QUESTION_NEGATION.sub("", text)) and yes_no(text) is None:
        # 「这个算外包吧」 read as no: without a word of negation it is no no (the form reads it against its question).
        return _choose(ranking, "inform", max(intent.get("confidence") or 0.0, 0.9))
    if name == "deny" and facts and yes_no(text) is None:
        # 「海曙区，做跨境电商客服外包」 read as no: there is no no in it; 「我们是宜昌的 做BPO外包 有么得政策冇」: the no is
        # the question's; 「没有外资背景」: a fact stated as a no — the extractor holds its value, the message informs.
        return _choose(ranking, "inform", max(intent.get("confidence") or 0.0, 0.9))
    if name in CUES and CUES[name] is not None and not CUES[name].search(text) and name in ("greet", "goodbye"):
        # 「工程咨询，你列的那些都对不上」 read as a greeting: without a greeting word it is an answer.
        return _choose(ranking, "inform", max(intent.get("confidence") or 0.0, 0.9))
    if name == "human_handoff" and cue("bot_identity", text):
        # 「侬是机器人还是真人啊」 asks what it is talking to: said, with the way to a person (utter_capabilities).
        return _choose(ranking, "ask_capabilities", max(intent.get("confidence") or 0.0, 0.9))
    if name in _NEEDS_WORDS and not CUES[name].search(text):
        # 「来电人说都没有」「疫情那年以后就断了」: no word asks for a person or for notices — a wrong guess ends the
        # form; the next guess stands.
        # (nor is the runner-up one of them without its words: 「四新那边」 was a hand-off, then a restart)
        # (「客服 运营这块」: a hand-off by DIET, then a greeting — neither with its words; the next guess with them, or none)
        others = [r for r in ranking if r.get("name") not in (name, "nlu_fallback")
                  and not (CUES.get(r.get("name")) is not None and not CUES[r["name"]].search(text))]
        if others:
            return _choose(ranking, others[0]["name"], max(others[0].get("confidence") or 0.0, 0.5))
    if name == "affirm" and yes_no(text) is None and CUES["greet"].search(text) and not facts:
        # 「喂」 on the phone is a greeting, not a yes.
        return _choose(ranking, "greet", max(intent.get("confidence") or 0.0, 0.9))
    if name == "affirm" and facts and yes_no(text) is None:
        # 「富阳的」 read as yes: a statement of facts.
        return _choose(ranking, "inform", max(intent.get("confidence") or 0.0, 0.9))
    if name == "show_results" and ASKS.search(text.strip()) and not SHOW_NOW.search(text):
        # 「你们这个查出来的结果算官方的吗」 asks about the results, it does not ask for them now.
        return _choose(ranking, "ask_capabilities", max(intent.get("confidence") or 0.0, 0.9))
    if name in CUES and facts and not (CUES[name] and CUES[name].search(text)):
        # A statement DIET had not seen (「我们是Wuhan光谷的一家startup」 read as subscribe_push).
        return _choose(ranking, "inform", max(intent.get("confidence") or 0.0, 0.9))
    return intent, ranking


def _manners(text: str) -> str | None:
    """The manners intent a message's words make, or None: thanks, goodbye, an acknowledgement, a bare yes or no."""
    if CUES["thanks"].search(text):
        return "thanks"
    if CUES["goodbye"].search(text):
        return "goodbye"
    if cue("acknowledge", text) and not is_unsure(text):
        return "acknowledge"
    answer = yes_no(text)
    return None if answer is None else "affirm" if answer else "deny"


# Intents DIET gives to requests and acknowledgements it has not seen; the cues (bot/nlu/lexicon/aspects.yml) decide.
_REROUTABLE = {"show_results", "ask_capabilities", "nlu_fallback", "inform", "affirm", "greet", "subscribe_push",
               "dont_know", "explain", "ask_conditions", "ask_process", "out_of_scope", "goodbye", "acknowledge",
               "ask_report", "ask_document", "thanks"}


_HOW_MUCH = grammar.pattern("guards.how_much")
_ENDS_ASKING_NO = grammar.pattern("guards.ends_asking_no")
_HOW_TO_QUALIFY = grammar.pattern("guards.how_to_qualify")
_CONTACT_CHOICE = grammar.pattern("guards.contact_choice")
_SUPPORT_ASKED = grammar.pattern("guards.support_asked")
_ATTRIBUTE_LINK = grammar.pattern("guards.attribute_link")
_QUESTIONS = {"ask_topic", "ask_conditions", "ask_contact", "ask_why_not", "ask_capabilities"}
# The aspect cues (bot/nlu/lexicon/aspects.yml) that confirm a question intent DIET was unsure of.
_ASPECT_CUES = {"ask_process": ("materials", "timing", "procedure", "amount"), "ask_contact": ("contact",),
                "ask_document": ("validity", "official", "where_text"), "ask_report": ("report",),
                "ask_why_not": ("why_not_listed",)}


def requests_and_manners(text: str, intent: Intent, ranking: Ranking, entities: List[Dict[str, Any]],
                         names_measure: bool = False, measure_spans: List[Tuple[int, int]] = ()) -> Tuple[Intent, Ranking]:
    """The request or question a message makes (below); marked `states_facts` when it also states facts of the
    firm's own in a clause of their own (「我们有几个外籍工程师，他们工作许可每年续签特别麻烦，有没有办法快一点」): the
    extractor keeps those facts beside the question, and the form answers the question before its next one."""
    chosen, ranking = _requests_and_manners(text, intent, ranking, entities, names_measure, measure_spans)
    if chosen.get("name") in _QUESTIONS | {"ask_contact", "ask_process", "ask_conditions", "ask_why_not", "ask_document"} \
            and chosen is not intent:
        facts = [e for e in entities if (e["entity"] in PROFILE_ENTITIES or isinstance(e.get("value"), bool))
                 and not any(a <= e.get("end", 0) and e.get("start", -1) <= b for a, b in measure_spans)]
        asking = asking_part(text)
        if facts and asking != " ".join(text.split()) and not any(text[e["start"]:e["end"]] in asking for e in facts):
            chosen = {**chosen, "states_facts": True}
            ranking = [chosen, *ranking[1:]]
    return chosen, ranking


def _requests_and_manners(text: str, intent: Intent, ranking: Ranking, entities: List[Dict[str, Any]],
                          names_measure: bool = False, measure_spans: List[Tuple[int, int]] = ()) -> Tuple[Intent, Ranking]:
    """「能导出来吗」 asks for the report; 「这个行动计划什么时候到期」「结果是正式认定吗」 ask about the documents;
    「好的 我转给老板看看」「收到」 acknowledge — whatever DIET guessed, when no fact is stated."""
    name = intent.get("name")
    facts = [e for e in entities if e["entity"] in PROFILE_ENTITIES or isinstance(e.get("value"), bool)]
    confidence = max(intent.get("confidence") or 0.0, 0.9)
    asks = bool(QUESTION_CUES.search(_NOT_QUESTION.sub("", text)))
    if name == "ask_report" and not (cue("report", text) or cue("report_request", text)):
        # 「RCEP跟我们有关系吗」 (ask_report 0.5): no word of a report — a term asked about, else what the other cues say
        # (「一个人能给多少钱」 an amount, 「好的 已转告来电人」 an acknowledgement), else the catalogue's search.
        if (asks or A_NOT_A.search(text)) and term_explanation(text):
            return _choose(ranking, "explain", confidence)
        intent, ranking = _choose(ranking, "nlu_fallback", intent.get("confidence") or 0.0)
        name = "nlu_fallback"
    if asks and name in ("ask_process", "ask_contact") and cue("validity", text) and cue("document_words", text):
        return _choose(ranking, "ask_document", confidence)  # 「这个计划到啥时候截止」: the plan's end, not a deadline
    names_measure = names_measure or bool(measure_spans) or any(e["entity"] == "policy" for e in entities)
    if name in _REROUTABLE | _QUESTIONS and cue("why_not_listed", text) and (names_measure or asks):
        # 「咋没有申报技术先进型那条 我记得文件里有」: why a measure is missing — before the words a process question shares
        # (文件 is also a material)
        return _choose(ranking, "ask_why_not", confidence)
    if name == "ask_why_not" and not WHY_NOT.search(text) and not cue("why_not_listed", text) \
            and not _HOW_TO_QUALIFY.search(text):
        # 「外资利润再投资有啥支持吗」「技术先进型服务企业是去科技局申请吗」 (ask_why_not, unsure): no word asks why — the
        # other cues decide, as for any guess without its words.
        # (as unsure as a guess without its words is: the question cues below then choose — 「…怎么申请」 a process)
        intent, ranking = _choose(ranking, "nlu_fallback", min(intent.get("confidence") or 0.0, FALLBACK_THRESHOLD - 0.01))
        name = "nlu_fallback"
    if (intent.get("confidence") or 0.0) < FALLBACK_THRESHOLD and any(cue(k, text) for k in _ASPECT_CUES.get(name, ())):
        # 「零税率有没有申请截止时间」: DIET's guess, too unsure alone, confirmed by what the question asks about.
        return _choose(ranking, name, confidence)
    if (intent.get("confidence") or 0.0) < FALLBACK_THRESHOLD and asks:
        # 「四川那边的政策去哪查」 (unsure ask_contact): another question intent whose words the message holds.
        for other in ("ask_document", "ask_contact", "ask_report", "ask_why_not", "ask_process"):
            if any(cue(k, text) for k in _ASPECT_CUES[other]):
                return _choose(ranking, other, confidence)
    # DIET's guess without the words its intent is made of (「剥离非核心业务这个 具体对接哪些部门」 read as
    # unsubscribe_push): a question's cue decides, as for the intents it often confuses.
    if name in _QUESTIONS | {"ask_process", "ask_document", "ask_report", "explain"} and not asks \
            and not A_NOT_A.search(text) and not facts and _manners(text) in ("thanks", "goodbye", "acknowledge"):
        # 「你们这个机器人还挺好用哈哈」 (ask_document 0.5): a question with nothing that asks, and words of manners.
        return _choose(ranking, _manners(text), confidence)
    unbacked = name in CUES and CUES[name] is not None and not CUES[name].search(text) \
        or name in ("deny", "affirm") and yes_no(text) is None
    if unbacked and asks:
        name = "nlu_fallback"
    # Facts said beside the measure's name, not inside it (「生产性服务企业开拓新兴市场…」 holds 生产性服务); a measure
    # described in words (「武汉那边有个综保区…免许可证的政策」) is asked about, and a place beside it is its region.
    # (a fact word written onto the name is part of it: 「外资利润再投资」)
    # (nor a fact said as the measure's attribute: 「离岸业务的税收优惠是零税率还是免税」)
    own_facts = [f for f in facts if not any(a <= f.get("end", 0) and f.get("start", -1) <= b
                                             or _ATTRIBUTE_LINK.match(text[f.get("end", 0):a]) for a, b in measure_spans)]
    described = asks and bool(POLICY_DESCRIBED.search(text))
    if described:
        own_facts = [f for f in own_facts if f["entity"] != "city"]
        names_measure = True
    if name in _REROUTABLE | _QUESTIONS and cue("why_not_listed", text) and (names_measure or asks):
        return _choose(ranking, "ask_why_not", confidence)  # 「出口信保我们还能用吗 怎么没列出来」
    applies = any(e["entity"] == "aspect" and e["value"] == "applies" for e in entities)
    if asks and applies and name in _REROUTABLE | _QUESTIONS:
        return _choose(ranking, "ask_document", confidence)  # 「浙江那个行动计划我们能不能用」
    if asks and name in _REROUTABLE | _QUESTIONS | {"ask_contact"} \
            and any(e["entity"] == "aspect" and e["value"] == "district" for e in entities):
        return _choose(ranking, "ask_document", confidence)  # 「区里有没有单独的服务外包扶持资金？」
    if asks and name in _REROUTABLE | _QUESTIONS | {"ask_contact"} and cue("validity", text):
        return _choose(ranking, "ask_document", confidence)  # 「这个文件是哪个单位发的 文号是多少」
    if (asks or name in ("show_results", "nlu_fallback") or _HOW_MUCH.search(text)) \
            and name in _REROUTABLE | _QUESTIONS | {"ask_process"} \
            and cue("amount", text):  # (「能拿好多补贴」「一个人能补贴好多钱」: 好多 asks how much, with no question mark)
        return _choose(ranking, "ask_process", confidence)  # 「上市能给多少钱奖励」: the texts set no amounts
    if name == "ask_document" and asks and cue("text_reference", text) and not any(e["entity"] == "aspect" for e in entities) \
            and not any(cue(k, text) for k in ("validity", "official", "where_text", "document_words")) \
            and not PLAN_ACTION.search(text):  # (「文韬行动又是什么？文件里看到的」: the plan's action, below)
        # 「听说文件里鼓励国企银行把业务外包出来 我们这种能接不」: what the text says of something, not the document itself.
        return _choose(ranking, "ask_conditions", confidence)
    if (asks or A_NOT_A.search(text)) and name in _REROUTABLE | _QUESTIONS | {"ask_contact", "ask_document"} \
            and term_question(text):
        return _choose(ranking, "explain", confidence)  # 「中小企业是怎样界定的 有没有标准」: the definition answers
    if asks and name in _REROUTABLE | _QUESTIONS | {"ask_contact"} and PLAN_ACTION.search(text) \
            and not any(cue(k, text) for k in ("contact", "amount", "validity")):
        return _choose(ranking, "ask_topic", confidence)  # 「青鸾那个什么行动是啥」: the action's paragraph
    if asks and name in _REROUTABLE | _QUESTIONS | {"ask_contact", "ask_document", "ask_process"} \
            and _asks_content(asking_part(text), names_measure):
        return _choose(ranking, "ask_conditions", confidence)  # 「文件里鼓励去哪些地方设分公司」: the measure's own text
    if asks and name in _REROUTABLE | {"ask_topic", "ask_conditions", "ask_contact"} \
            and (cue("contact", text) or _CONTACT_CHOICE.search(text)):
        return _choose(ranking, "ask_contact", confidence)  # 「进口研发试剂 清关这块找谁」
    if (asks or cue("what_is", text)) and name in _REROUTABLE | {"ask_contact"} and cue("what_is", text) \
            and term_explanation(asking_part(text)) and not cue("contact", text):
        return _choose(ranking, "explain", confidence)  # 「你们说的技术先进型是个啥」「ITO BPO KPO到底啥区别」
    if any(e["entity"] == "aspect" and e["value"] == "official" for e in entities) and (asks or A_NOT_A.search(text)) \
            and name in _REROUTABLE | _QUESTIONS | {"ask_process"}:
        return _choose(ranking, "ask_document", confidence)  # 「你们给的结果算不算商务厅的正式答复」: not whom to ask
    if asks and name in _REROUTABLE and not facts and bodies_named(asking_part(text)) \
            and not any(cue(k, text) for k in ("amount", "validity", "report")):
        # 「那跟市国资委有关系吗 要不要报备」: a department asked about — whether it handles the firm's measures.
        return _choose(ranking, "ask_contact", confidence)
    # A measure or topic named in the stating clauses is what the firm does (「…也帮企业开订单班做服务外包人才培训，…想问问
    # 学校能对接哪些政策」); only one named in the asking clause makes the question about it.
    asking = asking_part(text)
    names_topic = any(e["entity"] in ("policy", "topic") and text[e["start"]:e["end"]] in asking for e in entities)
    # (a measure named in a clause that says nothing of the firm is the question's topic: 「外汇收支便利化 我们能不能用」)
    named_in_question = names_topic or any(text[a:b] in asking for a, b in measure_spans) or described \
        or (names_measure and (asking == " ".join(text.split()) or not own_facts))
    if name in ("show_results", "inform") and own_facts and all(f["entity"] not in PROFILE_ENTITIES for f in own_facts) \
            and _SUPPORT_ASKED.search(asking) and asking != " ".join(text.split()):
        # 「去东南亚设分公司 浙江这边有什么支持」: the support for the plan just stated (the topic), not every measure.
        return _choose(ranking, "ask_topic", confidence)
    if name in ("ask_topic", "ask_conditions") and names_measure and asks and (intent.get("confidence") or 0) < FALLBACK_THRESHOLD:
        # 「我们是发包方，不是外包企业，也能在这里查到相关政策吗」 (ask_topic 0.42): the guess its named topic confirms.
        return _choose(ranking, name, confidence)
    if asks and name in _REROUTABLE | _QUESTIONS | {"deny"} and not cue("contact", asking) and not named_in_question \
            and (cue("which_measures", asking) or cue("what_changed", asking)):
        return _choose(ranking, "show_results", confidence)  # 「那我们能享受哪些？」「一条都用不上吗？」
    if name in ("ask_conditions", "ask_topic") and any(cue(k, text) for k in ("materials", "procedure", "timing")):
        return _choose(ranking, "ask_process", confidence)  # 「具体的申请步骤是什么」
    if names_measure and name in ("ask_contact", "ask_document") and asks and not own_facts \
            and not any(cue(k, text) for k in ("contact", "validity", "official", "where_text", "report")) \
            and not any(e["entity"] == "aspect" for e in entities):
        # 「服贸会 能组织我们去吗」「文件里说组织去开拓新兴市场 是去哪些地方」: DIET's guess, without the words that ask
        # whom or about the document — a question about the measure, answered from its text.
        return _choose(ranking, "ask_conditions", confidence)
    if names_measure and name in ("ask_conditions", "ask_process", "ask_topic", "nlu_fallback") \
            and cue("which_article", text) \
            and not any(cue(k, text) for k in ("materials", "procedure", "timing", "amount", "contact")):
        return _choose(ranking, "ask_document", confidence)  # 「零税率是文件哪一条」: where the text says it
    if names_measure and name in ("nlu_fallback", "ask_capabilities", "inform", "explain", "ask_document", "ask_conditions",
                                  "show_results") \
            and not own_facts and (asks and ASKING.search(text) or cue("interest", text)) \
            and not (name == "ask_document" and cue("which_article", text)):
        # 「零税率是什么意思 我们这种能享受吗」「技术先进型那条有什么条件」: a question naming a measure is answered from it
        # (「股权激励和上市这两条 分别是文件里哪部分的」 asks where the text says it: the document's).
        return _choose(ranking, "ask_conditions", confidence)
    if name == "ask_topic" and (intent.get("confidence") or 0.0) < 0.6 and not asks and not names_measure \
            and not facts:
        # An unsure topic question with no word that asks and no topic named is no question: not understood (counted,
        # so the form moves on), not 「请问您想查哪一类政策？」 and the same question again, and again.
        return _choose(ranking, "nlu_fallback", intent.get("confidence") or 0.0)
    if intent.get("name") in ("deny", "affirm") and asks and not facts and (names_measure or len(text.strip()) > 6) \
            and _ENDS_ASKING_NO.search(text) and yes_no(CLAUSE_BREAK.split(text.strip())[0]) is None:
        # 「那零税率现在有了没」「那这个比照目录出来了没」: a yes/no question about a measure (its 没 asks), no answer.
        return _choose(ranking, "ask_conditions", confidence)
    if name == "out_of_scope" and (intent.get("confidence") or 0.0) < 0.6 and asks and ASKING.search(text):
        # 「国家科技计划项目那个怎么争取」 (out_of_scope 0.5): unsure, and it asks — the catalogue search decides.
        return _choose(ranking, "nlu_fallback", confidence)
    if names_measure and name in ("inform", "nlu_fallback") and own_facts \
            and (asks and ASKING.search(asking_part(text)) or A_NOT_A.search(asking_part(text))) \
            and asking_part(text) != " ".join(text.split()):
        # (「那个…创新型特色企业 我们做标注的算不算啊」: an A-not-A asks too)
        # 「我们有几个外籍工程师，他们工作许可每年续签特别麻烦，有没有办法快一点」: a statement, then a question about a
        # measure in a clause of its own — answered (the facts are kept: requests_and_manners marks it).
        return _choose(ranking, "ask_conditions", confidence)
    if name == "deny" and not facts and CUES["goodbye"].search(text) and yes_no(text) is None:
        return _choose(ranking, "goodbye", confidence)  # 「搞半天冇得钱 算了算了」: giving up, not answering no
    if name not in _REROUTABLE or facts:
        return intent, ranking
    # (DIET's 「不知道」 for 「问个事」: only a message that opens with the preamble — 「这个要问下财务」 defers an answer)
    if (name in ("inform", "nlu_fallback") or name == "dont_know" and opens_with("preamble", text)) \
            and cue("preamble", text) \
            and len(without("generic_topic", text.strip())) <= 8 \
            and not QUESTION_CUES.search(without("generic_topic", text)):
        return _choose(ranking, "greet", confidence)  # 「问个事」: the question comes next
    if cue("bot_identity", text) and not facts:
        return _choose(ranking, "ask_capabilities", confidence)  # 「你是不是机器人啊 回得噶快」: a question of its own
    if cue("report_request", text):
        return _choose(ranking, "ask_report", confidence)  # 「结果能发到我们总经理微信上吗？或者给个链接也行」
    about_documents = any(e["entity"] == "aspect" and e["value"] in ASPECTS for e in entities)
    if about_documents and QUESTION_CUES.search(text):
        # 「这个结果算不算官方正式认定？我要写进内部报告」: the question is about the result, the report only its use.
        return _choose(ranking, "ask_document", confidence)
    if cue("report", text):
        return _choose(ranking, "ask_report", confidence)
    if about_documents and name in ("ask_capabilities", "show_results", "explain", "ask_document"):
        return _choose(ranking, "ask_document", confidence)
    if cue("impatient", text) and not facts:
        return _choose(ranking, "acknowledge", confidence)  # 「还要问几个啊 我等下还有个会」
    if CUES["goodbye"].search(text) and not QUESTION_CUES.search(text) and not is_unsure(text) \
            and name in ("inform", "acknowledge", "affirm", "nlu_fallback", "greet"):
        return _choose(ranking, "goodbye", confidence)  # 「好的好的 打扰了」: leaving, whatever DIET guessed
    if cue("acknowledge", text) and not QUESTION_CUES.search(text) and not CUES["goodbye"].search(text) \
            and not is_unsure(text) \
            and (name != "thanks" or not CUES["thanks"].search(text)):  # 「好的 我跟领导汇报一下」: no thanks in it
        # (「这个不太了解」 holds 了解 and is no acknowledgement: it does not know)
        return _choose(ranking, "acknowledge", confidence)
    return intent, ranking


# What a question may ask besides the text's content; any of these in its asking clauses decides instead.
_OTHER_ASPECTS = ("validity", "official", "where_text", "report", "why_not_listed", "materials", "procedure", "timing",
                  "amount")


def _asks_content(asking: str, names_measure: bool) -> bool:
    """Does the question ask what a measure's text says (where, who, whose money, what it is)? 「哪些单位把业务外包出来」
    holds a contact cue (哪些单位) that the content words take over."""
    if not (cue("content", asking) or names_measure and cue("content_defines", asking)):
        return False
    rest = without("text_reference", without("content", asking))
    return not cue("contact", rest) and not any(cue(k, rest) for k in _OTHER_ASPECTS)


def last_of_each(entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A fact repeated in a long message counts once, at its last mention (the last word wins);
    hundreds of copies made the form's slot handling slow enough to time out."""
    seen, kept = set(), []
    for entity in reversed(entities):
        key = (entity["entity"], repr(entity.get("value")))
        if key not in seen:
            seen.add(key)
            kept.append(entity)
    return kept[::-1]


