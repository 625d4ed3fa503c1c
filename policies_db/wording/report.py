"""Readable Chinese text for the CLI (python -m policies_db match / show), composed from wording.py."""
from __future__ import annotations

from policies_db import wording as w
from policies_db.authoring.schema import CATEGORIES, Document, Measure
from policies_db.evaluation.citations import resolve_contacts, source_dict, validity_of
from policies_db.profile import FIELDS


def _eligible_block(r) -> list[str]:
    lines = [f"  ✓ {r.measure.title}  [{r.id}]（{w.status_text(r)}）",
             f"    可获得：{r.measure.benefit}"]
    lines += [f"    {x}" for x in w.extra_benefit_lines(r)]
    lines.append(f"    下一步：{w.next_step(r)}")
    lines.append(f"    联系：{w.contacts_text(r)}")
    lines.append(f"    出处：{w.source_text(r)}")
    if r.measure.conditions_to_confirm:
        lines.append(f"    需向部门确认：{'；'.join(r.measure.conditions_to_confirm)}")
    return lines


def evaluation_text(ev) -> str:
    counts = ev.counts()
    out = [f"评估日期：{ev.as_of.isoformat()}",
           f"符合条件 {counts['eligible']} 项，待确认 {counts['undetermined']} 项，不符合 {counts['ineligible']} 项。",
           *w.summary_lines(ev), ""]
    for kind, results in w.by_kind(ev.eligible):
        out.append(f"【{w.KINDS[kind]}】")
        for r in results:
            out += _eligible_block(r)
        out.append("")
    if ev.undetermined:
        out.append("【可能符合，还需确认】")
        for r in ev.undetermined:
            out.append(f"  ? {r.measure.title}  [{r.id}]  还需了解：{w.missing_text(r.missing)}")
        out.append("")
    if ev.ineligible:
        out.append("【暂不符合】")
        for r in w.local_ineligible(ev):
            out.append(f"  ✗ {r.measure.title}  [{r.id}]：{'；'.join(r.reasons)}")
        for title, n in w.elsewhere_counts(ev).items():
            out.append(f"  另有《{title}》的 {n} 项措施，不适用于贵公司所在地区。")
        out.append("")
    notes = w.validity_notes(ev.eligible + ev.undetermined)
    if notes:
        out += ["时效：" + "；".join(notes), ""]
    question = ev.next_question()
    if question:
        out.append(f"下一步最值得确认的信息：{FIELDS[question].label}（{question}）")
    return "\n".join(out).rstrip() + "\n"


def measure_text(measure: Measure, document: Document, as_of) -> str:
    src = source_dict(measure, document)
    contacts = "、".join(w.contact_name(c) for c in resolve_contacts(measure, document, {}))
    lines = [
        f"{measure.title}  [{measure.id}]",
        f"类别：{CATEGORIES[measure.category]}（{w.KINDS[w.kind_of(measure)]}）",
        f"概要：{measure.summary}",
        f"可获得：{measure.benefit}",
        "适用条件：" + "；".join(w.criteria_texts(measure.criteria)),
        f"联系部门：{contacts}",
        f"出处：{w.source_full(measure, document)}",
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
