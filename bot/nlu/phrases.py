"""Facts firms state in ways a phrase list cannot: negated afterwards, by their opposite, both at once, or implied.

Pure Python on the (normalized) text and the entities found so far; used by bot/nlu/profile_extractor.py.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from bot.nlu import grammar
from bot.nlu.assertion import CLAUSE_BREAK, SENTENCE_END, STATED, modality, planned_count
from bot.nlu.short_answers import CORRECTION

_Entity = dict[str, Any]

# A negation right after a yes/no phrase, in its clause: 「上市暂时没想」「外籍员工没有」「综保区不在」.
@functools.lru_cache(maxsize=1)
def _assertion_lexicon() -> dict:
    return yaml.safe_load((Path(__file__).with_name("lexicon") / "assertion.yml").read_text(encoding="utf-8"))


def _lexicon_words(key: str) -> str:
    """One list of bot/nlu/lexicon/assertion.yml as a regex alternation, longest first."""
    return "|".join(re.escape(w) for w in sorted(_assertion_lexicon()[key], key=len, reverse=True))


def _negation_after() -> re.Pattern:
    """A negation right after a yes/no phrase, in its clause."""
    return re.compile(f"^(?:{_lexicon_words('negation_after_fillers')})*(?:{_lexicon_words('negation_after')})")


_AFTER_NEGATION = _negation_after()
# 「软件开发我们不做」: a kind of work denied by a no that ends its clause (the no of 「这块没有资质」 has its own object).
_LIST_DENIED_AFTER = re.compile(
    f"^(?:{_lexicon_words('negation_after_fillers')})*(?:{_lexicon_words('negation_after')})"
    f"(?:{_lexicon_words('list_denial_verbs')})?(?:{_lexicon_words('list_denial_tails')})*"
    r"\s*(?:$|[，。；！？,.;!?\n]|(?<=\S)\s)")


def list_value_denied_after(rest: str) -> bool:
    """Is a kind of work (a field, a type of outsourcing) denied right after it, in its clause?"""
    return bool(_LIST_DENIED_AFTER.match(rest)) and not _NOT_NEGATION.match(rest) \
        and not DOUBLE_NEGATIVE.search(CLAUSE_BREAK.split(rest, 1)[0][:8])
_NOT_NEGATION = grammar.pattern("phrases.not_negation")
_CONJUNCTION = grammar.pattern("phrases.conjunction")
_TOPIC = grammar.pattern("phrases.topic_marker")  # 「龙头企业的话，…」: what the next clauses answer
_GATHERED = grammar.pattern("phrases.list_gathered")  # 「外资，上市都没有」: a 都 gathers the list

# Facts stated by their opposite or two at once (「民企」, 「国内外都做」); the outsourcing type named outright.
_IMPLIED = grammar.valued("phrases.implied")
_TYPE_NAMES = grammar.valued("phrases.type_names", re.IGNORECASE)
# Where the firm's clients are, and who works for it, named by country or region (「日本客户」「客户主要在台湾和日本」
# 「给德国母公司做」). 港澳台 count as 境外 (离岸) as in the service-outsourcing statistics.
NEGATION_BEFORE = grammar.pattern("phrases.negation_before")
_FOREIGN_CLIENT = list(grammar.patterns("phrases.foreign_client"))
_DOMESTIC_CLIENT = list(grammar.patterns("phrases.domestic_client"))
_FOREIGN_STAFF = grammar.pattern("phrases.foreign_staff")  # 「有几个日本籍员工」「总经理是德国人」
_ANY_NATIONALITY = grammar.pattern("phrases.any_nationality")  # 阿拉伯籍员工, but not 中国籍 (returnees)
_OWN_NATIONALITY = grammar.pattern("phrases.own_nationality")
_EXPANSION = grammar.pattern("phrases.expansion")  # 「打算去德国开个办事处」
_SCHOOL = grammar.pattern("phrases.school")  # 「我们是洪山区的高校」, not 「武汉大学孵化出来的」
_FOREIGN_OWNED = grammar.pattern("phrases.foreign_owned")  # 「新加坡独资的」「外方占三成股份」
_PARK = grammar.pattern("phrases.park")  # 「管着一个…产业园」
_PLATFORM = grammar.pattern("phrases.platform")  # 「搭了个…公共服务平台」
_QUALIFICATION = grammar.pattern("phrases.qualification")  # 「持有英国皇家建筑师学会RIBA的执业资格」
_SENIOR = grammar.pattern("phrases.senior")  # 「今年还打算引进两三个高级工程师」
_COVID = grammar.pattern("phrases.covid")  # 「疫情那两年受一家疫苗企业委托…」
_TYPE_DENIED = grammar.pattern("phrases.type_denied_before")


def named_service_types(text: str, entities: list[_Entity]) -> list[_Entity]:
    """service_types named in the text that no entity covers (「应该归业务流程外包那一类」), unless denied."""
    have = {e["value"] for e in entities if e["entity"] == "service_types"}
    found = []
    for pattern, value, _ in _TYPE_NAMES:
        match = pattern.search(text)
        denied = _TYPE_DENIED.search(text[max(0, match.start() - 3):match.start()]) if match else None
        if match and value not in have and not denied:
            found.append({"entity": "service_types", "start": match.start(), "end": match.end(), "value": value})
    return found


# Banks, foreign firms and cities named as clients say nothing about the firm itself.
ABOUT_CLIENTS = ("city", "foreign_invested", "financial_institution", "soe_or_hospital", "is_school", "overseas_expansion",
                 "is_sme", "leading_firm", "plans_listing")


def _hits(patterns: list[re.Pattern], text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for p in patterns for m in p.finditer(text)]


def client_spans(text: str) -> list[tuple[int, int]]:
    """Where the text speaks of the firm's clients or staff (「客户主要是香港的银行」): places and firm types
    inside say nothing about the firm itself."""
    spans = _hits(_FOREIGN_CLIENT + _DOMESTIC_CLIENT, text)
    spans += [(m.start(), m.end()) for m in _FOREIGN_STAFF.finditer(text)]
    # 「客户主要是香港的银行」「帮香港几家保险公司处理理赔单据」「做保险和银行的电话客服外包」: whom the work is for.
    spans += _hits(list(grammar.patterns("phrases.client_span")), text)
    return spans


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause, as CLAUSE_BREAK cuts the text."""
    spans, last = [], 0
    for sep in CLAUSE_BREAK.finditer(text):
        spans.append((last, sep.start()))
        last = sep.end()
    return spans + [(last, len(text))]


