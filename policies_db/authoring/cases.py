"""Check the catalogue the way a policy officer needs: valid YAML, verbatim excerpts,
per-measure cases (catalogue/cases/*.yml: profile → expected status) that all pass,
with at least one eligible and one ineligible case for every measure, and a coverage file
per document (sources/<doc>.coverage.yml) that accounts for every sentence naming a firm.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from policies_db.authoring.loader import CATALOGUE_DIR, CatalogueError, load_catalogue
from policies_db.evaluation.engine import CompiledCatalogue, evaluate_compiled
from policies_db.profile import ProfileError

STATUSES = {"eligible", "undetermined", "ineligible"}
# A sentence naming one of these is about someone who may act on it: it must be encoded or explained.
ACTORS = re.compile("企业|机构|人才|高校|园区|银行|学校")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class CheckReport:
    cases: int = 0
    expectations: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_excerpts(catalogue, directory: Path) -> list[str]:
    """Every source excerpt must occur verbatim (whitespace aside) in its document's text."""
    problems, texts = [], {}
    for doc in catalogue.documents.values():
        path = directory.parent / doc.source_text if doc.source_text else None
        if not path or not path.is_file():
            problems.append(f"document {doc.id}: source_text 文件不存在：{doc.source_text}")
            continue
        texts[doc.id] = _squash(path.read_text(encoding="utf-8"))
    for m in catalogue.measures:
        text = texts.get(m.document_id)
        if text is None:
            continue
        for key in ("excerpt", "also"):
            excerpt = getattr(m.source, key)
            if excerpt and _squash(excerpt) not in text:
                problems.append(f"measure {m.id}: source.{key} 与原文不一致：{excerpt[:40]}…")
    return problems


def sentences(text: str) -> list[str]:
    """The text cut at 。！？, line ends and table cells (the annexes are tab-separated), whitespace removed.

    OCR line breaks inside a sentence leave two pieces; a coverage entry for the whole sentence covers both."""
    out = []
    for line in text.splitlines():
        for cell in line.split("\t"):
            out += [p for p in (_squash(part) for part in re.split("[。！？]", cell)) if p]
    return out


def coverage_path(directory: Path, source_text: str) -> Path:
    """sources/zhejiang-2023-59.txt → sources/zhejiang-2023-59.coverage.yml"""
    path = directory.parent / source_text
    return path.with_name(path.stem + ".coverage.yml")


def check_coverage(catalogue, directory: Path) -> list[str]:
    """Every sentence naming an actor (ACTORS) is encoded by existing measures of its document or listed
    as not encoded with a reason; every entry is in the text; every measure is cited by some entry."""
    problems = []
    for doc in catalogue.documents.values():
        if not doc.source_text or not (directory.parent / doc.source_text).is_file():
            continue  # reported by check_excerpts
        text = (directory.parent / doc.source_text).read_text(encoding="utf-8")
        path = coverage_path(directory, doc.source_text)
        where = f"{path.name}"
        if not path.is_file():
            problems.append(f"document {doc.id}: 缺少覆盖清单 {path.name}（每句原文 → 措施编号，或未编码及原因）")
            continue
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if raw.get("document") != doc.id:
            problems.append(f"{where}: document 应为 {doc.id}，收到 {raw.get('document')!r}")
        own = {m.id for m in catalogue.measures if m.document_id == doc.id}
        squashed, entries, cited = _squash(text), [], set()
        for key in ("encoded", "not_encoded"):
            for i, item in enumerate(raw.get(key) or []):
                sentence = _squash(str((item or {}).get("sentence", "")))
                if not sentence or sentence not in squashed:
                    problems.append(f"{where}: {key}[{i}] 不是原文中的句子：{sentence[:30]}…")
                    continue
                entries.append(sentence)
                if key == "encoded":
                    ids = item.get("measures") or []
                    if not ids:
                        problems.append(f"{where}: encoded[{i}] 缺少 measures")
                    for mid in ids:
                        if mid not in own:
                            problems.append(f"{where}: encoded[{i}] 措施编号 {mid} 不存在于本文件")
                    cited.update(ids)
                elif not _squash(str(item.get("reason", ""))):
                    problems.append(f"{where}: not_encoded[{i}] 缺少未编码的原因（reason）")
        for sentence in dict.fromkeys(sentences(text)):
            if ACTORS.search(sentence) and not any(sentence in entry for entry in entries):
                problems.append(f"{where}: 原文句子既未编码也未说明：{sentence[:40]}…")
        for mid in sorted(own - cited):
            problems.append(f"{where}: 措施 {mid} 未对应任何原文句子")
    return problems


def load_cases(directory: Path) -> list[tuple[str, dict]]:
    cases = []
    for path in sorted((directory / "cases").glob("*.yml")):
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for i, case in enumerate(items):
            cases.append((f"{path.name}[{i}] {case.get('name', '')}", case))
    return cases


def check_catalogue(directory: Path = CATALOGUE_DIR) -> CheckReport:
    report = CheckReport()
    try:
        catalogue = load_catalogue(directory)
    except CatalogueError as exc:
        report.problems += exc.problems
        return report
    report.problems += check_excerpts(catalogue, directory)
    report.problems += check_coverage(catalogue, directory)
    compiled = CompiledCatalogue(catalogue)
    seen = {m.id: set() for m in catalogue.measures}
    for where, case in load_cases(directory):
        report.cases += 1
        expect = case.get("expect") or {}
        if not isinstance(case.get("profile"), dict) or not expect:
            report.problems.append(f"{where}: 须包含 profile 和 expect")
            continue
        try:
            as_of = case.get("as_of") or dt.date(2024, 6, 30)
            evaluation = evaluate_compiled(compiled, case["profile"], as_of)
        except ProfileError as exc:
            report.problems.append(f"{where}: {exc}")
            continue
        for measure_id, wanted in expect.items():
            report.expectations += 1
            if measure_id not in compiled.index:
                report.problems.append(f"{where}: 未知措施 {measure_id}")
                continue
            if wanted not in STATUSES:
                report.problems.append(f"{where}: {measure_id} 的预期 {wanted!r} 应为 {'/'.join(sorted(STATUSES))}")
                continue
            seen[measure_id].add(wanted)
            got = evaluation.status_of(measure_id)
            if got != wanted:
                detail = evaluation.result(measure_id)
                why = detail.reasons or detail.missing
                report.problems.append(f"{where}: {measure_id} 预期 {wanted}，实际 {got}（{why}）")
        if "next_question" in case and evaluation.next_question() != case["next_question"]:
            report.problems.append(f"{where}: next_question 预期 {case['next_question']}，实际 {evaluation.next_question()}")
    for measure_id, statuses in seen.items():
        for needed in ("eligible", "ineligible"):
            if needed not in statuses:
                report.problems.append(f"measure {measure_id}: 缺少预期为 {needed} 的案例")
    return report
