"""What the rest of the product relies on: ids, core criteria, contacts, metadata."""
from __future__ import annotations

import datetime as dt

import pytest

from policies_db.authoring.cases import check_catalogue
from policies_db.evaluation.engine import evaluate_compiled

D = dt.date(2024, 6, 30)

# id → (a profile that makes it eligible, the single change that makes it ineligible)
CORE = {
    "zj-offshore-zero-rate": ({"city": "杭州", "service_types": ["ITO"], "offshore": True}, {"offshore": False}),
    "zj-export-credit-insurance": ({"city": "宁波", "offshore": True}, {"offshore": False}),
    "zj-foreign-talent": ({"city": "嘉兴", "hires_foreign_talent": True}, {"hires_foreign_talent": False}),
    "zj-foreign-enterprise": ({"city": "绍兴", "foreign_invested": True, "service_types": ["ITO"]},
                              {"foreign_invested": False}),
    "zj-innovative-tech": ({"city": "杭州", "service_types": ["ITO"], "fields": ["digital_tech"]}, {"fields": ["software_it"]}),
    "zj-producer-services": ({"city": "台州", "service_types": ["KPO"], "fields": ["producer_services"]}, {"fields": ["design"]}),
    "zj-overseas-expansion": ({"city": "金华", "service_types": ["BPO"], "overseas_expansion": True}, {"overseas_expansion": False}),
    "zj-leading-enterprise": ({"city": "杭州", "service_types": ["ITO"], "leading_firm": True}, {"leading_firm": False}),
    "zj-open-pilot-policies": ({"city": "舟山", "service_types": ["BPO"], "in_pilot_zone": True}, {"in_pilot_zone": False}),
    "zj-bank-risk-compensation": ({"city": "湖州", "financial_institution": True, "supports_first_projects": True},
                                  {"financial_institution": False}),
    "wh-export-credit": ({"city": "武汉", "service_types": ["ITO"], "offshore": True}, {"offshore": False}),
    "wh-export-credit-insurance": ({"city": "武汉", "service_types": ["BPO"], "offshore": True}, {"service_types": []}),
    "wh-talent-introduction": ({"city": "武汉", "service_types": ["ITO"], "recruits_senior_talent": True},
                               {"recruits_senior_talent": False}),
    "wh-training": ({"city": "武汉", "provides_training": True}, {"provides_training": False}),
    "wh-bonded-rd-imports": ({"city": "武汉", "fields": ["pharma_rd"], "in_bonded_zone": True}, {"in_bonded_zone": False}),
    "wh-pharma-rd": ({"city": "武汉", "service_types": ["KPO"], "fields": ["pharma_rd"], "covid_commissioned": True},
                     {"covid_commissioned": False}),
    "wh-sme-innovation": ({"city": "武汉", "service_types": ["ITO"], "is_sme": True}, {"is_sme": False}),
    "wh-public-service-platform": ({"city": "武汉", "runs_platform": True}, {"runs_platform": False}),
    "wh-service-parks": ({"city": "武汉", "runs_park": True}, {"runs_park": False}),
    "wh-design": ({"city": "武汉", "fields": ["design"]}, {"fields": ["pharma_rd"]}),
    "wh-accounting-legal": ({"city": "武汉", "fields": ["accounting_legal"]}, {"fields": []}),
    "wh-onshore-market": ({"city": "武汉", "service_types": ["BPO"], "onshore": True}, {"onshore": False}),
}


@pytest.mark.parametrize("measure_id", CORE)
def test_core_criteria(compiled, measure_id):
    profile, breaking = CORE[measure_id]
    assert evaluate_compiled(compiled, profile, D).status_of(measure_id) == "eligible"
    assert evaluate_compiled(compiled, {**profile, **breaking}, D).status_of(measure_id) == "ineligible"
    other_region = {**profile, "city": "温州" if measure_id.startswith("wh-") else "武汉"}
    assert evaluate_compiled(compiled, other_region, D).status_of(measure_id) == "ineligible"


@pytest.mark.parametrize("measure_id, profile", [
    # 三（四）10: 服务外包高级人才 — a bank (no outsourcing) recruiting senior staff is not the target.
    ("wh-talent-introduction", {"city": "武汉", "service_types": [], "recruits_senior_talent": True}),
    # …and foreign staff alone is not 引进高级人才.
    ("wh-talent-introduction", {"city": "武汉", "service_types": ["KPO"], "recruits_senior_talent": False, "hires_foreign_talent": True}),
    # 二（二）: 服务外包外资企业 / 国际服务外包人才 — a foreign manufacturer is neither.
    ("zj-foreign-enterprise", {"city": "嘉兴", "foreign_invested": True, "service_types": []}),
    ("zj-global-talent", {"city": "嘉兴", "hires_foreign_talent": True, "service_types": []}),
    # 三（五）13: 在岸服务外包业务 — a firm with no outsourcing business is not asked about onshore clients.
    ("wh-onshore-market", {"city": "武汉", "service_types": [], "financial_institution": True}),
    # 三（五）12: 中小企业.
    ("wh-sme-innovation", {"city": "武汉", "service_types": ["ITO"], "is_sme": False}),
])
def test_who_the_sentence_is_about(compiled, measure_id, profile):
    assert evaluate_compiled(compiled, profile, D).status_of(measure_id) == "ineligible"


