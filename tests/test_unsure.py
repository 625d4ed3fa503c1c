"""「不清楚」 is never a yes (issue 24): uncertainty leaves a fact unknown at the checklist, at a yes/no question and
in an opening, alone or mixed with yes-items and 「其他都没有」. Pure: no Rasa, no model."""
from __future__ import annotations

import pytest

from actions.checklist import CHECKLIST_FIELDS, ITEM_WORDS, read_answer
from bot.nlu import guards
from bot.nlu.assertion import is_unsure, mask_uncertain, unsure_spans
from bot.nlu.short_answers import yes_no

UNSURE = ["不清楚", "我不太清楚", "不知道", "不确定", "拿不准", "说不好", "待确认", "要问财务", "得问问老板",
          "回头问问行政", "这个我不管", "可能有吧", "这几个分类我分不清", "要问下主任"]
# One short word per checklist item, as firms name them (the first of actions/checklist.py's ITEM_WORDS).
WORD = {name: ITEM_WORDS[name].split("|")[0] for name in CHECKLIST_FIELDS}


def _offered(name: str) -> list[str]:
    others = [n for n in CHECKLIST_FIELDS if n != name and WORD[n] not in WORD[name] and WORD[name] not in WORD[n]]
    return [others[0], name, others[1], others[2]]


@pytest.mark.parametrize("phrase", UNSURE)
@pytest.mark.parametrize("name", CHECKLIST_FIELDS)
def test_an_unsure_item_alone_stays_unknown_and_the_others_open(name, phrase):
    offered = _offered(name)
    answer = read_answer(f"{WORD[name]}{phrase}", "inform", [], offered)
    assert answer is not None
    assert name in answer.unknown and name not in answer.values
    assert not any(answer.values.values()), answer  # nothing becomes yes


@pytest.mark.parametrize("phrase", UNSURE)
@pytest.mark.parametrize("name", CHECKLIST_FIELDS)
def test_an_unsure_item_mixed_with_a_yes_and_the_rest_no(name, phrase):
    offered = _offered(name)
    yes_item = offered[0]
    answer = read_answer(f"{WORD[name]}这项{phrase}，第1项有，其他都没有", "inform", [], offered)
    assert name in answer.unknown and name not in answer.values
    assert answer.values[yes_item] is True
    assert all(answer.values[n] is False for n in offered[2:]), answer


@pytest.mark.parametrize("phrase", UNSURE)
def test_entities_named_unsure_win_over_the_rest(phrase):
    offered = ["leading_firm", "foreign_invested", "tech_advanced_certified", "plans_listing"]
    text = f"外资和技术先进型这两项{phrase}；其他都没有"
    entities = [{"entity": "unsure", "value": "foreign_invested", "start": 0, "end": 2},
                {"entity": "unsure", "value": "tech_advanced_certified", "start": 3, "end": 8}]
    answer = read_answer(text, "inform", entities, offered)
    assert sorted(answer.unknown) == ["foreign_invested", "tech_advanced_certified"]
    assert answer.values == {"leading_firm": False, "plans_listing": False}


def test_numbers_with_unsure_and_a_general_unsure():
    offered = ["leading_firm", "foreign_invested", "plans_listing"]
    answer = read_answer("1有，第2项不清楚，其他没有", "inform", [], offered)
    assert answer.values == {"leading_firm": True, "plans_listing": False} and answer.unknown == ["foreign_invested"]
    answer = read_answer("要问财务", "inform", [], offered)
    assert answer.unknown == offered and not answer.values


@pytest.mark.parametrize("phrase", UNSURE)
def test_unsure_is_no_yes_or_no_at_a_yes_no_question(phrase):
    assert is_unsure(phrase)
    assert yes_no(phrase) is None
    for wrong in ("affirm", "deny"):
        intent, _ = guards.before_entities(phrase, {"name": wrong, "confidence": 0.9},
                                           [{"name": wrong, "confidence": 0.9}, {"name": "dont_know", "confidence": 0.1}])
        assert intent["name"] == "dont_know", (phrase, wrong)


def test_a_plain_yes_with_an_unsure_detail_stays_yes():
    intent, _ = guards.before_entities("有，不过具体几个人不清楚", {"name": "affirm", "confidence": 0.9},
                                       [{"name": "affirm", "confidence": 0.9}])
    assert intent["name"] == "affirm"


@pytest.mark.parametrize("text", ["我们是外资企业不知道能享受哪些", "不清楚有哪些政策", "不知道找谁办"])
def test_doubting_the_policy_is_not_doubting_the_fact(text):
    assert not is_unsure(text)


def test_the_not_of_an_unsure_cue_negates_nothing():
    assert "不" not in mask_uncertain("上市不清楚")
    text = "外资和技术先进型这两项我不清楚"
    spans = [(0, 2), (3, 8)]
    assert unsure_spans(text, spans) == {0, 1}
    text = "有日本客户外资不清楚"
    assert unsure_spans(text, [(0, 5), (5, 7)]) == {1}  # a list needs a list word: 客户 is not in it
