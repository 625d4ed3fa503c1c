"""Coverage is data: a third document, added as YAML alone, is matched, rendered and named everywhere.

The toy document below is made up for this test (成都市, 离岸外包测试措施); it lives in a temporary
catalogue beside copies of the two real files. Nothing in the code names 成都.
"""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from actions.lookup import for_region
from actions.places import city_question, coverage_slots
from actions.questions import region_label
from actions.render import results_text
from policies_db import CompiledCatalogue
from policies_db.authoring.loader import CATALOGUE_DIR, CatalogueError, load_catalogue
from policies_db.authoring.store import make_engine, read_catalogue, write_catalogue
from policies_db.evaluation import coverage, places
from policies_db.evaluation.engine import evaluate_compiled

D = dt.date(2025, 6, 1)

TOY = """
document:
  id: chengdu-toy
  issuer: 成都市商务局（测试用虚构文件）
  number_note: 测试用虚构文件，无文号
  title: 成都市服务外包测试措施（虚构）
  valid_from: 2024-01-01
  valid_to: 2026-12-31
  jurisdiction: {jurisdiction}
  id_prefix: cd
  default_contacts: [成都市商务局]
measures:
  - id: {measure_id}
    title: 离岸外包测试措施
    kind: apply
    summary: 测试用措施摘要。
    benefit: 测试用支持。
    category: funds_finance
    criteria:
      all:
        - {{field: offshore, op: eq, value: true, text: 承接离岸服务外包业务}}
    source: {{section: 第一条, excerpt: 测试用原文。}}
"""


def _catalogue_dir(tmp_path, jurisdiction="成都市", measure_id="cd-offshore-test"):
    directory = tmp_path / "catalogue"
    directory.mkdir()
    for path in CATALOGUE_DIR.glob("*.yml"):
        shutil.copy(path, directory / path.name)
    (directory / "chengdu-toy.yml").write_text(TOY.format(jurisdiction=jurisdiction, measure_id=measure_id),
                                              encoding="utf-8")
    return directory


@pytest.fixture()
def three(tmp_path):
    return CompiledCatalogue(load_catalogue(_catalogue_dir(tmp_path)))


def test_the_third_document_loads_with_its_region_condition(three):
    measure = three.catalogue.measure("cd-offshore-test")
    region = measure.criteria.children[0]
    assert (region.op, region.value, region.text) == ("in_region", "成都市", "在成都市注册经营")
    assert len(three.documents) == 3


@pytest.mark.parametrize("typed", ["成都", "我们在成都龙泉驿区", "成都市高新区", "天府新区", "四川省成都市武侯区"])
def test_a_chengdu_firm_matches_it_and_only_it(three, typed):
    ev = evaluate_compiled(three, {"city": typed, "offshore": True}, D)
    assert ev.status_of("cd-offshore-test") == "eligible"
    others = {ev.status_of(m.id) for m in three.measures if not m.id.startswith("cd-")}
    assert others == {"ineligible"}
    assert [c["name"] for c in ev.result("cd-offshore-test").contacts] == ["成都市商务局"]


def test_elsewhere_it_is_ineligible_with_the_region_as_reason(three):
    ev = evaluate_compiled(three, {"city": "杭州", "offshore": True}, D)
    assert ev.status_of("cd-offshore-test") == "ineligible"
    assert ev.result("cd-offshore-test").reasons == ["需在成都市注册经营（贵公司：位于杭州）"]
    # 龙泉 is 丽水's, not 成都's 龙泉驿.
    assert evaluate_compiled(three, {"city": "龙泉", "offshore": True}, D).status_of("cd-offshore-test") == "ineligible"


def test_sichuan_alone_leaves_it_open_on_the_city(three):
    ev = evaluate_compiled(three, {"city": "四川", "offshore": True}, D)
    assert ev.status_of("cd-offshore-test") == "undetermined"
    assert ev.result("cd-offshore-test").missing == ["city"]


def test_it_is_rendered_in_the_chat(three):
    ev = evaluate_compiled(three, {"city": "成都龙泉驿区", "offshore": True}, D)
    text = results_text(ev)
    assert "离岸外包测试措施" in text and "成都市商务局" in text and "暂不包括" not in text
    assert region_label(three, three.catalogue.measure("cd-offshore-test")) == "【成都】"


def test_every_coverage_sentence_names_it(three):
    assert coverage.covered_names(three) == "浙江省、武汉市和成都市"
    assert coverage.coverage_sentence(three).endswith("、武汉市和成都市的服务外包扶持政策")
    assert "成都市" in coverage.city_hint(three)
    assert "《成都市服务外包测试措施（虚构）》" in coverage.documents_sentence(three)
    assert "成都市" in city_question(three, None, None, None)["text"]
    assert coverage_slots(three)["coverage_regions"] == "浙江省、武汉市和成都市"
    outside = coverage.outside_text(three, {"city": "上海"})
    assert "成都市" in outside and "暂不包括上海市" in outside


def test_topic_lookup_keeps_it_for_a_chengdu_firm(three):
    measures = [three.catalogue.measure("cd-offshore-test"), three.catalogue.measure("zj-offshore-zero-rate")]
    assert [m.id for m in for_region(three, measures, {"city": "成都"})[0]] == ["cd-offshore-test"]
    assert for_region(three, measures, {})[1] is True  # two regions: ask where the firm is


def test_the_nlu_dictionary_learns_its_short_district_names(three):
    covered = [r.place for r in coverage.regions(three)]
    assert "龙泉驿" in places.dictionary_names(covered)
    assert "龙泉驿" not in places.dictionary_names([r.place for r in coverage.regions(three) if r.name != "成都市"])


def test_it_survives_the_database(three, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'policies.db'}")
    write_catalogue(three.catalogue, engine, "test")
    back = CompiledCatalogue(read_catalogue(engine))
    engine.dispose()
    ev = evaluate_compiled(back, {"city": "成都武侯区", "offshore": True}, D)
    assert ev.status_of("cd-offshore-test") == "eligible"


@pytest.mark.parametrize("jurisdiction, measure_id, message", [
    ("青山区", "cd-offshore-test", "不是一个明确的省或城市"),
    ("龙泉驿区", "cd-offshore-test", "区县或园区"),
    ("火星", "cd-offshore-test", "不是一个明确的省或城市"),
    ("成都市", "wh-offshore-test", "应以 cd- 开头"),
])
def test_a_bad_jurisdiction_or_id_fails_the_build_with_the_file_named(tmp_path, jurisdiction, measure_id, message):
    with pytest.raises(CatalogueError) as err:
        load_catalogue(_catalogue_dir(tmp_path, jurisdiction, measure_id))
    assert "chengdu-toy.yml" in str(err.value) and message in str(err.value)
