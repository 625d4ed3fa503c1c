"""A question pointing back at what the assistant listed (bot/nlu/references.py, actions/references.py)."""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.context import catalogue
from actions.references import pointed_measures
from bot.nlu.references import pointed_items

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("text, items", [
    ("第二个是文件哪一条", (2,)),
    ("那第3条找谁", (3,)),
    ("来电人问这两条是文件哪一条", (1, 2)),
    ("两个都要申请吗", (1, 2)),
    ("这条在文件第几条", None),       # asks the article, points at no item
    ("第二年还能申请吗", None),       # a year, not an item
    ("零税率找谁", None),
])
def test_pointed_items(text, items):
    assert pointed_items(text) == items


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
