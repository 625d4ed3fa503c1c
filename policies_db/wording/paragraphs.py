"""A plan's named action answered as its paragraph: the heading and purpose sentence the text gives it, then its
measures for this firm (「青鸾行动是什么」). The text is read from the document's own source file, parsed by the
drafter's numbering reader, so any document with named actions gets the same answer."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

from policies_db.authoring.drafting.structure import parse
from policies_db.authoring.loader import CATALOGUE_DIR

SECTION_REF = re.compile(r"^([一二三四五六七八九十]+（[一二三四五六七八九十]+）)")
QUOTED = re.compile(r"“([^”]{1,12})”")
SHOWN = 3  # measures listed in full; the rest are named


@lru_cache(maxsize=8)
def _sentences(path: str) -> tuple:
    try:
        return tuple(parse(Path(path).read_text(encoding="utf-8")))
    except OSError:
        return ()


def paragraph(document, section_ref: str) -> Optional[tuple[str, str]]:
    """(heading, purpose sentence) of the paragraph `section_ref` (二（一）) of the document, or None when its text
    is not at hand."""
    if not document.source_text:
        return None
    sentences = [s for s in _sentences(str(CATALOGUE_DIR.parent / document.source_text)) if s.section_ref == section_ref]
    heading = next((s.text for s in sentences if s.heading and s.ref == section_ref), "")
    purpose = next((s.text for s in sentences if not s.heading and s.ref == section_ref), "")
    return (heading, purpose) if heading else None


def action_text(compiled, evaluation, action: str, measures: list) -> str:
    """The answer to a question about the plan's action `action` (as the catalogue names it), `measures` its own."""
    first = measures[0]
    document = compiled.documents[first.document_id]
    # a measure may sit in two actions' paragraphs (二（一）“青鸾”行动 一是；二（三）“文鳐”行动 三是)
    part = next((p for p in (first.source.section or "").split("；") if f"“{action}”" in p), "")
    found = SECTION_REF.match(part)
    lines = []
    where = f"《{document.title}》{found.group(1) if found else ''}"
    para = paragraph(document, found.group(1)) if found else None
    if para:
        heading, purpose = para
        spelled = [q for q in QUOTED.findall(heading) if q != action]
        note = f"（原文此处写作“{spelled[0]}”）" if spelled else ""
        lines.append(f"“{action}”行动出自{where}：{heading.lstrip('（一二三四五六七八九十）')}{note}。")
        if purpose:
            lines.append(f"原文：{purpose}。")
    else:
        lines.append(f"“{action}”行动出自{where}。")
    order = {"eligible": 0, "undetermined": 1, "ineligible": 2}
    ranked = sorted(measures, key=lambda m: order[evaluation.result(m.id).status])
    status = {"eligible": "贵公司符合", "undetermined": "还需确认", "ineligible": "暂不符合"}
    lines.append(f"其中面向企业的举措共{len(measures)}项：")
    for i, m in enumerate(ranked[:SHOWN], 1):
        lines.append(f"{i}. {m.title}（{status[evaluation.result(m.id).status]}）：{m.summary}")
    rest = ranked[SHOWN:]
    if rest:
        lines.append("另有：" + "、".join(m.title for m in rest) + "。")
    lines.append(f"想了解某一项的条件或联系部门，直接问我，比如“{ranked[0].title}找哪个部门”。")
    return "\n".join(lines)