_CLIENTS_DOING = grammar.pattern("phrases.clients_doing")
_CLIENTS_AMONG = grammar.pattern("phrases.clients_among")
_CLIENTS_DO_AFTER = grammar.pattern("phrases.clients_do_after")
_PASSIVE_AGENT = grammar.pattern("phrases.passive_agent")
_SHARE_OPENS = grammar.pattern("phrases.share_opens")


def clients_doing_spans(text: str) -> list[tuple[int, int]]:
    """「我们行服务的客户里有不少服务外包企业，很多做离岸业务」: the clients' own business — after 客户里很多做… to the end of
    its clause, and a clause that opens with a share of them (很多做…) right after a clause about the clients."""
    spans = []
    about_clients = False
    for begin, end in clause_spans(text):
        clause = text[begin:end]
        doing = _CLIENTS_DOING.search(clause)
        if doing:
            spans.append((begin + doing.end(), end))
        elif about_clients and _SHARE_OPENS.match(clause.strip()):
            spans.append((begin, end))
            continue
        about_clients = bool(_CLIENTS_AMONG.search(clause)) if clause.strip() else about_clients
    return spans


def about_the_firm(text: str, entities: list[_Entity]) -> list[_Entity]:
    """Drop what is said about clients (「客户主要是香港的银行」 names no city or bank of the firm's) and foreigners
    the firm works for (「直接给老外干的活」 are clients, not staff)."""
    spans = client_spans(text)
    # 「帮新加坡、香港的几家公司做员工薪酬核算」: staff named inside whom the work is for are the clients' staff.
    work_for = [(m.start(), m.end()) for m in _WORK_FOR.finditer(text)]
    here = _city_roles()["here"]
    # 「给几家银行做客服 银行都在上海」: the same word again later still means the clients.
    said_of_clients: dict[str, int] = {}
    for e in sorted(entities, key=lambda e: e["start"]):
        if e["entity"] in ABOUT_CLIENTS and e["entity"] != "city" \
                and any(a <= e["start"] and e["end"] <= b for a, b in spans):
            said_of_clients.setdefault(text[e["start"]:e["end"]], e["start"])
    spans = spans + [(e["start"], e["end"]) for e in entities if e["entity"] in ABOUT_CLIENTS and e["entity"] != "city"
                     and e["start"] > said_of_clients.get(text[e["start"]:e["end"]], len(text))
                     and not _FIRM_IS_BEFORE.search(text[:e["start"]])]
    # 「客户里有两个日本人」: people named inside what is said of the clients are the clients'.
    of_clients = _hits(list(grammar.patterns("phrases.client_span")), text)
    entities = [e for e in entities if not (e["entity"] in ABOUT_CLIENTS and e["entity"] != "city"
                                            and _PASSIVE_AGENT.search(text[max(0, e["start"] - 4):e["start"]]))]
    doing = clients_doing_spans(text)
    entities = [e for e in entities if not (e["entity"] != "city" and any(a <= e["start"] and e["end"] <= b for a, b in doing))
                and not (e["entity"] != "city" and _CLIENTS_DO_AFTER.match(text[e["end"]:]))]
    return [e for e in entities
            if not (e["entity"] == "hires_foreign_talent" and any(a <= e["start"] and e["end"] <= b for a, b in of_clients))
            and not (e["entity"] in ABOUT_CLIENTS and any(a <= e["start"] and e["end"] <= b for a, b in spans)
                    and not (e["entity"] == "city" and here.match(text[e["end"]:]))
                    and not _FIRM_HEAD_BEFORE.search(text[:e["start"]]))
            and not (e["entity"] == "hires_foreign_talent" and (_WORK_FOR_BEFORE.search(text[:e["start"]])
                                                               or any(a < e["start"] < b for a, b in work_for)))]


_CLIENTS_ALL_IN = grammar.pattern("phrases.clients_all_in")
_HOME_WORDS = grammar.pattern("phrases.home_words")
_FIRM_HEAD_BEFORE = grammar.pattern("phrases.firm_head_before")
_FIRM_IS_BEFORE = grammar.pattern("phrases.firm_is_before")


_ADDRESSES_THE_ASSISTANT = grammar.pattern("phrases.addresses_the_assistant")


def not_of_the_assistant(text: str, entities: list[_Entity]) -> list[_Entity]:
    """「你这AI比我们厂会计还会说」: a clause whose subject is the assistant (你/您) states nothing of the firm."""
    spans = [(a, b) for a, b in clause_spans(text) if _ADDRESSES_THE_ASSISTANT.match(text[a:b])]
    return [e for e in entities if not any(a <= e["start"] < b for a, b in spans)]


def clients_at_home(text: str, entities: list[_Entity]) -> list[_Entity]:
    """「客户主要是宁波这边的外资车企」「客户在上海」: clients in a city of China are business at home (onshore)."""
    if any(e["entity"] == "onshore" for e in entities):
        return []
    spans = _hits(list(grammar.patterns("phrases.clients_in_place")), text)
    home = [e for e in entities if e["entity"] == "city" and not is_abroad(e["value"])
            and any(a <= e["start"] and e["end"] <= b for a, b in spans)]
    home += [{"entity": "city", "start": a + m.start(), "end": a + m.end(), "value": None}
             for a, b in spans for m in [_HOME_WORDS.search(text[a:b])] if m]
    if not home:
        return []
    home.sort(key=lambda e: e["start"])
    found = [{"entity": "onshore", "start": home[0]["start"], "end": home[0]["end"], "value": True}]
    if not any(e["entity"] == "offshore" for e in entities) and _CLIENTS_ALL_IN.search(text[:home[0]["start"]]):
        # 「客户基本都在上海」: all of them at home — and no client abroad named anywhere.
        found.append({"entity": "offshore", "start": home[0]["start"], "end": home[0]["end"], "value": False})
    return found


