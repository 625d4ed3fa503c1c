"""Rasa NLU component: firm-profile entities from a blank spaCy zh pipeline.

The pipeline (built by bot/nlu/assets.py, loaded by path at training and shipped inside the
trained model) segments with jieba and matches the vocabulary with an EntityRuler. On top:
  - yes/no facts read a negation just before them: 「没有外籍员工」 → hires_foreign_talent=False;
  - employee counts with Chinese numerals via cn2an: 三百五十人, 两百多名员工, 1.2万人;
  - a negation just after them too, and shared by a list: 「上市暂时没想」, 「外资和上市都没有」 → False;
  - phrases that state a fact by its opposite or both ways (bot/nlu/phrases.py): 内资企业 → foreign_invested=False,
    国内外客户都有 → offshore and onshore;
  - the outsourcing type a field implies (软件外包 → ITO, 呼叫中心 → BPO, 工业设计 → KPO), marked `inferred`
    so the form can say what it assumed, never when the firm says it does not outsource;
  - measure names (entity `policy`) only for questions about a measure, facts only otherwise,
    since 「为什么不能享受技术先进型…」 names a measure, not a fact about the firm.
"""
from __future__ import annotations

import functools
import logging
import re
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import grammar
from bot.nlu import guards as nlu_guards
from bot.nlu.aspects import aspects
from bot.nlu.assertion import (
    CLAUSE_BREAK,
    GONE,
    SENTENCE_END,
    UNSTATED,
    mask_uncertain,
    modality,
    settled_later,
    supposed_spans,
    unsure_spans,
)
from bot.nlu.assets import POLICY_SPANS
from bot.nlu.numbers import find_employee_counts
from bot.nlu.phrases import (
    DOUBLE_NEGATIVE,
    NO_OUTSOURCING,
    POLICY_DESCRIBED,
    about_the_firm,
    applying_is_not_certified,
    asked_treatment_before,
    bonded_zones_in_places,
    clause_negated,
    clause_spans,
    clients_at_home,
    described_facts,
    described_fields,
    firm_cities,
    implied_facts,
    inferred_service_types,
    list_value_denied_after,
    makers_clients,
    named_service_types,
    negated_after,
    not_of_owners,
    not_of_the_assistant,
    not_own_services,
    not_yet_business,
    of_named_others,
    through_a_home_company,
)
from bot.nlu.references import asked_items, defines_named, is_ellipsis, pointed_items
from bot.nlu.vocabulary import FLAG_FIELDS, LIST_FIELDS, load_vocabulary

logger = logging.getLogger(__name__)

