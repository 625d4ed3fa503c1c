"""What the rest of the product relies on: ids, core criteria, contacts, metadata."""
from __future__ import annotations

import datetime as dt

import pytest

from policies_db.cases import check_catalogue
from policies_db.engine import evaluate_compiled

D = dt.date(2024, 6, 30)

# id → (a profile that makes it eligible, the single change that makes it ineligible)
CORE = {
    "zj-offshore-zero-rate": ({"city": "杭州", "offshore": True}, {"offshore": False}),
    "zj-export-credit-insurance": ({"city": "宁波", "offshore": True}, {"offshore": False}),
    "zj-foreign-talent": ({"city": "嘉兴", "hires_foreign_talent": True}, {"hires_foreign_talent": False}),
    "zj-foreign-enterprise": ({"city": "绍兴", "foreign_invested": True}, {"foreign_invested": False}),
    "zj-innovative-tech": ({"city": "杭州", "fields": ["digital_tech"]}, {"fields": ["software_it"]}),
    "zj-producer-services": ({"city": "台州", "fields": ["producer_services"]}, {"fields": ["design"]}),
    "zj-overseas-expansion": ({"city": "金华", "overseas_expansion": True}, {"overseas_expansion": False}),
    "zj-bank-risk-compensation": ({"city": "湖州", "financial_institution": True}, {"financial_institution": False}),
    "wh-export-credit": ({"city": "武汉", "offshore": True}, {"offshore": False}),
    "wh-export-credit-insurance": ({"city": "武汉", "offshore": True}, {"offshore": False}),
    "wh-talent-introduction": ({"city": "武汉", "recruits_senior_talent": True}, {"recruits_senior_talent": False, "hires_foreign_talent": False}),
    "wh-training": ({"city": "武汉", "provides_training": True}, {"provides_training": False}),
    "wh-pharma-rd": ({"city": "武汉", "fields": ["pharma_rd"]}, {"fields": ["design"]}),
    "wh-design": ({"city": "武汉", "fields": ["design"]}, {"fields": ["pharma_rd"]}),
    "wh-accounting-legal": ({"city": "武汉", "fields": ["accounting_legal"]}, {"fields": []}),
    "wh-onshore-market": ({"city": "武汉", "onshore": True}, {"onshore": False}),
}


@pytest.mark.parametrize("measure_id", CORE)
def test_core_criteria(compiled, measure_id):
    profile, breaking = CORE[measure_id]
    assert evaluate_compiled(compiled, profile, D).status_of(measure_id) == "eligible"
    assert evaluate_compiled(compiled, {**profile, **breaking}, D).status_of(measure_id) == "ineligible"
    other_region = {**profile, "city": "温州" if measure_id.startswith("wh-") else "武汉"}
    assert evaluate_compiled(compiled, other_region, D).status_of(measure_id) == "ineligible"


def test_wh_talent_introduction_accepts_foreign_talent_too(compiled):
    assert evaluate_compiled(compiled, {"city": "武汉", "hires_foreign_talent": True}, D).status_of("wh-talent-introduction") == "eligible"


def test_at_least_25_measures_and_every_wuhan_task_encoded(catalogue):
    assert len(catalogue.measures) >= 25
    tasks = {m.source.task for m in catalogue.measures if m.document_id == "wuhan-2021"}
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


def test_zhejiang_contacts_are_issuer_and_city_bureau(catalogue):
    for m in catalogue.measures:
        if m.document_id == "zhejiang-2023-59":
            assert m.contacts[0].name == "浙江省商务厅"
            assert m.contacts[1].resolve == "city_commerce_bureau"


def test_document_metadata(catalogue):
    zj, wh = catalogue.documents["zhejiang-2023-59"], catalogue.documents["wuhan-2021"]
    assert zj.number == "浙商务发〔2023〕59号" and zj.issuer == "浙江省商务厅"
    assert (zj.valid_from, zj.valid_to) == (dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    assert wh.number is None and "未载文号" in wh.number_note
    assert wh.valid_from == dt.date(2021, 1, 1) and wh.valid_to is None
    assert wh.issuer == "武汉市服务贸易发展工作领导小组"


def test_every_measure_has_its_cases_and_they_pass():
    report = check_catalogue()
    assert report.ok, "\n".join(report.problems)
    assert report.expectations >= 80