def not_own_services(text: str, entities: list[_Entity]) -> list[_Entity]:
    """「主要教软件测试」「把信用卡客服外包出去」: what a school teaches, what a buyer sends out, is no service type or
    field of its own; 「有个对银行的风险补偿」「有个综保区研发用品免许可证的政策」: a measure described in words holds
    the measure's facts, not the firm's."""
    sent_out = [(m.start(), m.end()) for m in _OUTSOURCED_OUT.finditer(text)]
    courses = [(m.start(), m.end()) for m in _COURSE.finditer(text)] + sent_out
    # (and where the work sent out goes — 「款式设计是外包给意大利一个工作室做的」 — is the supplier's, no offshore business)
    clauses = clause_spans(text) if sent_out else []
    sent_to = [(start, next(b for a, b in clauses if a <= end <= b)) for start, end in sent_out]
    described = [(m.start(), m.end()) for p in (POLICY_DESCRIBED, _PERSON_BY_ROLE) for m in p.finditer(text)] \
        + hearsay_spans(text)
    # (where the parent is says who owns the firm: 「母公司在新加坡 我们是全资子公司」 is foreign-invested)
    others = others_spans(text)
    named = [(m.start(), m.end()) for m in _OTHERS_NAMED.finditer(text)]  # (its owners too: 「另一家外资公司」)
    entities = _taken_back(text, entities)
    return [e for e in entities if not any(a <= e["start"] and e["end"] <= b for a, b in named)
            and not (e["entity"] in ("fields", "service_types")
                                        and any(a <= e["start"] and e["end"] <= b for a, b in courses))
            and not any(a <= e["start"] and e["end"] <= b for a, b in described)
            and not (e["entity"] in ("offshore", "onshore") and e["value"] is True
                     and any(a <= e["start"] and e["end"] <= b for a, b in sent_to))
            and not (e["entity"] != "foreign_invested" and not e.get("taken_back")
                     and any(a <= e["start"] and e["end"] <= b for a, b in others))]


def _taken_back(text: str, entities: list[_Entity]) -> list[_Entity]:
    """「搞错了 那个海外业务是我们上海母公司的」: a correction that gives a fact to someone else takes it back from the
    firm — the subject of the 是 is a no for the firm (the rest of the clause, the parent's place, is dropped as theirs)."""
    if not CORRECTION.search(text):
        return entities
    subjects = []
    for m in _OTHERS_AFFAIR.finditer(text):
        verb = _OWNER_VERB.search(m.group())
        if verb:
            subjects.append((m.start(), m.start() + verb.start()))
    return [{**e, "value": False, "taken_back": True}
            if e.get("value") is True and any(a <= e["start"] and e["end"] <= b for a, b in subjects) else e
            for e in entities]


_OWNER_VERB = grammar.pattern("phrases.owner_verb")
_HEARSAY = grammar.pattern("guards.hearsay")


def hearsay_spans(text: str) -> list[tuple[int, int]]:
    """「听说综保区里进口研发用的试剂耗材可以不交许可证了」: a clause of hearsay describes a measure, not the firm."""
    return [(begin, end) for begin, end in clause_spans(text) if _HEARSAY.match(text[begin:end].strip())]


def parent_spans(text: str) -> list[tuple[int, int]]:
    """「我们是集团的全资子公司，集团总部在深圳，已经上市了，集团是技术先进型服务企业。但是我们武汉这个公司自己还没有认定」:
    what is said of the parent company — from a clause that opens with it, through the clauses after it, until one
    speaks of the firm itself again — says nothing of the firm."""
    spans = []
    for match in _PARENT_OPENS.finditer(text):
        if _GROUP_OPENS.match(match.group()) and not _SUBSIDIARY.search(text):
            continue  # 「集团总部在杭州萧山…全国8000人」 from the group's own staff: the group is the firm
        start = end = match.start()
        # to the end of its sentence at most: 「母公司位于日本名古屋。现有员工约60名」 — a pasted profile's next sentence is the firm's
        stop = _SENTENCE_END.search(text, start)
        for clause in CLAUSE_BREAK.split(text[start:stop.start() if stop else len(text)]):
            if end > start and _SELF_OPENS.match(clause.strip()):
                break
            end = text.index(clause, end) + len(clause) if clause else end + 1
        spans.append((start, end))
    return spans


def others_spans(text: str) -> list[tuple[int, int]]:
    """What the text says of someone else: the parent company's clauses, 「…的是我们集团的兄弟公司」, 「上市是母公司的事」."""
    return parent_spans(text) + [(m.start(), m.end()) for p in (_OTHERS_DID, _OTHERS_AFFAIR) for m in p.finditer(text)]


def someone_elses_spans(text: str) -> list[tuple[int, int]]:
    """Every span the text says of someone else: a parent's clauses, others' affairs, a park's tenants or competitors
    doing a business (「园区里好多德国法国的外资公司」), other firms named."""
    return others_spans(text) + clients_doing_spans(text) + [(m.start(), m.end()) for m in _OTHERS_NAMED.finditer(text)]


_WORK_FOR = grammar.pattern("phrases.work_for")
_OTHERS_DID = grammar.pattern("phrases.others_did")
_OTHERS_AFFAIR = grammar.pattern("phrases.others_affair")
_OTHERS_NAMED = grammar.pattern("phrases.others_named")
_COURSE = grammar.pattern("phrases.course")
_PERSON_BY_ROLE = grammar.pattern("phrases.person_by_role")  # 「问了我们会计」: a person, not the firm's field
_PARENT_OPENS = grammar.pattern("phrases.parent_opens")  # a clause about the parent company (集团总部在深圳…)
_SUBSIDIARY = grammar.pattern("phrases.subsidiary_context")
_GROUP_OPENS = grammar.pattern("phrases.group_opens")  # the firm is one of the group's companies
_SELF_OPENS = grammar.pattern("phrases.self_opens")  # a clause about the firm itself again (但是我们…)
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_OUTSOURCED_OUT = grammar.pattern("phrases.outsourced_out")
POLICY_DESCRIBED = grammar.pattern("phrases.policy_described")
_WORK_FOR_BEFORE = grammar.pattern("phrases.work_for_before")
_BONDED_ZONE = grammar.pattern("phrases.bonded_zone_names")


