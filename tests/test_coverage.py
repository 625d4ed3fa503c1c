"""Every sentence of both texts is encoded or listed as not encoded with a reason (issue 11).

The coverage files sit beside the source texts (policies_db/sources/<doc>.coverage.yml); the check
itself is policies_db.authoring.cases.check_coverage, also run by `python -m policies_db check`.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from policies_db.authoring.cases import ACTORS, check_coverage, coverage_path, sentences
from policies_db.authoring.loader import CATALOGUE_DIR, load_catalogue

SOURCES = CATALOGUE_DIR.parent / "sources"


@pytest.fixture()
def workdir(tmp_path) -> Path:
    shutil.copytree(CATALOGUE_DIR, tmp_path / "catalogue")
    shutil.copytree(SOURCES, tmp_path / "sources")
    return tmp_path / "catalogue"


def test_real_coverage_is_complete(catalogue):
    assert check_coverage(catalogue, CATALOGUE_DIR) == []


@pytest.mark.parametrize("doc_id", ["zhejiang-2023-59", "wuhan-2021"])
def test_each_document_has_its_coverage_file_beside_the_text(catalogue, doc_id):
    doc = catalogue.documents[doc_id]
    path = coverage_path(CATALOGUE_DIR, doc.source_text)
    assert path.parent == SOURCES and path.is_file()
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert raw["document"] == doc_id
    assert raw["encoded"] and raw["not_encoded"]


def test_sentences_cut_at_full_stops_lines_and_table_cells():
    text = "一是培育企业。鼓励企业出海！\n“青鸾”行动\t培育龙头企业\t对标头部企业，予以支持。\n\n"
    assert sentences(text) == ["一是培育企业", "鼓励企业出海", "“青鸾”行动", "培育龙头企业", "对标头部企业，予以支持"]


def test_the_texts_really_have_sentences_that_need_coverage():
    # Guards the splitter: if it broke, "nothing to cover" would pass silently.
    for name in ("zhejiang-2023-59.txt", "wuhan-2021.txt"):
        actors = [s for s in sentences((SOURCES / name).read_text(encoding="utf-8")) if ACTORS.search(s)]
        assert len(actors) >= 25, name


def _drop_entry(workdir: Path, doc: str, starts: str):
    path = workdir.parent / "sources" / f"{doc}.coverage.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("encoded", "not_encoded"):
        raw[key] = [e for e in raw[key] if not e["sentence"].startswith(starts)]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


def test_a_sentence_in_neither_list_fails(workdir):
    _drop_entry(workdir, "wuhan-2021", "进一步规范企业备案制度")
    problems = check_coverage(load_catalogue(workdir), workdir)
    assert any("既未编码也未说明" in p and "进一步规范企业备案制度" in p for p in problems)


def test_an_encoded_sentence_removed_fails_too(workdir):
    _drop_entry(workdir, "zhejiang-2023-59", "会同科技等部门定期评选")
    problems = check_coverage(load_catalogue(workdir), workdir)
    assert any("会同科技等部门定期评选技术先进型服务企业" in p for p in problems)
    # …and the measure it encoded is now cited by nothing.
    assert any("zj-tech-advanced-certification 未对应任何原文句子" in p for p in problems)


def test_an_unknown_measure_id_fails(workdir):
    path = workdir.parent / "sources" / "zhejiang-2023-59.coverage.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("[zj-global-talent]", "[zj-global-talents]"), encoding="utf-8")
    problems = check_coverage(load_catalogue(workdir), workdir)
    assert any("zj-global-talents 不存在" in p for p in problems)


def test_an_entry_that_is_not_in_the_text_fails(workdir):
    path = workdir.parent / "sources" / "wuhan-2021.coverage.yml"
    invented = "reason: 标题\n  - sentence: 对所有企业发放补贴\n    reason: 杜撰"
    path.write_text(path.read_text(encoding="utf-8").replace("reason: 标题", invented, 1), encoding="utf-8")
    problems = check_coverage(load_catalogue(workdir), workdir)
    assert any("不是原文中的句子：对所有企业发放补贴" in p for p in problems)


def test_not_encoded_needs_a_reason(workdir):
    path = workdir.parent / "sources" / "wuhan-2021.coverage.yml"
    text = path.read_text(encoding="utf-8")
    # drop the reason of the 企业备案 entry, whatever its wording
    entry = "  - sentence: 进一步规范企业备案制度,严格落实国家、市、区三级审核制度\n"
    start = text.index(entry) + len(entry)
    end = text.index("\n", start) + 1
    assert text[start:end].startswith("    reason:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert any("缺少未编码的原因" in p for p in check_coverage(load_catalogue(workdir), workdir))


def test_a_document_without_coverage_file_fails(workdir):
    (workdir.parent / "sources" / "wuhan-2021.coverage.yml").unlink()
    assert any("缺少覆盖清单 wuhan-2021.coverage.yml" in p for p in check_coverage(load_catalogue(workdir), workdir))
