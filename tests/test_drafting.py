"""Drafting measures from a policy text it has never seen (issue 22): structure, document facts, contacts,
actionability, conditions, and the proof against the hand-encoded seeds."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from policies_db.authoring.drafting import draft_text
from policies_db.authoring.drafting.classify import classify
from policies_db.authoring.drafting.cli import proof_rows
from policies_db.authoring.drafting.conditions import draft_criteria
from policies_db.authoring.drafting.contacts import parse_units
from policies_db.authoring.drafting.metadata import read_document
from policies_db.authoring.drafting.structure import Sentence, parse
from policies_db.authoring.loader import CATALOGUE_DIR

SOURCES = CATALOGUE_DIR.parent / "sources"

SAMPLE = """成都市人民政府办公厅文件

成办发〔2024〕7号

成都市人民政府办公厅关于促进服务外包发展的若干措施

各县（市、区）人民政府，市政府各部门：

为推动服务外包发展，结合我市实际，提出如下措施。

一、发展目标

到2026年，全市服务外包执行额达到100亿元。

二、重点任务

（一）壮大市场主体

1.支持企业认定。对新认定的技术先进型服务企业给予奖励。（责任单位：市商务局市财政局、市科技局）2.开拓国际市场。组织企业参加中国国际服务外包交易博览会，对参展费用给予补贴。（责任单位：市商务局）

3.强化人才支撑。鼓励高校与服务外包企业共建实训基地，
符合条件的给予补助。（责任单位：市教育局、市人社局

三、保障措施

加强组织领导，建立联席会议制度。