def bonded_zones_in_places(text: str, entities: list[_Entity]) -> list[_Entity]:
    """「舟山港综保区里面的公司」: the place name swallows the vocabulary's 综保区, so say it again."""
    return [{"entity": "in_bonded_zone", "start": e["start"], "end": e["end"], "value": True}
            for e in entities if e["entity"] == "city" and _BONDED_ZONE.search(text[e["start"]:e["end"]])]


# 「也不是没有，有两个新加坡客户」: a double negative is a yes.
DOUBLE_NEGATIVE = grammar.pattern("phrases.double_negative")
_LATER_FACT = grammar.pattern("phrases.later_fact_words")


def _negated_before(text: str, start: int) -> bool:
    window = CLAUSE_BREAK.split(text[max(0, start - 6):start])[-1]
    # (the double negative may reach further back: 「不是说我们没有国外业务」)
    return bool(NEGATION_BEFORE.search(window)) and not DOUBLE_NEGATIVE.search(text[max(0, start - 10):start])


def _negated_after(text: str, end: int) -> bool:
    """「国外的单子没有」, but not 「日本籍员工没有上市计划」 (the negation belongs to the next fact)."""
    if _NEXT_TO_NONE.match(text[end:]):
        return True  # 「境内的客户极少 基本没有」
    rest = CLAUSE_BREAK.split(text[end:])[0]
    if rest[:1].isspace() and not _AFTER_NEGATION.match(rest.lstrip()):
        return False  # 「都是国内客户 国外业务没有」: after a space, a no with a phrase before it is that phrase's
    if DOUBLE_NEGATIVE.search(rest[:8]):
        return False  # 「国外的单子也不是没有」
    match = _AFTER_NEGATION.match(rest)
    if match:
        return not _NOT_NEGATION.match(rest) and len(rest) - match.end() <= 3
    return clause_negated(rest) and not _LATER_FACT.search(rest)


# 「好像有个新加坡的项目在谈，还没签下来」「打算开拓海外」: not yet business, so not yet offshore.
_NOT_YET = grammar.pattern("phrases.not_yet")
# Facts described by a verb phrase: a negation inside the phrase denies it (a client list may hold 不是只有…).
_VERB_PHRASE_FACTS = ("covid_commissioned", "overseas_expansion")
_INSIDE_NEGATION = grammar.pattern("phrases.inside_negation")

def _not_yet_after(text: str, end: int) -> bool:
    following = text[end:end + 10]
    clause = "" if following[:1].isspace() else CLAUSE_BREAK.split(following)[0]  # a space after the fact ends it
    return bool(_NOT_YET.search(clause))


def not_yet_business(text: str, entities: list[_Entity]) -> list[_Entity]:
    """「海外客户还在谈，目前没有」: business still being negotiated is not business yet — the vocabulary's words too."""
    return [{**e, "value": False} if e["entity"] in ("offshore", "onshore") and e.get("value") is True
            and _not_yet_after(text, e["end"]) else e for e in entities]


def _fact(text: str, start: int, end: int, entity: str) -> dict:
    negated = _negated_before(text, start) or (_negated_after(text, end) and not planned_count(text, (start, end), entity))
    if entity in _VERB_PHRASE_FACTS and _INSIDE_NEGATION.search(text[start:end]) \
            and not DOUBLE_NEGATIVE.search(text[start:end]):
        negated = True  # 「疫情期间没有接过新冠相关的委托」: the no stands inside the description
    if entity in ("offshore", "onshore") and _not_yet_after(text, end):
        negated = True
    return {"entity": entity, "start": start, "end": end, "value": not negated}


# 「准备明年申报技术先进型」: applying is not being certified.
_APPLYING = grammar.pattern("phrases.applying")
_APPLYING_AFTER = grammar.pattern("phrases.applying_after")
_PROCESS_AFTER = grammar.pattern("phrases.process_after")
APPLIED_FOR = ("tech_advanced_certified", "training_demo_recognized")
_NOT_YET_CERTIFIED = grammar.pattern("phrases.not_yet_certified")
_CERTIFIED_OWN = grammar.pattern("phrases.certified_own")


def _not_yet_later(after: str) -> int | None:
    """Where a later clause of the sentence denies the certification named just before `after`
    (「技术先进型那个我记错了, 去年申请被退回了, 目前还没有认定」) — None when there is none, or when the
    certification's own clause says yes (「技术先进型有了，示范机构还没批」: the no is another item's)."""
    sentence = SENTENCE_END.split(after, 1)[0][:48]
    found = _NOT_YET_CERTIFIED.search(sentence)
    if not found or _CERTIFIED_OWN.search(CLAUSE_BREAK.split(sentence, 1)[0]):
        return None
    return found.start()


def pending_application(after: str) -> bool:
    """Does the text right after a certification say it is still being applied for (「…还在申报中，没批」)?"""
    return bool(_APPLYING_AFTER.match(after)) or _not_yet_later(after) is not None


def applying_is_not_certified(text: str, entities: list[_Entity]) -> list[_Entity]:
    """「准备明年申报技术先进型」「培训示范机构我们正在准备申报 还没评上」: applying is not being certified."""
    def applying(e: _Entity) -> bool:
        after = text[e["end"]:e["end"] + 24]
        return bool(_APPLYING.search(text[max(0, e["start"] - 16):e["start"]]) or _APPLYING_AFTER.match(after)
                    or not_yet_later(e))

    def not_yet_later(e: _Entity) -> bool:
        at = _not_yet_later(text[e["end"]:])  # (no other fact named before the no: then it is that one's)
        return at is not None and not any(e["end"] < o["start"] < e["end"] + at for o in entities)

    entities = [e for e in entities if not (e["entity"] in APPLIED_FOR and _PROCESS_AFTER.match(text[e["end"]:]))]
    return [dict(e, value=False) if e["entity"] in APPLIED_FOR and e["value"] is True and applying(e) else e
            for e in entities]


# 「给船厂做船舶设计」「帮本地的纺机厂做外观设计」: work done for manufacturers is producer services (生产性服务).
_FOR_MAKERS = grammar.pattern("phrases.for_makers")
_PRODUCER_WORK = grammar.pattern("phrases.producer_work")
# Fields in words the vocabulary lacks (kept apart: the vocabulary is compiled into the model).
_FIELD_WORDS = grammar.valued("phrases.field_words")


