"""A bad catalogue file fails the build, naming file, measure id and field."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policies_db.authoring.cases import check_catalogue
from policies_db.authoring.loader import CATALOGUE_DIR, CatalogueError, load_catalogue

ZJ = "zhejiang-2023-59.yml"


@pytest.fixture()
def workdir(tmp_path) -> Path:
    """A copy of the real catalogue and sources to break."""
    shutil.copytree(CATALOGUE_DIR, tmp_path / "catalogue")
    shutil.copytree(CATALOGUE_DIR.parent / "sources", tmp_path / "sources")
    return tmp_path / "catalogue"


def edit(directory: Path, name: str, old: str, new: str):
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(directory)
    return info.value.problems


def test_real_catalogue_loads():
    catalogue = load_catalogue()
    assert len(catalogue.measures) >= 25


def test_unknown_field_value_names_file_measure_and_path(workdir):
    edit(workdir, ZJ, "value: producer_services", "value: producer_servces")
    [problem] = problems_of(workdir)
    assert problem.startswith(f"{ZJ}: measure zj-producer-services: criteria.all[1].value:")
    assert "producer_servces" in problem


def test_unknown_profile_field(workdir):
    edit(workdir, ZJ, "{field: offshore, op: eq, value: true, text: 承接离岸服务外包业务}",
         "{field: offshor, op: eq, value: true, text: 承接离岸服务外包业务}")
    problems = problems_of(workdir)
    assert any("measure zj-offshore-zero-rate: criteria.all[1].field" in p and "offshor" in p for p in problems)


def test_wrong_operator_for_field_kind(workdir):
    edit(workdir, ZJ, "{field: foreign_invested, op: eq, value: true", "{field: foreign_invested, op: has, value: true")
    [problem] = problems_of(workdir)
    assert "measure zj-foreign-enterprise: criteria.all[0].op" in problem


def test_boolean_written_as_string(workdir):
    edit(workdir, ZJ, "{field: financial_institution, op: eq, value: true", "{field: financial_institution, op: eq, value: 'yes'")
    [problem] = problems_of(workdir)
    assert "measure zj-bank-risk-compensation: criteria.all[0].value" in problem


def test_missing_required_key(workdir):
    edit(workdir, ZJ, "    benefit: 离岸服务外包业务适用零税率或免税优惠政策。\n", "")
    [problem] = problems_of(workdir)
    assert problem == f"{ZJ}: measure zj-offshore-zero-rate: benefit: 必填"


def test_unknown_category(workdir):
    edit(workdir, ZJ, "category: tax", "category: taxes")
    [problem] = problems_of(workdir)
    assert "measure zj-offshore-zero-rate: category" in problem and "taxes" in problem


def test_duplicate_measure_id(workdir):
    edit(workdir, ZJ, "id: zj-international-promotion", "id: zj-offshore-zero-rate")
    assert any("编号重复" in p and "zj-offshore-zero-rate" in p for p in problems_of(workdir))


def test_bad_id_form(workdir):
    edit(workdir, ZJ, "id: zj-international-promotion", "id: Promotion")
    assert any("id" in p and "Promotion" in p for p in problems_of(workdir))


def test_yaml_syntax_error_names_file(workdir):
    (workdir / "broken.yml").write_text("document: {id: x\nmeasures: [", encoding="utf-8")
    assert any(p.startswith("broken.yml: YAML 语法错误") for p in problems_of(workdir))


def test_unknown_task_responsible_units(workdir):
    edit(workdir, "wuhan-2021.yml", "task: 6\n", "task: 16\n")
    assert any("measure wh-accounting-legal: source.task" in p for p in problems_of(workdir))


def test_not_without_text(workdir):
    edit(workdir, ZJ, "        - {field: tech_advanced_certified, op: eq, value: false, text: 尚未获得技术先进型服务企业认定}",
         "        - not: {field: tech_advanced_certified, op: eq, value: true, text: 已认定}")
    assert any("measure zj-tech-advanced-certification: criteria.all[1].text" in p for p in problems_of(workdir))


def test_all_problems_reported_at_once(workdir):
    edit(workdir, ZJ, "category: tax", "category: taxes")
    edit(workdir, ZJ, "value: producer_services", "value: nope")
    assert len(problems_of(workdir)) == 2


def test_excerpt_must_be_verbatim(workdir):
    edit(workdir, ZJ, "excerpt: 落实离岸服务外包零税率或免税优惠政策", "excerpt: 落实离岸服务外包零税率优惠政策")
    report = check_catalogue(workdir)
    assert any("zj-offshore-zero-rate: source.excerpt 与原文不一致" in p for p in report.problems)


def test_kind_is_required_and_checked(workdir):
    edit(workdir, ZJ, "    kind: apply\n    keywords: [零税率", "    kind: claim\n    keywords: [零税率")
    [problem] = problems_of(workdir)
    assert "measure zj-offshore-zero-rate: kind" in problem and "claim" in problem
    edit(workdir, ZJ, "    kind: claim\n", "")
    [problem] = problems_of(workdir)
    assert problem == f"{ZJ}: measure zj-offshore-zero-rate: kind: 必填"


def test_current_name_needs_a_note(workdir):
    edit(workdir, "wuhan-2021.yml", "        note: 2023年机构改革，银保监会派出机构改设为国家金融监督管理总局派出机构\n", "")
    assert any("responsible_units[7][1].note" in p for p in problems_of(workdir))


def test_case_with_wrong_expectation_fails_check(workdir):
    edit(workdir, "cases/" + ZJ, "zj-bank-risk-compensation: eligible", "zj-bank-risk-compensation: ineligible")
    report = check_catalogue(workdir)
    assert not report.ok
    assert any("zj-bank-risk-compensation 预期 ineligible，实际 eligible" in p for p in report.problems)