本措施自2024年3月1日起施行，有效期至2026年12月31日。
"""


def test_tasks_glued_on_one_line_are_cut_apart_and_refs_follow_the_numbering():
    sentences = parse(SAMPLE)
    refs = {s.ref for s in sentences if not s.heading}
    assert {"二（一）1", "二（一）2", "二（一）3"} <= refs
    glued = next(s for s in sentences if s.text.startswith("组织企业参加"))
    assert glued.ref == "二（一）2" and glued.units == ["市商务局"]


def test_a_sentence_broken_over_two_lines_is_one_sentence_with_its_unclosed_units():
    sentence = next(s for s in parse(SAMPLE) if s.text.startswith("鼓励高校"))
    assert sentence.text == "鼓励高校与服务外包企业共建实训基地，符合条件的给予补助"
    assert sentence.units == ["市教育局、市人社局"]


def test_numbered_headings_are_headings_not_sentences_to_encode():
    headings = [s.text for s in parse(SAMPLE) if s.heading]
    assert "1.支持企业认定" in headings and "（一）壮大市场主体" in headings and "一、发展目标" in headings


def test_document_facts_are_read_from_head_signature_and_validity_clause():
    doc = read_document(SAMPLE)
    assert doc["number"] == "成办发〔2024〕7号"
    assert doc["title"] == "成都市人民政府办公厅关于促进服务外包发展的若干措施"
    assert (doc["issuer"], doc["jurisdiction"]) == ("成都市人民政府办公厅", "成都市")
    assert doc["valid_from"] == "2024-03-01" and doc["valid_to"] == "2026-12-31"


def test_the_ocr_date_line_of_the_wuhan_text_is_read_and_marked_as_a_guess():
    doc = read_document((SOURCES / "wuhan-2021.txt").read_text(encoding="utf-8"))
    assert doc["issued_on"] == "2021-02-08" and doc["jurisdiction"] == "武汉市" and doc["valid_to"] is None
    assert any(g.startswith("issued_on") for g in doc["guesses"])
    assert any(g.startswith("title") for g in doc["guesses"])  # the text has no title line


def test_a_title_period_gives_the_validity_of_an_action_plan():
    doc = read_document((SOURCES / "zhejiang-2023-59.txt").read_text(encoding="utf-8"))
    assert (doc["number"], doc["issuer"], doc["jurisdiction"]) == ("浙商务发〔2023〕59号", "浙江省商务厅", "浙江省")
    assert (doc["valid_from"], doc["valid_to"]) == ("2023-01-01", "2025-12-31")


def test_units_lost_their_separator_are_cut_and_completed_with_the_documents_city():
    units = parse_units(["市商务局市市场监管局、市卫健委、武汉海关、各区政府"], "武汉市", "湖北省")
    assert [u.name for u in units] == ["武汉市商务局", "武汉市市场监督管理局", "武汉市卫生健康委员会", "武汉海关", "所在区人民政府"]
    assert [u.listed_as for u in units][:2] == ["市商务局", "市市场监管局"] and units[0].guess


def test_units_of_a_province_are_completed_with_the_province():
    assert [u.name for u in parse_units(["省商务厅、省财政厅"], None, "浙江省")] == ["浙江省商务厅", "浙江省财政厅"]


@pytest.mark.parametrize("text, actionable", [
    ("对新认定的技术先进型服务企业给予奖励", True),
    ("组织企业参加中国国际服务外包交易博览会", True),
    ("到2026年，全市服务外包企业达到500家", False),
    ("加强组织领导，建立联席会议制度", False),
    ("各部门要加强协作，确保各项任务落到实处", False),
    ("为推动企业培育，开展“领航”行动", False),
])
def test_what_a_firm_can_act_on(text, actionable):
    assert classify(Sentence(ref="二（一）1", text=text)).actionable is actionable


def test_a_heading_is_never_actionable():
    assert not classify(Sentence(ref="二（一）1", text="1.支持企业认定", heading=True)).actionable


def test_conditions_are_drafted_from_the_assistants_lexicon():
    criteria, confirm, facts = draft_criteria("符合条件的服务外包企业承接离岸服务外包业务可享受出口信贷优惠")
    assert criteria == {"all": [{"field": "service_types", "op": "nonempty", "text": "从事服务外包业务（ITO、BPO或KPO）"},
                                {"field": "offshore", "op": "eq", "value": True, "text": "已承接离岸业务"}]}
    assert any("符合条件" in c for c in confirm)
    assert {"phrase": "离岸服务外包", "field": "offshore", "value": None} in facts


def test_facts_of_one_enumeration_are_alternatives():
    criteria, _, _ = draft_criteria("鼓励银行、高校开展服务外包人才培训")
    alternatives = {leaf["field"] for leaf in criteria["all"][1]["any"]}
    assert {"financial_institution", "is_school"} <= alternatives


def test_a_measure_carries_its_contacts_kind_and_source():
    draft = draft_text(SAMPLE)
    sentence = next(s for s in draft["sentences"] if s["text"].startswith("对新认定的"))
    measure = sentence["measures"][0]
    assert sentence["actionable"] and measure["kind"] == "apply" and measure["guess"]
    assert [c["name"] for c in measure["contacts"]] == ["成都市商务局", "成都市财政局", "成都市科学技术局"]
    assert measure["source"]["excerpt"] == sentence["text"] and measure["source"]["article"].startswith("二（一）1")


def test_the_seed_drafts_meet_the_issue_thresholds_without_their_catalogue():
    """≥ 90 % of the sentences a firm can act on found, ≥ 70 % of the drafted ones being such sentences, every
    责任单位 of the Wuhan tasks named (issue 22, done when)."""
    rows = dict(proof_rows(CATALOGUE_DIR, []))
    for doc in ("wuhan-2021", "zhejiang-2023-59"):
        assert rows[doc]["recall"] >= 0.9, (doc, rows[doc]["missed"])
        assert rows[doc]["precision"] >= 0.7, (doc, rows[doc]["extra"])
    done, total = map(int, rows["wuhan-2021"]["contacts_complete"].split("/"))
    assert total >= 25 and done == total, rows["wuhan-2021"]["contacts_missing"]


def test_the_cli_drafts_with_an_empty_catalogue_and_reports_a_missing_file(tmp_path):
    empty = tmp_path / "catalogue"
    empty.mkdir()
    out = subprocess.run([sys.executable, "-m", "policies_db", "draft", "--source", str(SOURCES / "wuhan-2021.txt"),
                          "--catalogue", str(empty), "--json"], capture_output=True, text=True, check=True)
    draft = json.loads(out.stdout)
    assert set(draft["document"]) >= {"title", "issuer", "number", "valid_from", "valid_to", "jurisdiction"}
    measure = next(s for s in draft["sentences"] if s["actionable"])["measures"][0]
    assert set(measure) >= {"title", "kind", "benefit", "criteria", "contacts", "conditions_to_confirm", "source"}
    assert not any("encoded_as" in s for s in draft["sentences"])
    bad = subprocess.run([sys.executable, "-m", "policies_db", "draft", "--source", str(tmp_path / "none.txt")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "找不到原文文件" in bad.stderr


def test_with_the_real_catalogue_the_draft_marks_what_is_already_encoded():
    out = subprocess.run([sys.executable, "-m", "policies_db", "draft", "--source", str(SOURCES / "wuhan-2021.txt"),
                          "--catalogue", str(CATALOGUE_DIR), "--json"], capture_output=True, text=True, check=True)
    sentences = json.loads(out.stdout)["sentences"]
    assert any("wh-export-credit" in s.get("encoded_as", []) for s in sentences)


def test_a_gbk_text_is_read(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(SAMPLE.encode("gb18030"))
    out = subprocess.run([sys.executable, "-m", "policies_db", "draft", "--source", str(path)],
                         capture_output=True, text=True, check=True)
    assert "成办发〔2024〕7号" in out.stdout


def test_the_third_document_drafts_against_its_own_answer_key():
    """The sample written apart (policies_db/samples/hefei-2025) and its key: thresholds of the issue, after the
    first-contact fixes recorded in docs/drafting.md."""
    sample = CATALOGUE_DIR.parent / "samples" / "hefei-2025"
    rows = dict(proof_rows(CATALOGUE_DIR, [(sample / "sources" / "hefei-2025.txt", sample / "hefei-2025.expected.yml")]))
    figures = rows["hefei-2025"]
    assert figures["recall"] >= 0.9 and figures["precision"] >= 0.7, (figures["missed"], figures["extra"])
    done, total = map(int, figures["contacts_complete"].split("/"))
    assert done == total, figures["contacts_missing"]
    assert figures["document_facts"] == "6/6", figures["document_differs"]


@pytest.mark.parametrize("sample, city, bureau", [("hefei-2025", "合肥", "合肥市商务局"), ("xian-2026", "西安", "西安市商务局")])
def test_the_documents_written_apart_are_live_in_their_own_catalogue_folders(sample, city, bureau):
    """Onboarded through the workbench's backend (docs/drafting.md): each catalogue, coverage and cases pass the same
    check as the seeds', and a firm of that city with offshore clients gets the offshore award with its bureau."""
    from policies_db import CompiledCatalogue, evaluate, load_catalogue
    from policies_db.authoring.cases import check_catalogue

    folder = CATALOGUE_DIR.parent / "samples" / sample / "catalogue"
    report = check_catalogue(folder)
    assert report.ok, report.problems[:5]
    assert report.cases >= 2 * len(load_catalogue(folder).measures)
    compiled = CompiledCatalogue(load_catalogue(folder))
    result = evaluate({"city": city, "service_types": ["ITO"], "offshore": True}, catalogue=compiled)
    eligible = {r.id: r for r in result.eligible}
    offshore = next(r for r in eligible.values() if "离岸服务外包执行额" in r.measure.source.excerpt)
    assert bureau in [c["name"] for c in offshore.contacts]
    assert not evaluate({"city": "武汉", "service_types": ["ITO"], "offshore": True}, catalogue=compiled).eligible


