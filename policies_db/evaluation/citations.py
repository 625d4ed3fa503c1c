"""What a result cites from its document: whom to contact, the source excerpt, and whether it is in force."""
from __future__ import annotations

import datetime as dt

from policies_db.authoring.schema import CITY_COMMERCE_BUREAU, Document, Measure
from policies_db.evaluation.coverage import city_bureau


def resolve_contacts(measure: Measure, document: Document, profile: dict) -> list[dict]:
    bureau = city_bureau(profile, document.jurisdiction)
    out = []
    for c in measure.contacts:
        if c.resolve == CITY_COMMERCE_BUREAU:
            out.append({"name": bureau or c.name, "resolved_from": "city"})
        else:
            entry = {"name": c.name}
            if c.listed_as:
                entry["listed_as"] = c.listed_as
            if c.current_name:  # reorganised since the text: show the text's name and today's
                entry["current_name"], entry["note"] = c.current_name, c.note
            out.append(entry)
    return out


def source_dict(measure: Measure, document: Document) -> dict:
    data = {
        "document": document.title,
        "issuer": document.issuer,
        "number": document.number,
        "section": measure.source.section,
        "excerpt": measure.source.excerpt,
    }
    if measure.source.task is not None:
        data["task"] = measure.source.task
    if measure.source.also:
        data["also"] = measure.source.also
    return data


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def validity_of(document: Document, as_of: dt.date) -> dict:
    if document.valid_from and as_of < document.valid_from:
        note = f"该文件自{_cn_date(document.valid_from)}起执行，截至{_cn_date(as_of)}尚未生效。"
    elif document.valid_to and as_of > document.valid_to:
        note = (f"该文件执行期至{_cn_date(document.valid_to)}，截至{_cn_date(as_of)}已到期；"
                "相关措施是否延续执行，请向联系部门确认。")
    elif document.valid_to:
        note = f"在执行期内（{_cn_date(document.valid_from)}至{_cn_date(document.valid_to)}）。"
    else:
        note = f"{document.validity_note or '原文未规定截止日期'}；是否仍在执行，请向联系部门确认。"
    return {
        "valid_from": document.valid_from.isoformat() if document.valid_from else None,
        "valid_to": document.valid_to.isoformat() if document.valid_to else None,
        "stated_end": document.valid_to is not None,
        "note": note,
    }
