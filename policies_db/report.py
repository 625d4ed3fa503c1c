"""Readable Chinese text for the CLI: one evaluation, or one measure."""
from __future__ import annotations

from .engine import Evaluation, MeasureResult, resolve_contacts, source_dict, validity_of
from .profile import FIELDS
from .schema import CATEGORIES, Document, Measure


def _contacts(entries: list[dict]) -> str:
    return "、".join(e["name"] for e in entries)


def _source_line(measure: Measure, document: Document) -> str:
    return f"《{document.title}》{measure.source.section}"


def _eligible_block(r: MeasureResult) -> list[str]:
    lines = [f"  ✓ {r.measure.title}  [{r.id}]",
             f"    可获得：{r.measure.benefit}"]
    for extra in r.extra_benefits:
        mark = {"eligible": "另可享受", "undetermined": "如" + "、".join(FIELDS[f].label for f in extra.get("missing", [])) + "符合，另可享受", "ineligible": None}[extra["applies"]]
        if mark:
            lines.append(f"    {mark}：{extra['text']}")
    lines.append(f"    联系部门：{_contacts(r.contacts)}")
    lines.append(f"    出处：{_source_line(r.measure, r.document)}")
    lines.append(f"    时效：{r.validity()['note']}")
    if r.measure.conditions_to_confirm:
        lines.append(f"    需向部门确认：{'；'.join(r.measure.conditions_to_confirm)}")
    return lines


def evaluation_text(ev: Evaluation) -> str:
    counts = ev.counts()
    out = [f"评估日期：{ev.as_of.isoformat()}",
           f"可享受 {counts['eligible']} 项，待确认 {counts['undetermined']} 项，不符合 {counts['ineligible']} 项。", ""]
    if ev.eligible:
        out.append("【可以享受的措施】")
        by_category: dict[str, list[MeasureResult]] = {}
        for r in ev.eligible:
            by_category.setdefault(r.measure.category, []).append(r)
        for category, results in by_category.items():
            out.append(f" ◆ {CATEGORIES[category]}")
            for r in results:
                out += _eligible_block(r)
        out.append("")
    if ev.undetermined:
        out.append("【可能符合，还需确认】")
        for r in ev.undetermined:
            need = "、".join(FIELDS[f].label for f in r.missing)
            out.append(f"  ? {r.measure.title}  [{r.id}]  还需了解：{need}")
        out.append("")
    if ev.ineligible:
        # Measures of another region are counted per document, not listed one by one.
        elsewhere: dict[str, int] = {}
        out.append("【暂不符合】")
        for r in ev.ineligible:
            if r.what_if and r.what_if["region_only"]:
                elsewhere[r.document.title] = elsewhere.get(r.document.title, 0) + 1
            else:
                out.append(f"  ✗ {r.measure.title}  [{r.id}]：{'；'.join(r.reasons)}")
        for title, n in elsewhere.items():
            out.append(f"  另有《{title}》的 {n} 项措施，不适用于贵公司所在地区。")
        out.append("")
    question = ev.next_question()
    if question:
        out.append(f"下一步最值得确认的信息：{FIELDS[question].label}（{question}）")
    return "\n".join(out).rstrip() + "\n"


def measure_text(measure: Measure, document: Document, as_of) -> str:
    src = source_dict(measure, document)
    number = document.number or (document.number_note or "")
    lines = [
        f"{measure.title}  [{measure.id}]",
        f"类别：{CATEGORIES[measure.category]}",
        f"概要：{measure.summary}",
        f"可获得：{measure.benefit}",
        "适用条件：" + "；".join(_criteria_lines(measure)),
        f"联系部门：{_contacts(resolve_contacts(measure, document, {}))}",
        f"出处：《{document.title}》（{document.issuer}，{number}）{measure.source.section}",
        f"原文：{src['excerpt']}",
    ]
    if measure.source.also:
        lines.append(f"原文（另见）：{measure.source.also}")
    for extra in measure.extra_benefits:
        lines.append(f"附加：{extra.text}（条件：{'；'.join(leaf.text for leaf in extra.when.leaves())}）")
    if measure.conditions_to_confirm:
        lines.append("需向部门确认：" + "；".join(measure.conditions_to_confirm))
    lines.append(f"时效：{validity_of(document, as_of)['note']}")
    return "\n".join(lines) + "\n"


def _criteria_lines(measure: Measure) -> list[str]:
    def render(node) -> str:
        if node.kind == "leaf":
            return node.text
        if node.kind == "not":
            return node.text
        joiner = "，且" if node.kind == "all" else "，或"
        inner = joiner.join(render(c) for c in node.children)
        return inner if node.kind == "all" else f"（{inner}）"

    return [render(c) for c in measure.criteria.children]
