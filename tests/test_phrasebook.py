"""The phrasebooks (tests/phrasebook/*.yml) through the real extractor: what each sentence states, and what it
must leave unknown. Needs the spaCy pipeline `make nlu-assets` builds (make test builds it first)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.nlu.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent
BOOK = yaml.safe_load((ROOT / "tests" / "phrasebook" / "assertion.yml").read_text(encoding="utf-8"))
PLACES = yaml.safe_load((ROOT / "tests" / "phrasebook" / "places.yml").read_text(encoding="utf-8"))
PIPELINE = ROOT / "build" / "nlu" / "spacy_zh"


@pytest.fixture(scope="module")
def extractor():
    from bot.nlu.profile_extractor import ProfileEntityExtractor

    assert (PIPELINE / "config.cfg").exists(), "run `make nlu-assets` (make test does it first)"
    return ProfileEntityExtractor({}, None, None, PIPELINE)


@pytest.mark.parametrize("entry", BOOK, ids=[e["text"] for e in BOOK])
def test_assertion_phrasebook(extractor, entry):
    found = extractor.extract(normalize(entry["text"]), entry.get("intent", "inform"))  # as a question, when given
    unsure = sorted({e["value"] for e in found if e["entity"] == "unsure"})
    flags = {e["entity"]: e["value"] for e in found if isinstance(e.get("value"), bool)}
    assert unsure == sorted(entry.get("unsure", [])), found
    for name, value in (entry.get("facts") or {}).items():
        assert flags.get(name) is value, found
    assert not set(entry.get("unsure", [])) & set(flags), f"an unsure fact was also set: {found}"
    assert not set(entry.get("absent", [])) & {e["entity"] for e in found}, found  # facts of any kind
    for name, values in (entry.get("lists") or {}).items():  # list facts: exactly these values are said
        said = {v for e in found if e["entity"] == name for v in (e["value"] if isinstance(e["value"], list) else [e["value"]])}
        assert sorted(said) == sorted(values), found
    if "replaces" in entry:  # a negated value beside them: the values said replace the list, not add to it
        assert any(e.get("replaces") for e in found) is entry["replaces"], found


@pytest.mark.parametrize("entry", PLACES, ids=[e["text"] for e in PLACES])
def test_places_phrasebook(extractor, entry):
    found = extractor.extract(normalize(entry["text"]), "inform")
    from policies_db.evaluation.places import ABROAD, RESOLVED, resolve

    cities = set()
    for e in found:
        if e["entity"] == "city":  # as the form reads the value (actions/places.py)
            r = resolve(str(e["value"]))
            cities.add(r.place.city_name if r.status == RESOLVED else r.abroad if r.status == ABROAD else e["value"])
    assert cities == ({entry["city"]} if entry["city"] else set()), found


@pytest.mark.parametrize("text", ["集团本身不做服务外包业务", "我们自己不直接接外包项目", "学校本身不对外接外包项目的"])
def test_no_outsourcing_is_an_empty_type_list_whatever_was_asked(extractor, text):
    # After the results too (no form to read it against the question): the list slot's empty value, not nothing.
    found = extractor.extract(normalize(text), "inform")
    assert [e["value"] for e in found if e["entity"] == "service_types"] == [[]], found


def test_a_type_said_beside_no_outsourcing_wins(extractor):
    found = extractor.extract(normalize("我们不做外包 做ITO的"), "inform")
    assert [e["value"] for e in found if e["entity"] == "service_types"] == ["ITO"], found
