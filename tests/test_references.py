"""A question pointing back at what the assistant listed (bot/nlu/references.py, actions/references.py)."""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.context import catalogue
from actions.references import pointed_measures
from bot.nlu.normalize import normalize
from bot.nlu.references import defines_named, pointed_items

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("text, items", [
    ("第二个是文件哪一条", (2,)),
    ("那第3条找谁", (3,)),
    ("来电人问这两条是文件哪一条", (1, 2)),
    ("两个都要申请吗", (1, 2)),
    ("这条在文件第几条", None),       # asks the article, points at no item
    ("第二年还能申请吗", None),       # a year, not an item
    ("零税率找谁", None),
    ("為什麼沒有外籍人才那幾條？", None),  # a group named by its kind
])
def test_pointed_items(text, items):
    assert pointed_items(normalize(text)) == items


def _tracker(bot_text: str, question: str) -> Tracker:
    events = [{"event": "user", "text": "股权激励和上市融资分别找哪个部门", "parse_data": {}},
              {"event": "bot", "text": bot_text},
              {"event": "user", "text": question, "parse_data": {}}]
    return Tracker("t", {}, {"text": question, "intent": {}, "entities": []}, events, False, None, {}, "action_listen")


def test_an_ordinal_is_the_item_of_the_last_answer_in_its_order():
    compiled = catalogue()
    first, second = compiled.measures[0], compiled.measures[1]
    said = f"「{first.title}」的责任单位……\n\n「{second.title}」的责任单位……"
    assert pointed_measures(_tracker(said, "第二个是文件哪一条"), compiled) == [second]
    assert pointed_measures(_tracker(said, "这两条找谁"), compiled) == [first, second]
    assert pointed_measures(_tracker(said, "第三个呢"), compiled) == []  # only two were listed


def test_a_numbered_list_is_read_by_its_numbers():
    compiled = catalogue()
    a, b, c = compiled.measures[2], compiled.measures[3], compiled.measures[4]
    said = (f"建议下一步：咨询申报「{c.title}」\n\n【申请类政策】\n"
            f"1. {a.title}｜联系：某局\n2. {b.title}｜联系：某局\n3. {c.title}｜联系：某局")
    assert pointed_measures(_tracker(said, "第二个怎么申请"), compiled) == [b]


def test_a_position_points_first_into_the_firms_own_list():
    compiled = catalogue()
    first, second = compiled.measures[0], compiled.measures[1]
    question = f"一个是{first.title} 一个是{second.title} 先说第一个找谁"
    tracker = Tracker("t", {}, {"text": question, "intent": {}, "entities": [
        {"entity": "policy", "value": first.title}, {"entity": "policy", "value": second.title}]},
        [{"event": "user", "text": question, "parse_data": {}}], False, None, {}, "action_listen")
    assert pointed_measures(tracker, compiled) == [first]


def test_a_position_beyond_the_answer_goes_back_to_the_firms_earlier_list():
    compiled = catalogue()
    first, second = compiled.measures[0], compiled.measures[1]
    events = [{"event": "user", "text": "两条", "parse_data": {"entities": [
                  {"entity": "policy", "value": first.title}, {"entity": "policy", "value": second.title}]}},
              {"event": "bot", "text": f"「{first.title}」的责任单位……"},
              {"event": "user", "text": "那第二个呢", "parse_data": {}}]
    tracker = Tracker("t", {}, {"text": "那第二个呢", "intent": {}, "entities": []}, events, False, None, {}, "action_listen")
    assert pointed_measures(tracker, compiled) == [second]


@pytest.mark.parametrize("text, ellipsis", [
    ("那第二个呢", True), ("那零税率呢", True), ("出口信保呢？", True),
    ("零税率找谁", False), ("我们做软件外包的，客户在日本呢", False),
])
def test_an_item_alone_with_ne_is_an_ellipsis(text, ellipsis):
    from bot.nlu.references import is_ellipsis

    assert is_ellipsis(text) is ellipsis


def test_an_ellipsis_asks_the_firms_previous_question_again():
    from actions.references import asked_again

    events = [{"event": "user", "text": "零税率是文件哪一条", "parse_data": {
                  "intent": {"name": "ask_document"}, "entities": [{"entity": "aspect", "value": "where_text"}]}},
              {"event": "bot", "text": "……"},
              {"event": "user", "text": "那出口信保呢", "parse_data": {}}]
    latest = {"text": "那出口信保呢", "intent": {"name": "ask_conditions"},
              "entities": [{"entity": "policy", "value": "出口信保"}, {"entity": "aspect", "value": "again"}]}
    tracker = Tracker("t", {}, latest, events, False, None, {}, "action_listen")
    assert asked_again(tracker) == ("ask_document", "零税率是文件哪一条", {"where_text"})
    latest["entities"] = latest["entities"][:1]  # no ellipsis: nothing asked again
    assert asked_again(Tracker("t", {}, latest, events, False, None, {}, "action_listen")) is None


def test_listed_names_split_the_list_a_group_reference_closes():
    from bot.nlu.references import listed_names

    assert [w for _, w in listed_names("股权激励和上市这两条 分别是文件里哪部分的")] == ["股权激励", "上市"]
    assert listed_names("外籍和上市这两项都有") == []  # 项: a checklist's items, not measures


def test_a_message_listing_measures_by_description_names_each_in_order():
    from actions.references import listed_in_message

    question = "园区那条跟出口基地那条 分别找谁"
    tracker = Tracker("t", {"city": "武汉"}, {"text": question, "intent": {}, "entities": [
        {"entity": "policy", "value": "出口基地"}]}, [], False, None, {}, "action_listen")
    assert [m.id for m in listed_in_message(tracker, catalogue())] == ["wh-service-parks", "wh-digital-export-base"]


@pytest.mark.parametrize("text, expected", [
    ("首创模式 首拓市场 首发新品 这三个怎么界定", True),
    ("首创模式 首拓市场 首发新品 这三个首到底怎么界定", True),  # a shared head word before the question
    ("这三个怎么界定", False),  # nothing named before it
    ("零税率怎么申请", False),
])
def test_a_definition_asked_of_the_terms_named_before(text, expected):
    assert defines_named(text) is expected
