"""Which measure a question is about when it names none exactly (policies_db/wording/search.py). Pure."""
from __future__ import annotations

import pytest

from policies_db.wording.search import best_matches, index_for, topic_matches


@pytest.fixture(scope="module")
def index(compiled):
    return index_for(compiled)


@pytest.mark.parametrize("question, expected", [
    ("进口研发试剂免许可证找谁办？", {"wh-bonded-rd-imports"}),
    ("引进高级人才那块是人社局管吗？", {"wh-talent-introduction"}),
    ("外籍人才来华工作许可怎么弄", {"zj-foreign-talent"}),
    ("零税律找谁", {"zj-offshore-zero-rate"}),  # a typo keeps most of the name
    ("技术先近型要什么条件", {"wh-tech-advanced-application", "zj-tech-advanced-certification"}),
    ("出口信保怎么申请", {"wh-export-credit-insurance", "zj-export-credit-insurance"}),
    ("听说综保区里进口研发用的试剂耗材可以不交许可证了，要找海关还是商务局？", {"wh-bonded-rd-imports"}),
])
def test_a_question_finds_its_measure(index, question, expected):
    assert {m.id for m in best_matches(index, question)} == expected


@pytest.mark.parametrize("question", ["今天天气怎么样", "这个怎么办", "你好", "谢谢",
                                      "这事是找司法局还是商务局"])  # departments name whom, not which measure
def test_no_measure_for_a_question_about_none(index, question):
    assert best_matches(index, question) == []


def test_never_more_than_three(index):
    assert len(best_matches(index, "服务外包企业人才培训示范机构和平台园区的支持政策")) <= 3


def test_the_firms_own_region_is_searched_first(index):
    """「出口信保怎么申请」 from a Hangzhou firm: the Zhejiang measure, not Wuhan's too."""
    zhejiang = {m.id for m in best_matches(index, "出口信保怎么申请", keep=lambda m: m.id.startswith("zj-"))}
    assert zhejiang == {"zj-export-credit-insurance"}
    for question in ("零税律找谁", "进口研发试剂免许可证找谁办？", "技术先近型要什么条件"):  # never one outside `keep`
        assert all(m.id.startswith("zj-") for m in best_matches(index, question, keep=lambda m: m.id.startswith("zj-")))


def test_a_topic_question_names_the_regions_measures_on_it(index):
    """「人才这块找哪个部门」 from a Wuhan firm: no single measure, Wuhan's talent measures (at most three)."""
    found = topic_matches(index, "人才这块找哪个部门", keep=lambda m: m.id.startswith("wh-"))
    assert 1 <= len(found) <= 3 and all(m.id.startswith("wh-") for m in found)
    assert "wh-talent-introduction" in {m.id for m in found}
    assert topic_matches(index, "今天天气怎么样", keep=lambda m: True) == []


@pytest.mark.parametrize("question, action", [("青鸾行动是什么", "青鸾"), ("白泽行动有哪些支持", "白泽"),
                                              ("文鳐行动都包括什么", "文鳐")])
def test_a_plan_action_named_finds_the_measures_of_its_paragraph(index, question, action):
    """Issue 20: the Zhejiang plan's actions are asked by name; the measures of that paragraph answer (at most three)."""
    found = best_matches(index, question)
    assert found and all(action in m.source.section for m in found), [m.id for m in found]


def test_a_task_title_finds_its_measures(index):
    found = best_matches(index, "培育数字服务新业态新模式那条说的什么")
    assert {m.id for m in found} == {"wh-digital-new-models"}


def test_the_plans_other_spellings_of_its_third_action_find_it(index):
    """文韬 (body heading) and 文鲛 (annex) are the text's own spellings of 文鳐 (bot/nlu/lexicon/normalize.yml)."""
    from bot.nlu.normalize import normalize

    for question in ("文韬行动是什么", "請問文韜行動包括哪些", "文鲛行动有什么"):
        found = best_matches(index, normalize(question))
        assert found and all("文鳐" in m.source.section for m in found), question


@pytest.mark.parametrize("question, expected", [
    # 找哪个单位 says whom; its 单位 is also in a Wuhan measure's text (sealed batch M).
    ("出口信用保线 找哪个单位办", {"wh-export-credit", "wh-export-credit-insurance", "zj-export-credit-insurance"}),
    ("会记律师事务所走粗去那个 找哪个单位", {"wh-accounting-legal"}),
])
def test_the_words_that_ask_do_not_choose_the_measure(index, question, expected):
    from bot.nlu.aspects import without_asking

    assert {m.id for m in best_matches(index, without_asking(question))} == expected


def test_without_asking_blanks_overlapping_cues_and_keeps_offsets():
    from bot.nlu.aspects import without_asking

    text = "出口信保 具体找哪个单位办"
    out = without_asking(text)
    assert len(out) == len(text) and "单位" not in out and "找" not in out and out.startswith("出口信保")
