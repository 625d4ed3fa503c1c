"""Chinese text and channel payloads for results and answers. Pure functions, no Rasa import."""
from __future__ import annotations

from typing import Any, Iterable

from policies_db import FIELDS, Evaluation, MeasureResult
from policies_db.gazetteer import load_gazetteer
from policies_db.schema import CATEGORIES

MAX_UNDETERMINED_LISTED = 8


def coverage_text() -> str:
    zhejiang = "、".join(load_gazetteer().regions["zhejiang"].cities)
    return f"目前覆盖浙江省（{zhejiang}）和武汉市的服务外包扶持政策"


def outside_coverage_text(city: str) -> str:
    return (f"抱歉，{coverage_text()}，暂不包括{city}。"
            f"{city}的相关政策，建议咨询当地商务主管部门。如贵公司在上述地区另有主体，可以告诉我那里的城市。")


def profile_summary(profile: dict[str, Any]) -> str:
    return "，".join(FIELDS[name].describe(value) for name, value in profile.items() if name in FIELDS)


def missing_text(fields: Iterable[str]) -> str:
    return "、".join(FIELDS[f].label for f in fields)


def in_force_badge(result: MeasureResult) -> str:
    validity = result.validity()
    if not result.in_force:
        return "执行期已满，请向部门确认是否延续" if validity["valid_to"] else "尚未生效"
    return "执行期内" if validity["stated_end"] else "未定截止日期，请确认是否仍在执行"


def contacts_text(result: MeasureResult) -> str:
    return "、".join(c["name"] for c in result.contacts)


def source_text(result: MeasureResult) -> str:
    return f"《{result.document.title}》{result.measure.source.section}"


def _eligible_lines(results: list[MeasureResult]) -> list[str]:
    lines: list[str] = []
    by_category: dict[str, list[MeasureResult]] = {category: [] for category in CATEGORIES}
    for r in results:
        by_category[r.measure.category].append(r)
    n = 0
    for category, group in by_category.items():
        if not group:
            continue
        lines.append(f"◆ {CATEGORIES[category]}")
        for r in group:
            n += 1
            lines.append(f"{n}. {r.measure.title}（{in_force_badge(r)}）")
            lines.append(f"   可获得：{r.measure.benefit}")
            for extra in r.extra_benefits:
                if extra["applies"] == "eligible":
                    lines.append(f"   另可享受：{extra['text']}")
                elif extra["applies"] == "undetermined":
                    lines.append(f"   如{missing_text(extra['missing'])}，另可享受：{extra['text']}")
            lines.append(f"   联系部门：{contacts_text(r)}")
            lines.append(f"   出处：{source_text(r)}")
    return lines


def _validity_notes(results: list[MeasureResult]) -> list[str]:
    notes, seen = [], set()
    for r in results:
        if r.document.id not in seen:
            seen.add(r.document.id)
            notes.append(f"《{r.document.title}》：{r.validity()['note']}")
    return notes


def local_ineligible(ev: Evaluation) -> list[MeasureResult]:
    """Ineligible measures of the firm's own region (other regions' measures are not 'missed')."""
    return [r for r in ev.ineligible if not (r.what_if and r.what_if["region_only"])]


def results_text(ev: Evaluation) -> str:
    city = ev.profile.get("city")
    if city and load_gazetteer().region_of(city) is None:
        return outside_coverage_text(city)
    if not city:
        return "我还不知道贵公司所在的城市，暂时无法判断适用哪些政策。请告诉我贵公司注册在哪个城市。"
    lines = [f"根据您提供的信息（{profile_summary(ev.profile)}），结果如下："]
    if ev.eligible:
        lines += ["", f"【可以享受】共{len(ev.eligible)}项"] + _eligible_lines(ev.eligible)
    else:
        lines += ["", "根据目前的信息，暂未找到可以直接享受的政策。"]
    if ev.undetermined:
        lines += ["", f"【可能符合，还需确认】共{len(ev.undetermined)}项"]
        for r in ev.undetermined[:MAX_UNDETERMINED_LISTED]:
            lines.append(f"· {r.measure.title}：还需确认{missing_text(r.missing)}")
        if len(ev.undetermined) > MAX_UNDETERMINED_LISTED:
            lines.append(f"· 等{len(ev.undetermined)}项")
    rest = local_ineligible(ev)
    if rest:
        lines += ["", f"另有{len(rest)}项暂不符合。想了解原因，请回复“是”，或问“为什么不能享受＋政策名称”。"]
    shown = ev.eligible + ev.undetermined
    if shown:
        lines += ["", "说明：" + "；".join(_validity_notes(shown)), "具体申报条件和流程，请以联系部门的解释为准。"]
    return "\n".join(lines)


def results_payload(ev: Evaluation) -> dict[str, Any]:
    def entry(r: MeasureResult) -> dict[str, Any]:
        data = r.to_dict()
        data["in_force_note"] = in_force_badge(r)
        data["source_text"] = source_text(r)
        if r.status == "undetermined":
            data["missing_labels"] = [FIELDS[f].label for f in r.missing]
        return data

    return {
        "type": "eligibility_results",
        "as_of": ev.as_of.isoformat(),
        "profile": ev.profile,
        "counts": ev.counts(),
        "eligible": [entry(r) for r in ev.eligible],
        "undetermined": [entry(r) for r in ev.undetermined],
        "ineligible": [entry(r) for r in ev.ineligible],
    }


def ineligible_text(ev: Evaluation) -> str:
    rest = local_ineligible(ev)
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
        return f"根据目前的信息，贵公司符合{title}。可获得：{r.measure.benefit} 联系部门：{contacts_text(r)}。"
    if r.status == "undetermined":
        hint = f"{r.what_if['summary']}" if r.what_if else ""
        return f"{title}还需确认：{missing_text(r.missing)}。{hint}"
    if r.what_if and r.what_if["region_only"]:
        return f"{title}{r.what_if['summary'].replace('本措施', '')}"
    hint = r.what_if["summary"] if r.what_if else ""
    return f"贵公司暂不符合{title}：{'；'.join(r.reasons)}。{hint}"


def _criteria_texts(node) -> list[str]:
    if node.kind == "leaf" or node.kind == "not":
        return [node.text]
    if node.kind == "any":
        return ["以下任一：" + "，或".join("、".join(_criteria_texts(c)) for c in node.children)]
    return [text for child in node.children for text in _criteria_texts(child)]


def conditions_text(r: MeasureResult) -> str:
    m = r.measure
    lines = [f"「{m.title}」的适用条件：" + "；".join(_criteria_texts(m.criteria)) + "。"]
    if m.conditions_to_confirm:
        lines.append("需由部门确认：" + "；".join(m.conditions_to_confirm) + "。")
    lines.append(f"可获得：{m.benefit}")
    lines.append(f"出处：{source_text(r)}。原文：“{m.source.excerpt}”")
    return "\n".join(lines)


def contact_text(r: MeasureResult) -> str:
    text = f"「{r.measure.title}」请联系：{contacts_text(r)}。"
    if any(c.get("resolved_from") == "city" for c in r.contacts) and not r.profile.get("city"):
        text += "（“所在设区市商务局”指贵公司所在城市的商务局，告诉我城市后我可以具体到部门。）"
    return text + "文件未列出联系电话，请通过上述部门的官方渠道咨询。"
