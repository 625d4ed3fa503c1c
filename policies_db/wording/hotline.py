"""What hotline staff read out, and keyword search over measures. Pure Python."""
from __future__ import annotations

from policies_db import wording
from policies_db.authoring.schema import CATEGORIES
from policies_db.evaluation import coverage
from policies_db.evaluation.citations import resolve_contacts, source_dict
from policies_db.evaluation.engine import CompiledCatalogue
from policies_db.evaluation.results import Evaluation


def answer_script(ev: Evaluation) -> str:
    """A ready-to-read answer in Chinese: eligible measures with departments, then what to confirm."""
    covered = coverage.covered_names(ev.compiled)
    if not ev.profile.get("city") and not ev.profile.get("province"):
        return f"您好，请问贵公司注册在哪个城市？我们目前可以解答{covered}的{coverage.TOPIC}。"
    if coverage.is_covered(ev.compiled, ev.profile) is False:
        where = coverage.firm_place(ev.profile)
        where = where.label if where else ev.profile.get("city")
        return (f"您好，我们目前可以解答{covered}的{coverage.TOPIC}，暂不包括{where}。"
                f"{where}的相关政策，建议您咨询{coverage.local_department(ev.profile)}。")
    # The summary (≤ ~400 characters, to read aloud), then one line per measure: policies_db.wording.
    return wording.spoken_script(ev)


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