def _clause_and_previous(text: str, start: int) -> str:
    """The clause from `start` on and the one before it (「做船舶设计外包，客户主要是韩国的船厂」: the work is said first;
    described_fields also reads the clause after, 「客户主要是小商品城里那些厂 帮他们出包装 出设计稿」)."""
    before = CLAUSE_BREAK.split(text[:start])
    return (before[-2] if len(before) > 1 else "") + CLAUSE_BREAK.split(text[start:])[0]


def described_fields(text: str) -> list[_Entity]:
    found = [{"entity": "fields", "start": m.start(), "end": m.end(), "value": "producer_services"}
             for m in _FOR_MAKERS.finditer(text)
             if _PRODUCER_WORK.search(_clause_and_previous(text, m.start()) + " ".join(CLAUSE_BREAK.split(text[m.end():])[:2]))][:1]
    for pattern, value, _ in _FIELD_WORDS:
        match = pattern.search(text)
        if match:
            found.append({"entity": "fields", "start": match.start(), "end": match.end(), "value": value})
    return found


def makers_clients(text: str, fields: list[_Entity]) -> list[_Entity]:
    """「客户主要是东风系的几个主机厂」 with no work named beside it: the clients are makers — the form reads it with the
    work the firm said before (actions/form.py). A marker entity, no fact (its value is no bool)."""
    if any(f["value"] == "producer_services" for f in fields):
        return []
    match = _FOR_MAKERS.search(text)
    return [{"entity": "makers_clients", "start": match.start(), "end": match.end(), "value": "makers"}] if match else []


def described_facts(text: str) -> list[_Entity]:
    """Facts stated as descriptions rather than with the vocabulary's words: clients' countries, foreign
    staff, an office abroad, 「我们是…高校」."""
    found = [_fact(text, s, e, "offshore") for s, e in _hits(_FOREIGN_CLIENT, text)]
    found += [_fact(text, s, e, "onshore") for s, e in _hits(_DOMESTIC_CLIENT, text)]
    found += [_fact(text, m.start(), m.end(), "hires_foreign_talent") for m in _FOREIGN_STAFF.finditer(text)
              if not _OTHERS_STAFF.search(m.group())]
    found += [_fact(text, m.start(), m.end(), "hires_foreign_talent") for m in _ANY_NATIONALITY.finditer(text)
              if not _OWN_NATIONALITY.search(m.group(1))]
    found += [_fact(text, m.start(), m.end(), "overseas_expansion") for m in _EXPANSION.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "is_school") for m in _SCHOOL.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "covid_commissioned") for m in _COVID.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "recruits_senior_talent") for m in _SENIOR.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "foreign_invested") for m in _FOREIGN_OWNED.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "runs_park") for m in _PARK.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "runs_platform") for m in _PLATFORM.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "overseas_qualification") for m in _QUALIFICATION.finditer(text)]
    # One per fact and value: the widest mention.
    best: dict = {}
    for f in sorted(found, key=lambda f: f["start"] - f["end"]):
        best.setdefault((f["entity"], f["value"]), f)
    return sorted(best.values(), key=lambda f: f["start"])


# A negation just before 「国内外…」 is not handled: firms say 「没有国外客户」 instead, which the vocabulary reads.

# The outsourcing type a field implies, after the usual ITO/BPO/KPO split of China's service-outsourcing
# statistics. Only unambiguous phrases: 设计 alone or 大数据 alone imply nothing.
_INFERRED = grammar.valued("phrases.inferred_types")
_TYPES_OF_FIELDS = grammar.entry("phrases.types_of_fields")
# The firm says it does not outsource: nothing is implied (「不算外包企业，我们主要做服务外包人才培训」).
NO_OUTSOURCING = grammar.pattern("phrases.no_outsourcing")

def _answered_later(text: str, ent: _Entity, later_flags: list[_Entity]) -> bool | None:
    """「龙头企业的话，我们就两百多人，算不上」: a fact set up as the topic (的话/这块/这项) and answered by a bare yes or
    no in a later clause, with no other yes/no fact in between. The answer, or None."""
    from bot.nlu.short_answers import yes_no

    if not _TOPIC.match(text[ent["end"]:]):
        return None
    stop = min([e["start"] for e in later_flags], default=len(text))
    for clause in CLAUSE_BREAK.split(text[ent["end"]:stop])[1:]:
        answer = yes_no(clause.strip()) if clause.strip() else None
        if answer is not None:
            return answer
    return None


def negated_after(text: str, entities: list[_Entity], flags: list[str]) -> list[_Entity]:
    """Yes/no entities negated by what follows them; a list shares the negation of its last item."""
    result = [dict(e) for e in entities]
    for i, ent in enumerate(result):
        if ent["entity"] not in flags or ent["value"] is not True:
            continue
        if _answered_later(text, ent, [e for e in result[i + 1:] if e["entity"] in flags]) is False:
            ent["value"] = False
            continue
        # Walk over 「外资和上市」 to the last item of the list.
        j = i
        while j + 1 < len(result) and _CONJUNCTION.match(text[result[j]["end"]:result[j + 1]["start"]] or "x"):
            if re.search(r"[,，]", text[result[j]["end"]:result[j + 1]["start"]]) and not _GATHERED.match(text[result[j + 1]["end"]:]):
                break  # 「有外籍员工，上市没有」: a comma ends the list unless a 都 gathers it (「外资，上市都没有」)
            j += 1
        rest = text[result[j]["end"]:]
        if _NEXT_TO_NONE.match(rest):
            ent["value"] = False  # 「国内的项目很少 可以说没有」
            continue
        if _NO_THAT_ASKS.match(rest):
            ent["asked"] = True  # 「这算离岸不？」: asked about, not stated
            continue
        later = [e["start"] - result[j]["end"] for e in result[j + 1:]]
        if ent["entity"] in IDENTITY:
            # 「银行不接这类业务」: the bank does not, it is still a bank; 「外资和上市都没有」 is a no.
            match = _AFTER_NEGATION.match(rest)
            # 「我们医院不是外包企业」: 不是 takes a predicate of its own (外包企业) — the hospital is still one.
            predicate = CLAUSE_BREAK.split(rest[match.end():], 1)[0].strip() if match else ""
            if match and not _NOT_NEGATION.match(rest) and _IDENTITY_NO.search(match.group()) \
                    and not _OWN_PREDICATE.match(predicate):
                ent["value"] = False
        elif clause_negated(rest, later):
            ent["value"] = False
    return [e for e in result if not e.pop("asked", False)]