# Questions name measures, not facts: 「零税率要准备什么材料」, 「啥是KPO？」 (explain) says nothing about the firm.
POLICY_INTENTS = ["ask_why_not", "ask_conditions", "ask_contact", "ask_topic", "explain", "ask_process", "ask_document"]
SILENT_INTENTS = ["out_of_scope"]  # 「北京的落户政策」 says nothing about the firm
_CLAUSE_END = CLAUSE_BREAK
NEGATION_WINDOW = 8  # characters before a flag phrase (only fillers may stand between: 「不打算单独上市」)
_FILLER = grammar.pattern("extractor.filler")
_NEW_ASSERTION = grammar.pattern("extractor.new_assertion")  # words between a negation and its fact (「没有任何外籍员工」)
_HOLDS_NAMED = grammar.pattern("phrases.holds_named")  # 「已经拿到技术先进型服务企业认定了」: held, not asked about
_RETRACTED = grammar.pattern("phrases.retracted_denial")  # 「刚才说没有国外单子是说错了」


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class ProfileEntityExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"model_path": "build/nlu/spacy_zh", "policy_intents": POLICY_INTENTS, "silent_intents": SILENT_INTENTS}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy", "jieba", "cn2an"]

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model_dir: Optional[Path] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        vocabulary = load_vocabulary()
        self._negations = vocabulary.negations
        self._not_negations = vocabulary.negation_exceptions
        self._nlp = self._load_nlp(model_dir) if model_dir else None
        self._docs: Dict[Text, Any] = {}  # text → its spaCy doc: a message is read several times per turn

    @staticmethod
    def _load_nlp(model_dir: Path):
        import jieba
        import spacy

        userdict = model_dir / "userdict.txt"
        if userdict.exists():
            jieba.load_userdict(str(userdict))
        return spacy.load(model_dir)

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ProfileEntityExtractor":
        merged = {**cls.get_default_config(), **config}
        path = Path(merged["model_path"])
        if not (path / "config.cfg").exists():
            raise FileNotFoundError(f"spaCy pipeline not found at {path}: run `python -m bot.nlu.assets` first")
        return cls(config, model_storage, resource, path)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "ProfileEntityExtractor":
        with model_storage.read_from(resource) as directory:
            # The model storage directory is temporary: keep the pipeline in memory.
            return cls(config, model_storage, resource, Path(directory))

    def train(self, training_data: TrainingData) -> Resource:
        """Nothing to learn: ship the spaCy pipeline inside the trained model."""
        with self._model_storage.write_to(self._resource) as directory:
            shutil.copytree(Path(self._config["model_path"]), directory, dirs_exist_ok=True)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent, ranking = nlu_guards.before_entities(
                text, message.get(INTENT) or {}, list(message.get(INTENT_RANKING_KEY) or []))
            if intent.get("name") in self._config["policy_intents"] + self._config["silent_intents"] \
                    and nlu_guards.is_statement(text):
                intent, ranking = nlu_guards.statement_of_facts(text, intent, ranking, self.extract(text))
            read_as = intent.get("name")
            entities = self.add_extractor_name(nlu_guards.last_of_each(self.extract(text, read_as)))
            if intent.get("name") not in self._config["silent_intents"]:
                entities += self.add_extractor_name(aspects(text))  # what a question asks about (validity, official…)
            intent, ranking = nlu_guards.after_entities(text, intent, ranking, entities)
            intent, ranking = nlu_guards.requests_and_manners(text, intent, ranking, entities,
                                                              measure_spans=self.measure_spans(text))
            policy = self._config["policy_intents"]
            again = is_ellipsis(text) and (pointed_items(text) or self.measure_spans(text)) and not any(
                e["entity"] in nlu_guards.PROFILE_ENTITIES or isinstance(e.get("value"), bool) for e in entities)
            if again:
                # 「那第二个呢」「那零税率呢」: the firm's previous question, of another item — the actions look it up.
                intent, ranking = nlu_guards.choose(ranking, "ask_conditions", 0.95)
            elif defines_named(text) and not any(
                    e["entity"] in nlu_guards.PROFILE_ENTITIES or isinstance(e.get("value"), bool) for e in entities):
                # 「首创模式 首拓市场 首发新品 这三个怎么界定」: what the measure those terms belong to says of them.
                intent, ranking = nlu_guards.choose(ranking, "ask_conditions", 0.95)
            if intent.get("name") in policy and intent.get("name") != read_as:
                # Rerouted (by either guard) to a question about a measure: read it as one (its measure named) — with
                # the facts a clause of its own stated, when there is one (`states_facts`), else none: 「境外的职业资格
                # 能不能直接换成国内职称」 states nothing, its 国内 is no client at home.
                stated = [e for e in entities if e.get("entity") not in ("aspect", "policy", "region")] \
                    if intent.get("states_facts") else []
                entities = stated + self.add_extractor_name(nlu_guards.last_of_each(self.extract(text, intent.get("name"))))
                entities += self.add_extractor_name(aspects(text))
            if again:
                entities += self.add_extractor_name([{"entity": "aspect", "start": 0, "end": len(text), "value": "again"}])
            if intent is not message.get(INTENT):
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    # -- extraction ---------------------------------------------------------------------------

    def _doc(self, text: Text):
        if text not in self._docs:
            if len(self._docs) > 256:
                self._docs.clear()
            self._docs[text] = self._nlp(text)
        return self._docs[text]

    def _named(self, text: Text, labels: set) -> List[tuple]:
        """(start, end) of measure or topic names, longest first and not overlapping: the span ruler's token matches and,
        where jieba glued a neighbour onto a name (「那出口信用保险现在…」 has no token 出口信用保险), the name in the characters."""
        found = [(s.start_char, s.end_char) for s in self._doc(text).spans.get(POLICY_SPANS, []) if s.label_ in labels]
        found += [(m.start(), m.end()) for label in labels for m in _names_pattern(label).finditer(text)]
        kept: List[tuple] = []
        for start, end in sorted(set(found), key=lambda se: (se[0] - se[1], se[0])):
            if not any(a < end and start < b for a, b in kept):
                kept.append((start, end))
        return sorted(kept)

    def measure_spans(self, text: Text) -> List[tuple]:
        """Where the text names a measure (its title or a keyword), whatever the intent."""
        if not text.strip() or self._nlp is None:
            return []
        return self._named(text, {"policy"})

    def extract(self, text: str, intent: Optional[str] = None) -> List[Dict[Text, Any]]:
        if not text.strip() or self._nlp is None:
            return []
        if intent in self._config["silent_intents"]:
            return []
        doc = self._doc(text)
        entities: List[Dict[Text, Any]] = []
        if intent in self._config["policy_intents"]:
            # A question about a measure: its name, and the city when given (「武汉有哪些信保政策」).
            labels = {"policy", "topic"} if intent == "ask_topic" else {"policy"}
            for start, end in self._named(text, labels):
                last = entities[-1] if entities else None
                if last and last["end"] == start:  # 「外资」+「利润再投资」: one name written together
                    last.update(end=end, value=text[last["start"]:end])
                    continue
                entities.append({"entity": "policy", "start": start, "end": end, "value": text[start:end]})
            # A place in a question is the region asked about (「武汉有哪些信保政策」「湖南的政策没收录吗」), not where the
            # firm is: a `region` entity, which sets no slot.
            for ent in doc.ents:
                if ent.label_ == "city":
                    entities.append({"entity": "region", "start": ent.start_char, "end": ent.end_char,
                                     "value": ent.ent_id_})
            # 「没有海外客户 人才这块找哪个部门？」「我们杭州的，零税率找谁」: the clauses that state, state.
            statements = nlu_guards.statement_clauses(text)
            if statements.strip():
                named = [(e["start"], e["end"]) for e in entities if e["entity"] == "policy"
                         and not _HOLDS_NAMED.search(text[:e["start"]])]
                # (not the words of the measure's own name: 「外资企业利润再投资那条」 says nothing of the firm)
                # (nor a place beside a measure described in words: 「武汉那个鼓励金融机构剥离非核心业务的，我们能用吗」)
                described = [(m.start(), m.end()) for m in POLICY_DESCRIBED.finditer(text)]
                asked_span = asked_items(text)  # 「首创模式 首拓市场 首发新品 这三个怎么界定」: the items are asked about
                entities += [e for e in self.extract(statements, "inform")
                             if not any(a <= e["start"] and e["end"] <= b for a, b in described)
                             and not any(a <= e["end"] and e["start"] <= b for a, b in named)  # 「外资利润再投资」
                             and not (described and e["entity"] == "city") and not _topic_only(statements, e)
                             and not (asked_span and asked_span[0] <= e["start"] < asked_span[1])]
        else:
            # negations are read without the 不 of 「不清楚」 or a denial taken back (「刚才说没有…是说错了」)
            said = _RETRACTED.sub(lambda m: m.group(1) + "\0" * len(m.group(2)), mask_uncertain(text))
            for ent in doc.ents:
                value: Any = ent.ent_id_
                if ent.label_ in FLAG_FIELDS:
                    value = not self._negated(said, ent.start_char)
                entities.append({"entity": ent.label_, "start": ent.start_char, "end": ent.end_char, "value": value})
            entities = _shared_negation(text, entities)
            entities = not_yet_business(text, applying_is_not_certified(text, negated_after(said, entities, FLAG_FIELDS)))
            implied = implied_facts(text)
            # 「国内外客户」 holds 国内客户: an implied fact replaces an entity of the same kind inside it.
            entities = [e for e in entities if not any(i["entity"] == e["entity"] and i["start"] <= e["start"]
                                                       and e["end"] <= i["end"] for i in implied)] + implied
            # 「有日本客户」「总经理是德国人」: facts described rather than named, unless the vocabulary already read them.
            entities += [d for d in described_facts(said) if not any(
                e["entity"] == d["entity"] and e["start"] < d["end"] and d["start"] < e["end"] for e in entities)]
            # 「客户主要是香港的银行」: the clients' city and kind are not the firm's.
            read = list(entities)
            entities = through_a_home_company(text, of_named_others(text, not_of_owners(text, entities)))
            entities = not_of_the_assistant(text, entities)
            entities = firm_cities(text, _asked_places_apart(text, about_the_firm(text, entities))) \
                + clients_at_home(text, entities)
            entities += bonded_zones_in_places(text, entities)
            entities += _set_aside(text, read, entities)
            named_fields = {e["value"] for e in entities if e["entity"] == "fields"}
            entities += [f for f in described_fields(text) if f["value"] not in named_fields]
            entities += makers_clients(text, [e for e in entities if e["entity"] == "fields"])
            entities = _inside_place_names(text, _yielded_fields(text, entities))
            entities += named_service_types(text, entities)
            entities += inferred_service_types(text, entities)
            entities = _beside_zones(text, entities)
            entities += [{"entity": "employees", "start": s, "end": e, "value": n} for s, e, n in find_employee_counts(text)]
            entities = _unsure_facts(text, not_own_services(text, _bodies_as_subjects(text, entities)))
            entities = self._negated_list_values(said, entities)
            entities += _contrasted(text, read, entities)
            asked = asked_items(text)
            if asked:
                # 「股权激励和上市这两条 分别是文件里哪部分的」「首创模式 首拓市场 首发新品 这三个怎么界定」: asked about.
                entities = [e for e in entities if not (isinstance(e.get("value"), bool) and asked[0] <= e["start"] < asked[1])]
            if _INTERROGATIVE.search(text):
                # 「人才培训这块 是找人社局还是教育局啊」: a clause that only names the topic of the question states nothing.
                entities = [e for e in entities if e["entity"] in ("unsure", "city", "employees")
                            or not _topic_only(text, e, marked=True)]
            no_outsourcing = NO_OUTSOURCING.search(text)
            if no_outsourcing and not any(e["entity"] == "service_types" for e in entities):
                # 「集团本身不做服务外包业务」: no outsourcing at all, whatever was asked and after the results too (the
                # list slot's empty value; Rasa wraps it as [[]], actions/context.py flattens it).
                entities.append({"entity": "service_types", "start": no_outsourcing.start(), "end": no_outsourcing.end(),
                                 "value": []})
                # 「我们不做外包，就是卖软件产品给国外」: a firm that takes no outsourcing has no offshore outsourcing
                # business either, whatever it sells abroad.
                # (the fields named in a clause that sends the work out are what the firm buys)
                sent_out = [(a, b) for a, b in clause_spans(text) if _SENDS_OUT.search(text[a:b])]
                entities = [e for e in entities if not (e["entity"] == "fields" and any(
                    a <= e["start"] < b for a, b in sent_out))]
                entities = [e for e in entities if e["entity"] != "offshore"] + [
                    {"entity": "offshore", "start": no_outsourcing.start(), "end": no_outsourcing.end(), "value": False}]
        return _merge_adjacent(sorted(_inside_longer(text, entities), key=lambda e: e["start"]))

    def _negated_list_values(self, said: str, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
        """「应该算KPO，不是BPO」: a negated value of a list is not said; the values said beside it replace the list."""
        denied = [e for e in entities if e["entity"] in LIST_FIELDS and not e.get("inferred")
                  and (self._negated(said, e["start"]) or list_value_denied_after(said[e["end"]:]))]
        if not denied:
            return entities
        spans = {(e["start"], e["end"]) for e in denied}
        # (a type inferred from a denied field goes with it; a value said of other work stays: 「客服外包没接了，做财务外包」)
        kept = [e for e in entities if not any(e is d for d in denied)
                and not (e.get("inferred") and (e["start"], e["end"]) in spans)]
        negated = {(e["entity"], e["value"]) for e in denied} - {(e["entity"], e["value"]) for e in kept}
        kept = [e for e in kept if (e["entity"], e["value"]) not in negated]
        for e in kept:
            if any(e["entity"] == field for field, _ in negated):
                e["replaces"] = True
        return kept

    def _negated(self, text: str, start: int) -> bool:
        window = text[max(0, start - NEGATION_WINDOW):start]
        window = _CLAUSE_END.split(window)[-1]
        for word in self._not_negations:
            window = window.replace(word, "")
        for neg in sorted(self._negations, key=len, reverse=True):
            at = window.rfind(neg)
            if at >= 0:
                # 「没有外资国外客户有两家」: the 没有 is 外资's; only fillers may stand between a negation and its fact.
                # 「不是说我们没有国外业务」: two negations say yes.
                # 「国外客户一个也没有都是国内的」: 都是 opens a new assertion; the 没有 was the clients abroad's.
                between = window[at + len(neg):]
                return bool(_FILLER.fullmatch(between)) and not _NEW_ASSERTION.match(between) \
                    and not DOUBLE_NEGATIVE.search(text[max(0, start - NEGATION_WINDOW - 4):start])
        return False


_TOPIC_REST = grammar.pattern("extractor.topic_rest")
_STATING = grammar.pattern("extractor.stating")
_TOPIC_MARKER = grammar.pattern("extractor.topic_marker")
_INTERROGATIVE = grammar.pattern("guards.interrogative")
_FIELD_YIELDS = grammar.entry("phrases.field_yields")
_EXAMPLES_CLOSE = grammar.pattern("phrases.examples_close")
_BODY_HERE_AFTER = grammar.pattern("phrases.body_here_after")
_SENDS_OUT = grammar.pattern("phrases.sends_out")
_BODY_THERE_AFTER = grammar.pattern("phrases.body_there_after")


_CONTRAST_NO = grammar.pattern("phrases.contrast_self.denied")
_CONTRAST_SAME = grammar.pattern("phrases.contrast_self.same")


def _contrasted(text: str, read: List[Dict[Text, Any]], kept: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """「隔壁几家请了意大利设计师 我们没有」: someone else's fact, then the firm's own word on it — a no (or 「我们也有」, a
    yes) of the same fact, in the next clause of the sentence."""
    held = {e["entity"] for e in kept}
    found = []
    for e in read:
        if not isinstance(e["value"], bool) or e["entity"] in held or any(f["entity"] == e["entity"] for f in found):
            continue
        brk = CLAUSE_BREAK.search(text, e["end"])  # (searched in place: a space breaks a clause between words)
        end = SENTENCE_END.search(text, e["end"])
        if not brk or (end and end.start() < brk.start()):
            continue
        for pattern, value in ((_CONTRAST_NO, False), (_CONTRAST_SAME, True)):
            match = pattern.match(text[brk.end():])
            if match:
                found.append({"entity": e["entity"], "start": brk.end(), "end": brk.end() + match.end(), "value": value})
                break
    return found


def _set_aside(text: str, read: List[Dict[Text, Any]], kept: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """「工程师很多是从大连、上海过来的」「母公司喺香港」: facts read and found to be someone else's — the message was
    understood, it only says nothing of the firm. An `aside` entity tells the form so (it sets no slot)."""
    kept_keys = {(e["entity"], repr(e["value"])) for e in kept}
    dropped = [e for e in read if (e["entity"], repr(e["value"])) not in kept_keys
               and not (e["entity"] == "city" and any(k["entity"] == "city" for k in kept))]
    return [{"entity": "aside", "start": 0, "end": len(text), "value": "others"}] if dropped else []  # (no bool: not a fact)


@functools.lru_cache(maxsize=None)
def _names_pattern(label: str) -> re.Pattern:
    """The vocabulary's measure (or topic) names as one alternation, longest first."""
    phrases = sorted({t.phrase for t in load_vocabulary().terms if t.entity == label and not any(c.isspace() for c in t.phrase)},
                     key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in phrases), re.IGNORECASE) if phrases else re.compile(r"(?!)")


_SAME_THING = grammar.pattern("extractor.same_thing")


def _shared_negation(text: str, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """「不是中职高职那种学历教育学校」: words of one fact written one after another (or 那种…) share the no before
    the first."""
    out = [dict(e) for e in entities]
    ordered = sorted(out, key=lambda e: e["start"])
    for before, after in zip(ordered, ordered[1:]):
        if before["entity"] == after["entity"] and before["value"] is False and after["value"] is True \
                and _SAME_THING.fullmatch(text[before["end"]:after["start"]]):
            after["value"] = False
    return out


_BODY_KINDS = ("financial_institution", "is_school", "soe_or_hospital")


def _bodies_as_subjects(text: str, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """「银行这边没有」: a bank speaking of itself (its kind said, its no about something else); 「银行那边没给贷款」:
    another body."""
    kept = []
    for e in entities:
        if e["entity"] in _BODY_KINDS and isinstance(e.get("value"), bool):
            after = text[e["end"]:]
            if _BODY_THERE_AFTER.match(after):
                continue
            if _BODY_HERE_AFTER.match(after):
                e = dict(e, value=True)
        kept.append(e)
    return kept


_PLACE_NAME_END = grammar.pattern("phrases.place_name_end")


def _inside_place_names(text: str, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """A kind of work named inside a place's name (「物联网街那边」「云计算小镇」) says where, not what the firm does."""
    return [e for e in entities if not (e["entity"] in ("fields", "service_types")
                                        and _PLACE_NAME_END.match(text, e["end"]))]


_NEAR_AFTER = grammar.pattern("phrases.near_zone.after")
_ZONE_FACTS = grammar.words("phrases.near_zone.facts")


def _beside_zones(text: str, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """「在综保区旁边的医药港小镇」: next to a zone is not in it — the zone named says nothing of the firm."""
    return [e for e in entities if not (e["entity"] in _ZONE_FACTS and e["value"] is True
                                        and _NEAR_AFTER.match(text, e["end"]))]


def _yielded_fields(text: str, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """A field word that yields to another field said beside it (「遥感大数据的数据处理外包」: digital, not back-office),
    and the examples a list closed by 等 gives of the field after it (「研发、设计、营销等生产性服务」: that field)."""
    fields = [e for e in entities if e["entity"] == "fields"]
    for umbrella in fields:
        before = CLAUSE_BREAK.split(text[:umbrella["start"]])[-1]
        if _EXAMPLES_CLOSE.search(before):
            opened = umbrella["start"] - len(before)
            entities = [e for e in entities if not (e["entity"] == "fields" and e["value"] != umbrella["value"]
                                                    and opened <= e["start"] and e["end"] <= umbrella["start"])]
    said = {e["value"] for e in entities if e["entity"] == "fields"}
    return [e for e in entities if not (e["entity"] == "fields" and any(
        e["value"] == rule["field"] and rule["yields_to"] in said and text[e["start"]:e["end"]] in rule["words"]
        for rule in _FIELD_YIELDS))]


def _topic_only(text: str, entity: Dict[Text, Any], marked: bool = False) -> bool:
    """Is the entity's clause nothing but its name and topic words (「技术先近型服务企业 怎么申报啊」)? Then, in a
    question, it names what is asked about and states nothing."""
    if _STATING.search(text[entity["start"]:entity["end"]]):
        return False
    before = CLAUSE_BREAK.split(text[:entity["start"]])[-1]
    after = CLAUSE_BREAK.split(text[entity["end"]:])[0]
    asked = _INTERROGATIVE.search(after)
    if asked and not _TOPIC_REST.match(after):
        after = after[:asked.start()]  # 「技术先进型那个评选啥时候截止」: the question follows the topic in one clause
    following = CLAUSE_BREAK.split(text[entity["end"]:])[1:2]
    if following and _STATING.match(following[0].strip()) and not _INTERROGATIVE.search(following[0]):
        return False  # 「技术先进型那个 我们还没评上 能报吗」: the topic of a statement first, then the question
    if marked and not _TOPIC_MARKER.search(before + after):
        return False  # 「苏州工业园区的」「（BPO）」 answer; 「人才培训这块」 names a topic
    return bool(_TOPIC_REST.match(before) and _TOPIC_REST.match(after))


def _asked_places_apart(text: str, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """「我们深圳南山的…现在能享受武汉哪些政策」: a place in a clause that asks is the region asked about, not the firm's,
    when a clause that states names a place too (「杭州的软件公司有什么政策吗」 alone still says where the firm is)."""
    stating = nlu_guards.statement_clauses(text)
    if stating != text:
        # 「我们在杭州有客户 能不能按杭州的算」: the treatment asked for is no place of the firm's.
        entities = [e for e in entities if not (e["entity"] == "city" and not stating[e["start"]:e["end"]].strip()
                                                and asked_treatment_before(text[:e["start"]]))]
    if not stating.strip() or stating == text:
        return entities
    cities = [e for e in entities if e["entity"] == "city"]
    asked = [e for e in cities if not stating[e["start"]:e["end"]].strip()]
    if not asked or len(asked) == len(cities):
        return entities
    return [e for e in entities if e not in asked]


def _unsure_facts(text: str, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """A yes/no fact the firm says it is unsure of (「外资和技术先进型这两项我不清楚」) is neither yes nor no: it
    becomes an `unsure` entity naming the field, which sets no slot (the checklist records it as 不清楚). A fact
    the firm had and lost is a no; one it only plans, imagines or had once says nothing of today."""
    flags = [i for i, e in enumerate(entities) if isinstance(e.get("value"), bool)]
    spans = [(entities[i]["start"], entities[i]["end"]) for i in flags]
    unsure = {flags[k] for k in unsure_spans(text, spans)}
    # 「以前有离岸业务，现在没了」 is a no today; 「准备引进外资」「如果以后有外资进来」 say nothing of today.
    moods = dict(zip(flags, modality(text, spans, [entities[i]["entity"] for i in flags])))
    supposed = {flags[k] for k in supposed_spans(text, spans)}
    # 「外资不外资的我不清楚」: unsure of a field, the message says nothing else of it.
    unsure_fields = {entities[i]["entity"] for i in unsure}
    out = []
    for i, e in enumerate(entities):
        if i not in unsure and e["entity"] in unsure_fields and isinstance(e.get("value"), bool):
            continue
        if i in unsure and e["value"] is False and (clause_negated(text[e["end"]:]) or settled_later(text, e["end"])):
            out.append(e)  # 「好像有个新加坡的项目在谈，还没签下来」: what follows the fact settles it
        elif i in unsure:
            out.append({"entity": "unsure", "start": e["start"], "end": e["end"], "value": e["entity"]})
        elif moods.get(i) == GONE and e["value"] is True:
            out.append({**e, "value": False})
        elif moods.get(i) != UNSTATED or e["value"] is False:
            out.append(e)
        elif i in supposed:
            # 「假如明年我们开始接海外的单子 会多出来哪些政策」: no fact of today, but what the question supposes
            # (an entity that sets no slot; actions/after_form.py answers what it would change).
            out.append({"entity": "supposed", "start": e["start"], "end": e["end"], "value": e["entity"]})
    return out


def _inside_longer(text: str, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """A yes/no fact said as an attribute (「境外的」) of a longer one's noun of another field is part of that name:
    「境外的职业资格」 is a qualification, not clients abroad. (Not any fact inside a wider match: 「两个德国工程师 一个有
    德国那边的工程师资格证」 has foreign staff too.)"""
    flags = [e for e in entities if isinstance(e.get("value"), bool)]
    return [e for e in entities if not (isinstance(e.get("value"), bool) and text[e["start"]:e["end"]].endswith("的")
                                        and any(o["entity"] != e["entity"] and o["start"] <= e["start"]
                                                and e["end"] < o["end"] for o in flags))]


def _merge_adjacent(entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """杭州 + 滨江区 (both 杭州) → one city entity spanning 杭州滨江区."""
    merged: List[Dict[Text, Any]] = []
    for ent in entities:
        last = merged[-1] if merged else None
        if last and last["entity"] == ent["entity"] == "city" and last["value"] == ent["value"] and last["end"] == ent["start"]:
            last["end"] = ent["end"]
            continue
        merged.append(dict(ent))
    return merged
