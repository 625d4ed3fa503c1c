"""Issue 19 experiment: the automatic annotation of place roles and the seeded generator (scripts/place_roles_data.py,
scripts/place_mentions.py) on hand-made inputs."""
from __future__ import annotations

import pytest

from scripts.place_mentions import annotate, gold_city, mentions
from scripts.place_roles_data import Generator, markup

pytestmark = pytest.mark.unit


def roles(text: str, city: str) -> list[tuple[str, str]]:
    return [(text[s:e], role) for s, e, role in annotate(text, city)]


def test_the_firms_place_is_firm_a_clients_city_other():
    assert roles("我们在杭州，客户在上海", "杭州") == [("杭州", "firm"), ("上海", "other")]
    assert roles("客户主要在上海", "武汉") == [("上海", "other")]


def test_a_district_or_zone_is_its_citys():
    assert roles("我们公司在光谷软件园", "武汉") == [("光谷软件园", "firm")]
    assert roles("我们在义乌", "义乌") == [("义乌", "firm")]  # the profile keeps 义乌, the resolver says 金华: the same
    assert roles("我们滨江的 做软件外包", "杭州") == [("滨江", "firm")]  # a district's short name after 我们
    assert roles("钱江新城那边", "杭州") == [("钱江新城", "firm")]  # a whole name, not 新城区


def test_names_written_together_are_one_place():
    assert roles("我们是武汉的青山区的", "武汉") == [("武汉的青山区", "firm")]
    assert roles("湖北宜昌的呼叫中心外包", "宜昌") == [("湖北宜昌", "firm")]


def test_a_province_alone_is_not_annotated():
    assert roles("我们是浙江的企业", "杭州") == []


def test_gold_is_the_expected_city_only_when_the_message_names_it():
    assert gold_city("我们在杭州滨江", "杭州") == "杭州"
    assert gold_city("客户在上海", "杭州") is None


def test_markup():
    assert markup("我们在杭州", [(3, 5, "firm")]) == '我们在[杭州]{"entity": "place", "role": "firm"}'


def test_generator_is_deterministic_and_reads_its_places_as_the_resolver_does():
    first, again = Generator(seed=7).examples(40), Generator(seed=7).examples(40)
    assert first == again
    assert first != Generator(seed=8).examples(40)
    for text, spans in first:
        assert spans and {role for *_, role in spans} <= {"firm", "other"}
        assert sorted((m.start, m.end) for m in mentions(text)) == sorted((s, e) for s, e, _ in spans)
        firm = {k for m in mentions(text) for s, e, r in spans if (m.start, m.end) == (s, e) and r == "firm" for k in m.keys}
        other = {k for m in mentions(text) for s, e, r in spans if (m.start, m.end) == (s, e) and r == "other" for k in m.keys}
        assert not firm & other  # a firm place and another's are never the same city