# Facts that say what the firm is: only 「不是/没有/并非…」 right after them deny it.
IDENTITY = {"foreign_invested", "financial_institution", "is_school", "soe_or_hospital", "leading_firm", "is_sme",
            "runs_platform", "runs_park"}
_IDENTITY_NO = re.compile(f"(?:{_lexicon_words('identity_negation')})$")
_OWN_PREDICATE = grammar.pattern("phrases.own_predicate")  # what a 不是 right after an identity may deny instead
# A no later in the clause: 「境外业务一点都没有」「境外客户暂时是零」「离岸的我们不接」「国外的项目暂无」.
_CLAUSE_NO = grammar.pattern("phrases.clause_no")
_NO_THAT_ASKS = grammar.pattern("phrases.no_that_asks")
_NEXT_TO_NONE = grammar.pattern("phrases.next_to_none")
_NEGATION_WITH_OBJECT = grammar.pattern("phrases.negation_with_object")
_NOT_NEGATION_WORD = grammar.pattern("phrases.not_negation_words")
_CLAUSE_END_RE = CLAUSE_BREAK
_SCOPE_END = re.compile(_lexicon_words("terminators"))
_ANOTHER_HOLDER_NEXT = grammar.pattern("phrases.another_holder_next")


def clause_negated(rest: str, later_starts: list[int] = ()) -> bool:
    """Is a yes/no phrase denied later in its clause? Not when the no belongs to a fact named after it
    (「日本籍员工没有上市计划」), nor 不少/不错/不多."""
    if _NOT_NEGATION.match(rest) or DOUBLE_NEGATIVE.search(CLAUSE_BREAK.split(rest, 1)[0][:8]):
        return False  # 「外籍员工不多」; 「国外客户也不是没有」 is a yes
    if _AFTER_NEGATION.match(rest):
        return True
    if rest[:1].isspace() and not _AFTER_NEGATION.match(rest.lstrip()):
        return False  # 「都是国内客户 国外业务没有」: after a space, a no with a phrase before it is that phrase's
    if _ANOTHER_HOLDER_NEXT.match(rest):
        return False  # 「客户全部是国内的 德国股东那边从来没给我们发过项目」: the no is the next clause's someone else's
    clause = _CLAUSE_END_RE.split(rest, 1)[0][:12]  # a run-on message is no clause: only the next few words
    clause = _SCOPE_END.split(clause, 1)[0]  # 「在自贸区 其他没有」: the no is the rest's
    clause = clause.split("\0", 1)[0]  # 「外籍人才还不确定 上市暂时没有」: its own answer (masked 不确定) ends its scope
    match = _CLAUSE_NO.search(clause)
    if not match or _NOT_NEGATION.match(clause[match.start():]) or _NOT_NEGATION_WORD.match(clause[match.start():]):
        return False
    if _NEGATION_WITH_OBJECT.match(clause[match.start():]):
        return False  # 「我们是学校 本身不接外包业务」: the 不 is 接外包业务's
    if any(match.end() <= s < len(clause) for s in later_starts):
        return False
    if any(0 < s < match.start() for s in later_starts):
        return False  # 「外籍员工 上市没有」: the no is the nearer fact's
    return not DOUBLE_NEGATIVE.search(clause)


_NOT_MARKET_SUBJECT = grammar.pattern("phrases.not_market_subject")
_OTHERS_STAFF = grammar.pattern("phrases.others_staff")


def not_of_owners(text: str, entities: list[_Entity]) -> list[_Entity]:
    """「股东全是国内的」: what is domestic or foreign right after the owners or the staff says nothing of the market."""
    return [e for e in entities if not (e["entity"] in ("offshore", "onshore")
                                        and _NOT_MARKET_SUBJECT.search(text[:e["start"]]))]


_SUBJECT_BEFORE = grammar.pattern("phrases.subject_before")
_FIRM_SUBJECT = grammar.pattern("phrases.firm_subject")
_OTHERS_SUBJECT = grammar.pattern("phrases.others_subject")
_NOT_A_SUBJECT = grammar.pattern("phrases.not_a_subject")
_COMPANION_BEFORE = grammar.pattern("phrases.companion_before")
_WITH_BEFORE = grammar.pattern("phrases.with_before")
_PARTNER_AFTER = grammar.pattern("phrases.partner_after")


def of_named_others(text: str, entities: list[_Entity]) -> list[_Entity]:
    """「东风是国企 我们是民营的」「东风那才是龙头」: a kind of body said of a subject that is not the firm is the subject's."""
    kept = []
    for e in entities:
        if isinstance(e.get("value"), bool) and e["entity"] in ABOUT_CLIENTS:
            before = CLAUSE_BREAK.split(text[:e["start"]])[-1]
            if _COMPANION_BEFORE.search(before) or (_WITH_BEFORE.search(before) and _PARTNER_AFTER.match(text[e["end"]:])):
                continue  # 「跟着一家央企去非洲」「跟国企合作」: the partner's kind
            subject = _SUBJECT_BEFORE.match(CLAUSE_BREAK.split(text[:e["start"]])[-1])
            name = subject.group(1) if subject else ""
            if name and not _NOT_A_SUBJECT.match(name) and (
                    _OTHERS_SUBJECT.search(name) or not _FIRM_SUBJECT.search(name)):
                continue
        kept.append(e)
    return kept


_VIA_HOME_COMPANY = grammar.pattern("phrases.via_home_company")


def through_a_home_company(text: str, entities: list[_Entity]) -> list[_Entity]:
    """「美国那个项目其实是跟上海一家公司签的合同 我们没直接跟美国签」: the clients abroad are a company at home's; the
    firm's business abroad is a no."""
    if not _VIA_HOME_COMPANY.search(text):
        return entities
    return [dict(e, value=False) if e["entity"] == "offshore" and e["value"] is True else e for e in entities]


