"""Chat text and the results payload, composed from policies_db.wording. Pure functions, no Rasa import.

The widget renders the payload as cards and ignores the text; REST clients and the console read the
compact text; WeCom packs payload["text_blocks"] (wording.pack_blocks) under its size limit."""
from __future__ import annotations

from typing import Any, Optional

from policies_db import FIELDS, Evaluation, MeasureResult
from policies_db import wording as w
from policies_db.evaluation import coverage

# Kept for callers that import them from here.
profile_summary, missing_text, source_text, local_ineligible = (
    w.profile_summary, w.missing_text, w.source_text, w.local_ineligible)


def coverage_text(compiled) -> str:
    """目前覆盖浙江省（杭州、…）和武汉市的服务外包扶持政策 — from the documents' jurisdictions."""
    return coverage.coverage_sentence(compiled)


def outside_coverage_text(compiled, profile: dict) -> str:
    """The firm is outside every covered region: say so, name them, point to its own department."""
    return coverage.outside_text(compiled, profile)


def results_text(ev: Evaluation, change: Optional[dict] = None) -> str:
    if coverage.is_covered(ev.compiled, ev.profile) is False:
        return outside_coverage_text(ev.compiled, ev.profile)
    if not ev.profile.get("city") and not ev.profile.get("province"):
        return "我还不知道贵公司所在的城市，暂时无法判断适用哪些政策。请告诉我贵公司注册在哪个城市。"
    text = w.compact_text(ev)
    return f"{w.diff_text(change)}\n\n{text}" if change else text


def _entry(r: MeasureResult) -> dict[str, Any]:
    data = r.to_dict()
    lead, partners = w.contact_parts(r)
    data.update({
        "kind": w.kind_of(r.measure),
        "kind_label": w.KINDS[w.kind_of(r.measure)],
        "availability": w.availability(r),
        "status_text": w.status_text(r),
        "tone": w.status_tone(r),
        "in_force_note": w.status_text(r),
        "source_text": w.source_text(r),
        "contacts_text": w.contacts_text(r),
        "lead_contact": lead,
        "partner_contacts": partners,
        "next_step": w.next_step(r),
        "conditions": w.criteria_texts(r.measure.criteria),
        "extra_lines": w.extra_benefit_lines(r),
    })
    if r.status == "undetermined":
        data["missing_labels"] = [FIELDS[f].label for f in r.missing]
    return data


def results_payload(ev: Evaluation, change: Optional[dict] = None, report: Optional[dict] = None) -> dict[str, Any]:
    eligible = [_entry(r) for r in ev.eligible]
    payload = {
        "type": "eligibility_results",
        "as_of": ev.as_of.isoformat(),
        "profile": ev.profile,
        "counts": ev.counts(),
        "kind_counts": w.kind_counts(ev),
        "kinds": [{"kind": k, "label": label} for k, label in w.KINDS.items()],
        "summary": w.summary_lines(ev),
        "next_steps": w.next_steps(ev),
        "recap": w.recap(ev.profile),
        "eligible": eligible,
        "undetermined": [_entry(r) for r in ev.undetermined],
        "ineligible": [_entry(r) for r in ev.ineligible],
        "elsewhere": w.elsewhere_counts(ev),
        "validity_notes": w.validity_notes(ev.eligible + ev.undetermined),
        "disclaimer": w.DISCLAIMER,
        "text_blocks": w.text_blocks(ev),
    }
    if change:
        payload["changes"] = change
    if report:
        payload["report"] = report
    return payload


def _last_results(events: list[dict]) -> Optional[dict]:
    """The payload of the last results message since the conversation (re)started, or None."""
    shown = None
    for event in events:
        if event.get("event") == "restart":
            shown = None
            continue
        custom = (event.get("data") or {}).get("custom") if event.get("event") == "bot" else None
        if isinstance(custom, dict) and custom.get("type") == "eligibility_results":
            shown = custom
    return shown


def previous_results(events: list[dict]) -> Optional[dict]:
    """What the last results message showed (eligible ids and the profile), from the tracker's events;
    None if there was none since the conversation (re)started."""
    custom = _last_results(events)
    if custom is None:
        return None
    return {"eligible": [e["id"] for e in custom.get("eligible", [])], "profile": custom.get("profile") or {}}


def last_change(events: list[dict]) -> Optional[dict]:
    """The change the last results message reported (they were sent again after a correction), or None."""
    return (_last_results(events) or {}).get("changes")


def ineligible_text(ev: Evaluation) -> str:
    rest = w.local_ineligible(ev)
    if not rest:
        return "根据目前的信息，本地区没有明确不符合的政策。"
    lines = ["以下政策暂不符合："]
    for i, r in enumerate(rest, 1):
        lines.append(f"{i}. {r.measure.title}：{'；'.join(r.reasons)}")
        if r.what_if and not r.what_if["region_only"]:
            lines.append(f"   {r.what_if['summary']}")
    return "\n".join(lines)


# ---- answers about one measure -----------------------------------------------------------

def why_text(r: MeasureResult) -> str:
    title = f"「{r.measure.title}」"
    if r.status == "eligible":
        return (f"根据目前的信息，贵公司{w.status_text(r)}：{title}。可获得：{r.measure.benefit} "
                f"联系：{w.contacts_text(r)}。")
    if r.status == "undetermined":
        hint = f"{r.what_if['summary']}" if r.what_if else ""
        return f"{title}还需确认：{w.missing_text(r.missing)}。{hint}"
    if r.what_if and r.what_if["region_only"]:
        return f"{title}{r.what_if['summary'].replace('本措施', '')}"
    hint = r.what_if["summary"] if r.what_if else ""
    return f"贵公司暂不符合{title}：{'；'.join(r.reasons)}。{hint}"


def conditions_text(r: MeasureResult) -> str:
    m = r.measure
    lines = [f"「{m.title}」的适用条件：" + "；".join(w.criteria_texts(m.criteria)) + "。"]
    if m.conditions_to_confirm:
        lines.append("需由部门确认：" + "；".join(m.conditions_to_confirm) + "。")
    lines.append(f"可获得：{m.benefit}")
    lines.append(f"下一步：{w.next_step(r)}")
    lines.append(f"出处：{w.source_text(r)}。原文：“{m.source.excerpt}”")
    return "\n".join(lines)


def contact_text(r: MeasureResult) -> str:
    text = w.contact_sentence(r)
    if any(c.get("resolved_from") == "city" for c in r.contacts) and not r.profile.get("city"):
        text += "（“所在设区市商务局”指贵公司所在城市的商务局，告诉我城市后我可以具体到部门。）"
    return text + "文件未列出联系电话，请通过上述部门的官方渠道咨询。"
