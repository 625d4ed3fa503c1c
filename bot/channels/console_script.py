"""What hotline staff read out, and keyword search over measures. Pure Python."""
from __future__ import annotations

from policies_db import FIELDS, CompiledCatalogue, Evaluation
from policies_db.engine import resolve_contacts, source_dict
from policies_db.gazetteer import load_gazetteer
from policies_db.schema import CATEGORIES

ORDINALS = "一二三四五六七八九十"


def _ordinal(i: int) -> str:
    return f"{ORDINALS[i]}是" if i < len(ORDINALS) else f"第{i + 1}项"


def answer_script(ev: Evaluation) -> str:
    """A ready-to-read answer in Chinese: eligible measures with departments, then what to confirm."""
    city = ev.profile.get("city")
    if not city:
        return "您好，请问贵公司注册在哪个城市？我们目前可以解答浙江省各设区市和武汉市的服务外包扶持政策。"
    if load_gazetteer().region_of(city) is None:
        return (f"您好，我们目前可以解答浙江省各设区市和武汉市的服务外包扶持政策，暂不包括{city}。"
                f"{city}的相关政策，建议您咨询当地商务主管部门。")
    parts = ["您好，根据您提供的情况，"]
    if ev.eligible:
        parts.append(f"贵公司可以重点关注以下{len(ev.eligible)}项政策：")
        for i, r in enumerate(ev.eligible):
            contacts = "、".join(c["name"] for c in r.contacts)
            parts.append(f"{_ordinal(i)}{r.measure.title}，{r.measure.benefit.rstrip('。')}，可联系{contacts}；")
        parts[-1] = parts[-1].rstrip("；") + "。"
    else:
        parts.append("目前还没有找到可以直接享受的政策。")
    if ev.undetermined:
        need = sorted({f for r in ev.undetermined for f in r.missing}, key=list(FIELDS).index)
        parts.append(f"另外还有{len(ev.undetermined)}项政策可能适用，需要再了解："
                     + "、".join(FIELDS[f].label for f in need) + "。")
    notes = {r.document.id: r.validity()["note"] for r in ev.eligible}
    if any(not r.in_force or not r.validity()["stated_end"] for r in ev.eligible):
        parts.append("需要提醒的是，" + "；".join(notes.values()))
    parts.append("具体申报条件和流程，以相关部门的通知为准。")
    return "".join(parts)


def search_measures(compiled: CompiledCatalogue, query: str) -> list[dict]:
    """Measures whose title, keywords, summary, benefit or source excerpt contain the query."""
    q = query.lower()
    found = []
    for m in compiled.measures:
        haystack = " ".join([m.title, m.summary, m.benefit, m.source.excerpt, *m.keywords, CATEGORIES[m.category]]).lower()
        if q in haystack:
            doc = compiled.documents[m.document_id]
            found.append({
                "id": m.id, "title": m.title, "category": CATEGORIES[m.category], "summary": m.summary,
                "document": doc.title, "contacts": resolve_contacts(m, doc, {}), "source": source_dict(m, doc),
                "conditions_to_confirm": list(m.conditions_to_confirm),
            })
    return found
