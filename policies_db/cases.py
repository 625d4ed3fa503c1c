"""Check the catalogue the way a policy officer needs: valid YAML, verbatim excerpts, and
per-measure cases (catalogue/cases/*.yml: profile → expected status) that all pass,
with at least one eligible and one ineligible case for every measure.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .engine import CompiledCatalogue, evaluate_compiled
from .loader import CATALOGUE_DIR, CatalogueError, load_catalogue
from .profile import ProfileError

STATUSES = {"eligible", "undetermined", "ineligible"}


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
