"""Where the firm is, in the dialogue, and what the assistant covers.

- city_slots(): the city answer (anything the firm typed) → slots: the canonical city; or the province
  alone (浙江: accepted, the city is asked next when it matters); or the candidates of a name several
  places share (青山区), offered as buttons by the city question.
- ActionAskCity: the city question itself, worded for each of those cases (it answers to utter_ask_city,
  so the form's count of questions asked sees it).
- ActionSessionStart: puts the covered regions and documents in slots for the fixed sentences
  (utter_greet, utter_capabilities, utter_out_of_scope), so they come from the catalogue, not from YAML.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from policies_db.evaluation import coverage, places

from .context import catalogue

CANDIDATES = "place_candidates"  # labels of the places a name may mean, offered as buttons
QUERY = "place_query"  # what the firm typed when it did not name one known place
COVERAGE_SLOTS = ("coverage_regions", "coverage_documents")
ASSUMED = "_assumed"  # not a slot: the covered place taken for a shared name ("label|typed"), said by the form


def city_slots(value: Any, message: str = "", known: str = "") -> Dict[Text, Any]:
    """Slots for a city answer. `message` (the whole message) settles an ambiguous name when it names
    the city too: 「我们在武汉的青山区」 gives the entity 青山区 and the message 武汉; else the place already
    known (`known`: 「阿拉是宁波的」 then 「公司在江北区」 is Ningbo's 江北区, not Chongqing's)."""
    text = "".join(str(value).split()) if value is not None else ""
    if not text:
        return {"city": None}
    found = places.resolve(text, context=message or "")
    if found.status == places.AMBIGUOUS and known:
        settled = places.resolve(text, context=known)
        found = settled if settled.status == places.RESOLVED else found
    if found.status == places.RESOLVED:
        city = found.place.city_name
        if found.place.district and found.place.city == found.place.province and found.place.province.endswith("省"):
            city = text  # 台湾省's cities are districts in the data: the name typed keeps 台北 in every reply
        slots = {"city": city, "province": None, CANDIDATES: None, QUERY: None}
        if found.bonded_zone:  # 「我们在东湖综保区」: the place name swallows the 综保区 phrase of the NLU
            slots["in_bonded_zone"] = True
        return slots
    if found.status == places.PROVINCE_ONLY:
        return {"city": None, "province": found.place.province_name, CANDIDATES: None, QUERY: None}
    if found.status == places.AMBIGUOUS:
        covered = _covered(found.candidates)
        if len(covered) == 1:
            # 「我们青山区的」: of the places the name may mean, one is where the documents apply — taken, and said
            # (validate_city), rather than asked until the firm gives up.
            # (QUERY stays set while the place is an assumption: the firm's next place corrects it)
            return {"city": covered[0].city_name, "province": None, CANDIDATES: None, QUERY: text,
                    ASSUMED: f"{covered[0].label}|{text}"}
        return {"city": None, CANDIDATES: found.labels, QUERY: text}
    if found.status == places.ABROAD:  # 「我们是东京的公司」: outside every covered region, said so with the results
        return {"city": found.abroad, "province": None, CANDIDATES: None, QUERY: None}
    return {"city": None, CANDIDATES: None, QUERY: text}


def _covered(candidates) -> list:
    """The candidates inside a region the catalogue's documents cover."""
    regions = [coverage.region_place(d.jurisdiction) for d in catalogue().catalogue.documents.values()]
    return [p for p in candidates if any(r.contains(p) for r in regions)]


def in_province(city: str, province: str) -> bool:
    """Is the city (a name the tracker holds) in the province named?"""
    place, region = places.place_of(city), places.place_of(province)
    return bool(place and region and place.province_name == region.province_name)


def city_matters(evaluation) -> bool:
    """Is the city still worth asking when only the province is known? When a measure that may apply
    is decided by it, or names the firm's own city bureau as its contact (浙江: 杭州市商务局)."""
    profile = evaluation.profile
    if profile.get("city") or not profile.get("province"):
        return False
    for r in evaluation.eligible + evaluation.undetermined:
        if "city" in r.missing or any(c.get("resolved_from") == "city" for c in r.contacts):
            return True
    return False


def city_question(compiled, candidates: Optional[list], query: Optional[str], province: Optional[str]) -> dict:
    """The text and buttons of the city question."""
    if candidates:
        return {"text": f"“{query}”有{len(candidates)}处，请问贵公司在哪一个？",
                "buttons": [{"title": c, "payload": f'/inform{{"city": "{c}"}}'} for c in candidates]}
    if query:
        return {"text": f"抱歉，没有找到“{query}”这个地方。请告诉我贵公司所在的省和城市，例如“浙江杭州”“武汉洪山区”。"}
    place = places.place_of(province) if province else None
    if place is not None:
        return {"text": f"好的，贵公司在{place.label}。请问在{place.label}哪个城市？知道城市后，联系部门可以具体到当地商务局。"}
    return {"text": f"请问贵公司注册在哪个城市？可以具体到区县或开发区。{coverage.city_hint(compiled)}。"}


class ActionAskCity(Action):
    def name(self) -> Text:
        return "action_ask_city"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        question = city_question(catalogue(), tracker.get_slot(CANDIDATES), tracker.get_slot(QUERY),
                                 tracker.get_slot("province"))
        # Sent as utter_ask_city with its own text, so the form counts it as the city question.
        dispatcher.utter_message(response="utter_ask_city", **question)
        return [SlotSet(CANDIDATES, None), SlotSet(QUERY, None)]


def coverage_slots(compiled) -> Dict[Text, str]:
    return {"coverage_regions": coverage.covered_names(compiled),
            "coverage_documents": coverage.documents_sentence(compiled)}


class ActionSessionStart(Action):
    """Rasa's session start (slots carried over), plus the coverage slots the fixed sentences name."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        if (domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True):
            events += [SlotSet(name, value) for name, value in tracker.current_slot_values().items()
                       if value is not None and name not in COVERAGE_SLOTS]
        events += [SlotSet(name, value) for name, value in coverage_slots(catalogue()).items()]
        return events + [ActionExecuted("action_listen")]