@pytest.mark.parametrize("measure_id, profile, missing", [
    ("zj-leading-enterprise", {"city": "义乌", "service_types": ["ITO"], "employees": 6}, "leading_firm"),
    ("zj-open-pilot-policies", {"city": "宁波", "service_types": ["ITO"]}, "in_pilot_zone"),
    ("wh-public-service-platform", {"city": "武汉", "service_types": ["ITO"]}, "runs_platform"),
    ("wh-sme-innovation", {"city": "武汉", "service_types": ["ITO"]}, "is_sme"),
])
def test_an_unknown_deciding_fact_keeps_the_measure_open(compiled, measure_id, profile, missing):
    result = evaluate_compiled(compiled, profile, D).result(measure_id)
    assert result.status == "undetermined" and missing in result.missing


def test_every_measure_has_a_kind(catalogue):
    assert {m.kind for m in catalogue.measures} == {"apply", "service", "direction"}
    assert catalogue.measure("zj-offshore-zero-rate").kind == "apply"
    assert catalogue.measure("zj-international-fairs").kind == "service"
    assert catalogue.measure("zj-international-standards").kind == "direction"


def test_benefits_do_not_promise_selection(catalogue):
    """纳入…培育 is decided by a department: never a benefit line (issue 11)."""
    for m in catalogue.measures:
        assert "纳入" not in m.benefit or "培育" not in m.benefit, m.id


def test_measures_the_issue_found_missing(catalogue):
    ids = {m.id for m in catalogue.measures}
    assert {"wh-policy-support", "wh-service-parks", "wh-digital-export-base", "zj-support-team",
            "zj-key-enterprise-liaison", "zj-overseas-qualification"} <= ids
    assert catalogue.measure("wh-policy-support").source.section.startswith("四（三）")


def test_at_least_25_measures_and_every_wuhan_task_encoded(catalogue):
    assert len(catalogue.measures) >= 25
    tasks = {m.source.task for m in catalogue.measures if m.document_id == "wuhan-2021" and m.source.task}
    assert tasks == set(range(1, 16))


def test_every_measure_has_contacts_source_and_category(catalogue):
    for m in catalogue.measures:
        assert m.contacts, m.id
        assert m.source.section and m.source.excerpt, m.id
        assert m.title and m.summary and m.benefit, m.id


def test_wuhan_contacts_keep_the_responsible_units_verbatim(catalogue):
    m = catalogue.measure("wh-export-credit-insurance")
    assert [c.name for c in m.contacts] == ["湖北银保监局", "武汉市金融工作局", "中国出口信用保险公司湖北分公司"]
    assert [c.listed_as for c in m.contacts] == [None, "市金融工作局", None]
    pharma = catalogue.measure("wh-pharma-rd")
    assert "武汉海关" in [c.name for c in pharma.contacts]


def test_bonded_zone_imports_lead_with_customs_and_keep_every_task_4_unit(catalogue):
    """免于提交许可证 is a customs matter: 武汉海关 first, and still all five of task 4's 责任单位."""
    names = [c.name for c in catalogue.measure("wh-bonded-rd-imports").contacts]
    assert names[0] == "武汉海关"
    assert sorted(names) == sorted(c.name for c in catalogue.measure("wh-pharma-rd").contacts)


def test_zhejiang_contacts_are_issuer_and_city_bureau(catalogue):
    for m in catalogue.measures:
        if m.document_id == "zhejiang-2023-59":
            assert m.contacts[0].name == "浙江省商务厅"
            assert any(c.resolve == "city_commerce_bureau" for c in m.contacts)


def test_every_body_named_in_the_sentence_is_a_contact(catalogue):
    # “会同科技等部门定期评选技术先进型服务企业”
    names = [c.name for c in catalogue.measure("zj-tech-advanced-certification").contacts]
    assert "科技部门" in names
    # “优化海关监管模式”
    assert "海关" in [c.name for c in catalogue.measure("zj-trade-facilitation").contacts]


def test_reorganised_units_show_the_text_name_and_the_current_one(catalogue):
    [cbirc] = [c for c in catalogue.measure("wh-export-credit-insurance").contacts if c.name == "湖北银保监局"]
    assert cbirc.current_name == "国家金融监督管理总局湖北监管局" and "2023" in cbirc.note
    # 2023年机构改革方案：撤销人民银行大区分行及分行营业管理部，设立省级分行（task 7's first 责任单位）.
    [pboc] = [c for c in catalogue.measure("wh-noncore-outsourcing").contacts if c.name == "人行武汉分行营管部"]
    assert pboc.current_name == "中国人民银行湖北省分行" and "2023" in pboc.note


def test_document_metadata(catalogue):
    zj, wh = catalogue.documents["zhejiang-2023-59"], catalogue.documents["wuhan-2021"]
    assert zj.number == "浙商务发〔2023〕59号" and zj.issuer == "浙江省商务厅"
    assert (zj.valid_from, zj.valid_to) == (dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    assert wh.number is None and "未载文号" in wh.number_note
    # “202128”: the text cites documents of 2020 and the 五中全会 (October 2020) → 2021-02-08.
    assert wh.valid_from == dt.date(2021, 2, 8) and wh.valid_to is None
    assert "202128" in wh.date_note and "五中全会" in wh.date_note
    assert wh.issuer == "武汉市服务贸易发展工作领导小组"


def test_every_measure_has_its_cases_and_they_pass():
    report = check_catalogue()
    assert report.ok, "\n".join(report.problems)
    assert report.expectations >= 80


def test_pilot_tasks_only_in_pilot_areas(compiled):
    """外汇收支便利化等试点任务 are pilots, not province-wide (issue 11)."""
    base = {"city": "温州", "offshore": True}
    for in_zone, applies in ((True, "eligible"), (False, "ineligible"), (None, "undetermined")):
        profile = base if in_zone is None else {**base, "in_pilot_zone": in_zone}
        result = evaluate_compiled(compiled, profile, D).result("zj-trade-facilitation")
        assert result.status == "eligible"
        assert [e["applies"] for e in result.extra_benefits] == [applies]