ARTICLES = """第一章 总则
第一条 本政策所称服务外包，是指企业通过合同方式委托专业服务商完成的业务。
第二章 支持措施
第三条 出口信用保险支持。对企业投保短期出口信用保险的保费，按实际缴纳保费的50%给予补贴。（责任单位：市商务局市财政局）
第四条 国际市场开拓。
（一）企业参加境外展会的，按展位费的80%给予补贴。（二）企业在境外新设交付中心的，给予补助。
第五条 对年度离岸执行额首次突破1000万美元的企业给予奖励，所需资金由市级专项资金列支，由市商务局会同市人社局组织实施。
"""


def test_chapters_articles_and_their_items_are_numbered_as_the_text_numbers_them():
    """The fourth document's form (第X章/第X条 with （一） items glued on one line) — its first contact found nothing."""
    refs = {s.text[:9]: s.ref for s in parse(ARTICLES) if not s.heading}
    assert refs["对企业投保短期出口"] == "第三条" and refs["企业参加境外展会的"] == "第四条（一）"
    assert refs["企业在境外新设交付"] == "第四条（二）"
    draft = draft_text(ARTICLES)
    by_text = {s["text"][:9]: s for s in draft["sentences"]}
    assert not by_text["本政策所称服务外包"]["actionable"]  # 总则: a definition
    award = by_text["对年度离岸执行额首"]["measures"][0]
    assert [c["listed_as"] for c in award["contacts"]] == ["市商务局", "市人社局"]  # named inline in the article


def test_official_names_of_city_departments():
    units = parse_units(["市人社局、市税务局、市委人才办"], "西安市", "陕西省")
    assert [u.name for u in units] == ["西安市人力资源和社会保障局", "国家税务总局西安市税务局", "中共西安市委人才工作领导小组办公室"]


def test_the_fourth_document_drafts_against_its_own_answer_key():
    """Articles, inline departments, a joint 红头 (policies_db/samples/xian-2026): after its first-contact fixes."""
    sample = CATALOGUE_DIR.parent / "samples" / "xian-2026"
    rows = dict(proof_rows(CATALOGUE_DIR, [(sample / "sources" / "xian-2026.txt", sample / "xian-2026.expected.yml")]))
    figures = rows["xian-2026"]
    assert figures["recall"] >= 0.9 and figures["precision"] >= 0.7, (figures["missed"], figures["extra"])
    assert figures["document_facts"] == "6/6", figures["document_differs"]


def test_a_text_whose_numbering_is_unknown_says_so():
    draft = draft_text("某某市商务局文件\n\n甲．支持企业参加展会，给予补贴。\n乙．鼓励企业开拓市场。\n")
    assert draft["summary"]["warnings"] and "条目编号" in draft["summary"]["warnings"][0]
    assert not draft_text(SAMPLE)["summary"]["warnings"]