def implied_facts(text: str) -> list[_Entity]:
    found = []
    for pattern, value, entity in _IMPLIED:
        for match in pattern.finditer(text):
            # (「不运营园区」: a yes the pattern implies is denied by a negation right before it)
            said = False if value is True and _negated_before(text, match.start()) else value
            found.append({"entity": entity, "start": match.start(), "end": match.end(), "value": said})
    return found


def inferred_service_types(text: str, entities: list[_Entity]) -> list[_Entity]:
    """service_types entities implied by the field, each marked `inferred` with the phrase it comes from."""
    if NO_OUTSOURCING.search(text):
        return []
    stated = {e["value"] for e in entities if e["entity"] == "service_types"}
    if stated:
        return []  # 「做AI算法外包 ITO」: the type said outright is the answer; no other is guessed beside it
    found: dict[str, _Entity] = {}
    for pattern, value, _ in _INFERRED:
        match = pattern.search(text)
        if match and value not in stated and value not in found:
            found[value] = {"entity": "service_types", "start": match.start(), "end": match.end(), "value": value,
                            "inferred": match.group()}
    if not found:  # no phrase of a type: the firm's own field may imply one
        for e in entities:
            value = _TYPES_OF_FIELDS.get(e["value"]) if e["entity"] == "fields" and isinstance(e["value"], str) else None
            if value and value not in found:
                found[value] = {"entity": "service_types", "start": e["start"], "end": e["end"], "value": value,
                                "inferred": text[e["start"]:e["end"]]}
    return list(found.values())


# 「我们注册在武汉，杭州只是办事处」「总部在成都，按杭州的来」: which of two cities is the firm's.
def is_abroad(value: Any) -> bool:
    from policies_db.evaluation.places import ABROAD, resolve

    return isinstance(value, str) and resolve(value).status == ABROAD


@functools.lru_cache(maxsize=1)
def _city_roles() -> dict[str, re.Pattern]:
    """The role cues of bot/nlu/lexicon/places_roles.yml, compiled once."""
    data = yaml.safe_load((Path(__file__).with_name("lexicon") / "places_roles.yml").read_text(encoding="utf-8"))

    def alt(key: str) -> str:
        return "|".join(re.escape(w) for w in sorted(data[key], key=len, reverse=True))

    between = f"(?:{alt('between')})*"
    return {"registered": re.compile(f"(?:{alt('registered_before')}){between}$"),
            "before": re.compile(f"(?:{alt('elsewhere_before')}){between}$"),
            "after": re.compile(grammar.expand(grammar.entry("phrases.elsewhere_after_lead"))
                                + f"(?:{alt('elsewhere_after')})"),
            "after_not": re.compile(f"^(?:{alt('elsewhere_after_not')})"),
            "here": re.compile(f"^(?:{alt('here_after')})"),
            "abroad_located": re.compile(f"(?:{alt('abroad_located_before')})(?:{alt('between')})*$"),
            "not_registered": re.compile(alt("not_registered_after")),
            "registered_after": re.compile(f"^(?:{alt('registered_after')})"),
            "self": re.compile(f"(?:{alt('self_before')})(?:{alt('between')})*$"),
            "asked_treatment": re.compile(f"(?:{alt('asked_treatment_before')})(?:{alt('particle')})?$"),
            "office_before": re.compile(f"(?:{alt('office_nouns')})(?:{alt('between')})*$"),
            "office_had": re.compile(f"^(?:{alt('particle')})?(?:{alt('office_had_after')})(?:{alt('office_nouns')})"),
            "self_branch": re.compile(f"^(?:{alt('particle')})?(?:{alt('self_branch_after')})"),
            "self_opens": re.compile(f"(?:{alt('self_opens')})[^，。；,;！!？?\\s]{{0,16}}$")}


def asked_treatment_before(text: str) -> bool:
    """Does the text end with 按/按照…, the treatment a question asks for (「能不能按杭州的算」)?"""
    return bool(_city_roles()["asked_treatment"].search(text))


@functools.lru_cache(maxsize=1)
def _same_place_gaps() -> tuple[frozenset[str], frozenset[str]]:
    """(gaps that always join two names into one place, gaps that join names of the same role)."""
    data = yaml.safe_load((Path(__file__).with_name("lexicon") / "places_roles.yml").read_text(encoding="utf-8"))
    return frozenset(data["same_place_gap"]), frozenset(data["same_place_gap_weak"])


def city_role(text: str, start: int, end: int) -> str:
    """registered | self | elsewhere | plain: what the words around a city say of it."""
    roles = _city_roles()
    window = re.split(r"[，。；,;！!？?\n]", text[max(0, start - 8):start])[-1]
    rest = text[end:]
    if roles["registered"].search(window) or roles["registered_after"].match(rest):
        return "registered"  # 「注册在新加坡」「我们是新加坡注册的公司」
    if roles["self_branch"].match(rest) and roles["self_opens"].search(CLAUSE_BREAK.split(text[:start])[-1]):
        return "registered"  # 「我是一家银行武汉分行办公室的」: the branch speaking
    if roles["before"].search(window) or (roles["after"].match(rest) and not roles["after_not"].match(rest)) \
            or _OTHERS_LOCATED.search(window):  # 「银行都在上海深圳」
        return "elsewhere"
    if roles["not_registered"].search(CLAUSE_BREAK.split(rest)[0]):  # 「慈溪的公司还没有注册」
        return "elsewhere"
    if roles["self"].search(window):  # 「我们是武昌区的…」: where the firm says it is
        return "self"
    return "plain"


_OTHERS_LOCATED = grammar.pattern("phrases.others_located_before")


def _inside_any(value: Any, chosen: list[_Entity]) -> bool:
    from policies_db.evaluation.places import place_of

    inner = place_of(value)
    return inner is not None and any((outer := place_of(c["value"])) is not None and outer != inner
                                     and outer.contains(inner) for c in chosen)


def _may_be_one_place(a: Any, b: Any) -> bool:
    """Two names with only a space between are one place when one may lie inside the other (「青山 钢城」, 「重庆 江北」);
    two known places apart (「仙桃 武汉」) are two."""
    from policies_db.evaluation.places import place_of

    outer, inner = place_of(a), place_of(b)
    return outer is None or inner is None or outer.contains(inner) or inner.contains(outer)


_CITY_DENIED = grammar.pattern("phrases.city_denied_before")
_LIST_GAPS = grammar.words("phrases.place_list_gaps")


def firm_cities(text: str, entities: list[_Entity]) -> list[_Entity]:
    """The firm's own city: the one it says it is registered in (or asks to be judged by) wins; a city it calls
    an office, a client's, a hometown or a plan (「打算在杭州设子公司」) is dropped, even alone."""
    cities = [e for e in entities if e["entity"] == "city"]
    if not cities:
        return entities
    denied: list[_Entity] = []
    if len({e["value"] for e in cities}) >= 2:
        # 「湖北襄阳的，不是武汉哈」: a city the firm says it is not in — with the names that follow it as one place
        # (「不是杭州西湖」「不是上海那个普陀」).
        ordered = sorted(cities, key=lambda e: e["start"])
        for e in ordered:
            before = text[max(0, e["start"] - 3):e["start"]]
            joined = denied and text[denied[-1]["end"]:e["start"]] in _same_place_gaps()[0] | _same_place_gaps()[1]
            if _CITY_DENIED.search(before) or joined:
                denied.append(e)
        if denied and len(denied) < len(cities):
            entities = [e for e in entities if e not in denied]
            cities = [e for e in cities if e not in denied]
        else:
            denied = []
    roles = {id(e): city_role(text, e["start"], e["end"]) for e in cities}
    for e in cities:  # 「大阪那几家」: a foreign city is the firm's only when the firm says it is there
        window = CLAUSE_BREAK.split(text[max(0, e["start"] - 8):e["start"]])[-1]
        if is_abroad(e["value"]) and not _city_roles()["abroad_located"].search(window):
            roles[id(e)] = "elsewhere"
    # 「要是把执照迁到东湖高新」「如果在滨江注册个分公司」「计划明年在慈溪设立子公司」: not where the firm is today.
    moods = modality(text, [(e["start"], e["end"]) for e in cities], ["city"] * len(cities))
    for e, mood in zip(cities, moods):
        if mood != STATED:
            roles[id(e)] = "elsewhere"
    # 宁波慈溪, 武汉的青山区: names that follow each other are one place, with one role; so are the names of a
    # list (「客户都在汉阳 沌口那边」「客户在长沙、合肥」).
    ordered = sorted(cities, key=lambda e: e["start"])
    strong, weak = _same_place_gaps()
    for a, b in zip(ordered, ordered[1:]):  # names written together first (杭州滨江), so a weak gap sees their role
        if text[a["end"]:b["start"]] in strong and _city_roles()["office_had"].match(text[b["end"]:]) \
                and "registered" not in (roles[id(a)], roles[id(b)]):
            roles[id(a)] = roles[id(b)] = "elsewhere"  # 「我们在杭州滨江有个办事处」: the office's place
            continue
        if text[a["end"]:b["start"]] in strong:
            for role in ("registered", "self", "elsewhere"):
                if role in (roles[id(a)], roles[id(b)]):
                    roles[id(a)] = roles[id(b)] = role
                    break
    for a, b in zip(ordered, ordered[1:]):
        gap = text[a["end"]:b["start"]]
        same_side = (roles[id(a)] == "elsewhere") == (roles[id(b)] == "elsewhere")
        if gap in strong or (gap in weak and same_side and _may_be_one_place(a["value"], b["value"])):
            # one place (「青山 钢城」), unless one is someone else's or they are two places apart
            for role in ("registered", "self", "elsewhere"):
                if role in (roles[id(a)], roles[id(b)]):
                    roles[id(a)] = roles[id(b)] = role
                    break
        elif gap in _LIST_GAPS and not {"registered", "self"} & {roles[id(a)], roles[id(b)]} \
                and "elsewhere" in (roles[id(a)], roles[id(b)]):
            roles[id(a)] = roles[id(b)] = "elsewhere"  # a list of other people's places
        elif gap in _LIST_GAPS and {roles[id(a)], roles[id(b)]} == {"self", "plain"}:
            roles[id(a)] = roles[id(b)] = "self"  # 「我们在杭州和武汉都有公司」: both the firm's
    # The place the firm says it is registered in wins; then the one it says it is in (「我们是武昌区的…」) over
    # places named later in passing (「…还有几家要出海的湖北企业」).
    chosen = [e for e in cities if roles[id(e)] == "registered"] or [e for e in cities if roles[id(e)] == "self"]
    if chosen and all(roles[id(e)] == "self" for e in chosen):
        # 「我们在浙江自贸试验区杭州片区」: a place named after it that lies inside it says where, more precisely.
        chosen += [e for e in cities if roles[id(e)] == "plain" and _inside_any(e["value"], chosen)]
    keep = chosen or [e for e in cities if roles[id(e)] != "elsewhere"]
    if not chosen and len(keep) > 1:
        # 「注册在花桥,昆山, 办公室在上海」: among places named plainly, an office's place yields to the others (alone, it is
        # the firm's: 「我们办公室在滨江」).
        elsewhere = [e for e in keep if _city_roles()["office_before"].search(text[max(0, e["start"] - 12):e["start"]])]
        keep = [e for e in keep if e not in elsewhere] or keep
    if not keep:
        return [e for e in entities if e["entity"] != "city"]
    # One city entity, the firm's: the last one kept, with the names right before it (舟山的普陀 → one span,
    # read whole by the place resolver). The form lets a registered city replace a known one (actions/form.py).
    last = max(keep, key=lambda e: e["start"])
    group = [last]
    for e in sorted(keep, key=lambda e: e["start"], reverse=True):
        gap = text[e["end"]:group[0]["start"]]
        if e is not last and (gap in _same_place_gaps()[0] or gap in _same_place_gaps()[1]
                              and (roles[id(e)] == "elsewhere") == (roles[id(group[0])] == "elsewhere")):
            group.insert(0, e)
    firm = {**last, "start": group[0]["start"]}
    if len({e["value"] for e in group}) > 1:
        firm["value"] = text[group[0]["start"]:last["end"]]
    if roles[id(last)] == "registered" or denied:
        # A registered place, or one said against another (「我们是南昌的西湖区 不是杭州西湖」), corrects a known city.
        firm["registered"] = True
    return [e for e in entities if e["entity"] != "city"] + [firm]
