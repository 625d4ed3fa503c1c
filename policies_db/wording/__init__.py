"""The one place where an evaluation becomes Chinese phrases.

Every channel composes from these functions: the chat (actions/render.py), the CLI
(policies_db/wording/report.py), the hotline script (policies_db/wording/hotline.py), the report page
and PDF (bot/report/), WeCom (text_blocks + pack_blocks). Pure: no Rasa, no I/O.

Rules the phrases keep (issue 13): say only what the source text says — no phone numbers,
amounts or deadlines it does not give; the responsible body first, the others as 协同单位,
never more than three bodies named before 等; an eligible measure of an expired document never
reads 可以享受 on its own.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

from policies_db.authoring.schema import CATEGORIES
from policies_db.evaluation.availability import EXPIRED, NOT_YET, OPEN_ENDED, STATES, availability_of
from policies_db.profile import FIELD_ORDER, FIELDS

# ---- kinds: what the firm does with a measure ------------------------------------------------

KINDS = {  # the labels of schema.KINDS, in display order; whether the firm qualifies is said per measure
    "apply": "申请类政策",
    "service": "服务类措施",
    "direction": "鼓励方向",
}
MAX_NAMED = 3  # bodies named before 等
NOT_STATED = "原文未规定，以部门通知为准"
DISCLAIMER = ("本结果依据政策原文和您提供的信息自动生成，仅供参考；是否符合条件、申报时间和材料，"
              "以责任部门的解释和通知为准。")


def kind_of(measure) -> str:
    return measure.kind  # the loader requires one of schema.KINDS


def by_kind(results: Iterable) -> list[tuple[str, list]]:
    """[(kind, results)] in KINDS order, catalogue order inside a kind; empty kinds left out."""
    groups: dict[str, list] = {k: [] for k in KINDS}
    for r in results:
        groups[kind_of(r.measure)].append(r)
    return [(k, rs) for k, rs in groups.items() if rs]


def _category_rank(r) -> int:
    return list(CATEGORIES).index(r.measure.category) if r.measure.category in CATEGORIES else len(CATEGORIES)


# ---- dates and validity ------------------------------------------------------------------------

def cn_date(d: dt.date | str) -> str:
    d = dt.date.fromisoformat(d) if isinstance(d, str) else d
    return f"{d.year}年{d.month}月{d.day}日"


def end_phrase(valid_to: dt.date) -> str:
    """2025-12-31 → 2025年底; any other day written out."""
    return f"{valid_to.year}年底" if (valid_to.month, valid_to.day) == (12, 31) else cn_date(valid_to)


def availability(r) -> str:
    """in_force | expired | not_yet | open_ended — the result's own field when it has one."""
    own = getattr(r, "availability", None)
    if isinstance(own, str) and own in STATES:
        return own
    return availability_of(r.document, r.as_of)


def status_phrase(status: str, document, as_of: dt.date) -> Optional[str]:
    """The one line every channel shows for an eligible measure, given the date; None for other statuses.

    Expired: 「符合条件；文件执行期已满（2025年底），请向部门确认是否延续」 (issue 11, exact wording)."""
    if status != "eligible":
        return None
    state = availability_of(document, as_of)
    if state == EXPIRED:
        return f"符合条件；文件执行期已满（{end_phrase(document.valid_to)}），请向部门确认是否延续"
    if state == NOT_YET:
        return f"符合条件；文件自{cn_date(document.valid_from)}起执行，目前尚未生效"
    if state == OPEN_ENDED:
        return "符合条件；原文未规定截止日期，请向部门确认是否仍在执行"
    return "符合条件"


def status_text(r) -> str:
    """The verdict on the conditions, with the document's time status where it matters."""
    if r.status == "eligible":
        return status_phrase("eligible", r.document, r.as_of)
    if r.status == "undetermined":
        return "可能符合，还需确认：" + missing_text(r.missing)
    return "暂不符合"


def status_tone(r) -> str:
    """ok (eligible, in force) / warn (eligible but check the period; or still open) / no."""
    if r.status == "eligible":
        return "ok" if availability(r) == "in_force" else "warn"
    return "warn" if r.status == "undetermined" else "no"


# ---- facts --------------------------------------------------------------------------------------

def missing_text(fields: Iterable[str]) -> str:
    return "、".join(FIELDS[f].label for f in fields)


def fact_value(name: str, value: Any) -> str:
    """A fact's value for the recap list (所在地：杭州)."""
    spec = FIELDS[name]
    if spec.kind == "city":
        return str(value)
    if spec.kind == "bool":
        return spec.yes if value else spec.no
    if spec.kind == "list":
        return "、".join(spec.choices.get(v, v) for v in value) if value else spec.empty
    if spec.kind == "int":
        return f"{value}人"
    return str(value)


def recap(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """The facts the firm gave, as a list it can correct: one entry per known field, in profile order."""
    out = []
    for name in FIELD_ORDER:
        if profile.get(name) is None:
            continue
        spec = FIELDS[name]
        entry = {"field": name, "label": spec.label.removeprefix("是否"), "kind": spec.kind,
                 "value": profile[name], "text": fact_value(name, profile[name])}
        if spec.kind == "bool":
            entry["options"] = [{"value": True, "text": spec.yes}, {"value": False, "text": spec.no}]
        elif spec.kind == "list":
            entry["options"] = [{"value": k, "text": v} for k, v in spec.choices.items()]
        out.append(entry)
    return out


def profile_summary(profile: dict[str, Any]) -> str:
    return "，".join(FIELDS[name].describe(value) for name, value in profile.items() if name in FIELDS)


def question_for(field: str, questions: Optional[dict[str, str]] = None) -> str:
    """The question that settles a fact: the assistant's own (domain utter_ask_*) when given."""
    if questions and questions.get(field):
        return questions[field]
    label = FIELDS[field].label
    return f"贵公司{label.removeprefix('是否')}？" if label.startswith("是否") else f"贵公司的{label}？"


# ---- contacts -----------------------------------------------------------------------------------

def contact_name(c: dict) -> str:
    """A body's name as shown; a renamed body with its current name beside it."""
    current = c.get("current_name")
    return f"{c['name']}（现{current}）" if current and current != c["name"] else c["name"]


def contact_parts(r) -> tuple[Optional[str], list[str]]:
    """(responsible body, 协同单位). For Zhejiang the firm's own city bureau leads."""
    contacts = list(r.contacts)
    if not contacts:
        return None, []
    lead = next((i for i, c in enumerate(contacts) if c.get("resolved_from") == "city"), 0)
    names = [contact_name(c) for c in contacts]
    return names[lead], names[:lead] + names[lead + 1:]


def _named(names: list[str], limit: int) -> str:
    if len(names) <= limit:
        return "、".join(names)
    return "、".join(names[:limit]) + f"等{len(names)}个单位"


def contacts_text(r, limit: int = MAX_NAMED) -> str:
    """杭州市商务局（协同单位：浙江省商务厅） — at most `limit` bodies named before 等."""
    lead, partners = contact_parts(r)
    if lead is None:
        return "原文未列明部门"
    if not partners:
        return lead
    return f"{lead}（协同单位：{_named(partners, max(limit - 1, 1))}）"


def all_contacts_text(r) -> str:
    """Every body, as the document lists them (for a direct 「找哪个部门」 question)."""
    return "、".join(contact_name(c) for c in r.contacts)


def notes_sentence(r) -> str:
    """What the text says of the measure that a department settles (「专项资金的申报条件和支持标准以责任单位的申报通知为准」),
    for answers about materials, money and dates; "" when it says nothing, or when the contact sentence says it already."""
    notes = "；".join(getattr(r.measure, "conditions_to_confirm", None) or ())
    if not notes or not getattr(r.measure, "contacts_in_text", True):
        return ""
    return f"文件的说法是：{notes.rstrip('。')}。"


def contact_sentence(r) -> str:
    """The answer to 「找哪个部门」: the units the text names, or — when it names none for the measure (浙江's plan) —
    that, and whom to ask instead (the issuer and the firm's own city bureau, the document's default contacts)."""
    if getattr(r.measure, "contacts_in_text", True):
        return f"「{r.measure.title}」的责任单位（原文所列）：{all_contacts_text(r)}，可向其咨询。"
    # 「培育对象谁来定」: what the text says of who decides is the rest of the answer
    notes = "；".join(getattr(r.measure, "conditions_to_confirm", None) or ())
    said = f"文件的说法是：{notes.rstrip('。')}。" if notes else ""
    return f"「{r.measure.title}」原文未列明责任单位，可向{all_contacts_text(r)}咨询。{said}"


def question_label(fields: list) -> str:
    """How a question left for later is named: its field's label, or 以上几项 for the checklist's items."""
    return FIELDS[fields[0]].label if len(fields) == 1 else "以上几项"


def usual_lead_line(lead: str) -> str:
    """「这些政策归哪个部门管」: the unit most of the firm's measures list first."""
    return f"综合咨询可以先联系{lead}（贵公司所在地多数措施列出的第一个部门）。"


def lead_contact(r) -> str:
    return contact_parts(r)[0] or "相关部门"


# ---- what to do ------------------------------------------------------------------------------------

def action_text(r) -> str:
    """What to do: 申报 through whom, or 咨询."""
    lead = lead_contact(r)
    kind = kind_of(r.measure)
    verb = {"apply": "咨询申报", "service": "咨询办理", "direction": "了解具体支持方式"}[kind]
    if r.status == "eligible" and availability(r) == "expired":
        return f"向{lead}确认是否延续，并{verb}"
    if r.status == "undetermined":
        return f"确认{missing_text(r.missing)}后，向{lead}{verb}"
    return f"向{lead}{verb}"


def timing_text(r) -> str:
    return getattr(r.measure, "timing", None) or NOT_STATED


def materials_text(r) -> str:
    return getattr(r.measure, "materials", None) or NOT_STATED


def next_step(r) -> str:
    """One line: what to do, and what the text says about timing and materials."""
    timing, materials = timing_text(r), materials_text(r)
    if timing == materials == NOT_STATED:
        return f"{action_text(r)}；申报时间和材料{NOT_STATED}。"
    return f"{action_text(r)}；时间：{timing}；材料：{materials}。"


# ---- criteria and sources --------------------------------------------------------------------------

def criteria_texts(node) -> list[str]:
    """The measure's conditions as plain requirements (top-level 且 split into items)."""
    def render(n) -> str:
        if n.kind in ("leaf", "not"):
            return n.text
        joiner = "，且" if n.kind == "all" else "，或"
        inner = joiner.join(render(c) for c in n.children)
        return inner if n.kind == "all" else f"以下任一：{inner}"

    if node.kind == "all":
        return [render(c) for c in node.children]
    return [render(node)]


def source_text(r) -> str:
    return f"《{r.document.title}》{r.measure.source.section}"


def source_full(measure, document) -> str:
    number = document.number or document.number_note or ""
    issuer = "，".join(x for x in (document.issuer, number) if x)
    return f"《{document.title}》（{issuer}）{measure.source.section}"


def extra_benefit_lines(r) -> list[str]:
    out = []
    for extra in r.extra_benefits:
        if extra["applies"] == "eligible":
            out.append(f"另可享受：{extra['text']}")
        elif extra["applies"] == "undetermined":
            out.append(f"如{missing_text(extra['missing'])}，另可享受：{extra['text']}")
    return out


def validity_notes(results: Iterable) -> list[str]:
    notes, seen = [], set()
    for r in results:
        if r.document.id not in seen:
            seen.add(r.document.id)
            notes.append(f"《{r.document.title}》：{r.validity()['note']}")
    return notes


# ---- the evaluation as a whole -------------------------------------------------------------------

def local_ineligible(ev) -> list:
    """Ineligible measures of the firm's own region (other regions' measures are not 'missed')."""
    return [r for r in ev.ineligible if not (r.what_if and r.what_if["region_only"])]


def elsewhere_counts(ev) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in ev.ineligible:
        if r.what_if and r.what_if["region_only"]:
            out[r.document.title] = out.get(r.document.title, 0) + 1
    return out


def kind_counts(ev) -> dict[str, int]:
    counts = {k: 0 for k in KINDS}
    for r in ev.eligible:
        counts[kind_of(r.measure)] += 1
    return counts


def decisive_fact(ev) -> Optional[tuple[str, int]]:
    """(field, how many open measures it decides) for the most useful fact to confirm."""
    field = ev.next_question()
    if not field:
        return None
    return field, sum(1 for r in ev.undetermined if field in r.missing) or 1


def next_steps(ev, limit: int = 2) -> list[str]:
    """The one or two most valuable next steps: the first measure to apply for, the fact to confirm."""
    steps = []
    eligible = sorted(ev.eligible, key=lambda r: (list(KINDS).index(kind_of(r.measure)), _category_rank(r)))
    if eligible:
        top = eligible[0]
        steps.append(f"{action_text(top)}「{top.measure.title}」")
    fact = decisive_fact(ev)
    if fact:
        steps.append(f"补充“{FIELDS[fact[0]].label}”，可再判断{fact[1]}项")
    return steps[:limit]


def summary_lines(ev) -> list[str]:
    """Two or three lines: what the firm can do, what is open, the next steps."""
    counts = kind_counts(ev)
    meets = "、".join(f"{counts[k]}项{KINDS[k]}" for k in ("apply", "service") if counts[k])
    if meets:
        first = f"根据您提供的信息，贵公司符合{meets}的条件"
        if counts["direction"]:
            first += f"，另有{counts['direction']}项鼓励方向与贵公司相关"
    elif counts["direction"]:
        first = f"根据您提供的信息，有{counts['direction']}项鼓励方向与贵公司相关，暂无可直接申请的政策"
    else:
        first = "根据目前的信息，暂未找到贵公司符合条件的政策"
    if ev.undetermined:
        first += f"；还有{len(ev.undetermined)}项需确认信息后才能判断"
    lines = [first + "。"]
    expired = {r.document.id: r for r in ev.eligible if availability(r) == "expired"}
    for r in expired.values():
        lines.append(f"其中《{r.document.title}》执行期已满（{end_phrase(r.document.valid_to)}），"
                     "相关措施请向部门确认是否延续。")
    steps = next_steps(ev)
    if steps:
        marks = "①②"
        lines.append("建议下一步：" + "；".join(f"{marks[i]}{s}" for i, s in enumerate(steps)) + "。")
    return lines


def measure_line(r, n: Optional[int] = None) -> str:
    """A measure in one compact line: title, status, whom to contact."""
    head = f"{n}. " if n is not None else ""
    if r.status == "eligible":  # the document's period is said once for all, in the notes
        return f"{head}{r.measure.title}｜联系：{contacts_text(r)}"
    if r.status == "undetermined":
        return f"{head}{r.measure.title}｜还需确认：{missing_text(r.missing)}"
    return f"{head}{r.measure.title}｜{'；'.join(r.reasons)}"


def measure_block(r, n: Optional[int] = None) -> str:
    """A measure collapsed: title + what you get + whom to contact (+ the time status if not plain)."""
    head = f"{n}. " if n is not None else ""
    lines = [f"{head}{r.measure.title}（{status_text(r)}）", f"可获得：{r.measure.benefit}"]
    lines += extra_benefit_lines(r)
    lines.append(f"联系：{contacts_text(r)}")
    return "\n".join(lines)


def text_blocks(ev) -> list[str]:
    """The results as blocks that must not be split: summary, one block per measure, closing lines.
    Channels with a size limit (WeCom) pack them with pack_blocks."""
    blocks = ["\n".join(summary_lines(ev))]
    n = 0
    for kind, results in by_kind(ev.eligible):
        for i, r in enumerate(results):
            n += 1
            block = measure_block(r, n)
            blocks.append((f"【{KINDS[kind]}】\n" if i == 0 else "") + block)
    if ev.undetermined:
        need = "、".join(r.measure.title for r in ev.undetermined[:5]) + ("等" if len(ev.undetermined) > 5 else "")
        blocks.append(f"【还需确认】{len(ev.undetermined)}项：{need}")
    rest = local_ineligible(ev)
    if rest:
        blocks.append(f"另有{len(rest)}项暂不符合，回复“是”查看原因。")
    return blocks


def pack_blocks(blocks: list[str], limit: int, tail: str = "") -> list[str]:
    """Messages of at most `limit` UTF-8 bytes, cut only between blocks; `tail` (e.g. the report
    link) ends the last message. A single block over the limit is cut at line ends."""
    def size(s: str) -> int:
        return len(s.encode())

    pieces: list[str] = []
    for block in blocks + ([tail] if tail else []):
        while size(block) > limit:  # never expected for one measure; keep the limit anyway
            cut = block[:limit // 4]  # ≤ 4 bytes a character: always within the limit
            at = cut.rfind("\n")
            cut = cut[:at] if at > 0 else cut  # at a line end when there is one
            pieces.append(cut)
            block = block[len(cut):].lstrip("\n")
        pieces.append(block)
    messages: list[str] = []
    for piece in pieces:
        if messages and size(messages[-1] + "\n\n" + piece) <= limit:
            messages[-1] += "\n\n" + piece
        else:
            messages.append(piece)
    return messages


def compact_text(ev) -> str:
    """REST and chat text: the summary, then one line per measure grouped by kind."""
    lines = list(summary_lines(ev))
    n = 0
    for kind, results in by_kind(ev.eligible):
        lines += ["", f"【{KINDS[kind]}】"]
        for r in results:
            n += 1
            lines.append(measure_line(r, n))
    if ev.undetermined:
        lines += ["", f"【还需确认】共{len(ev.undetermined)}项"]
        for r in ev.undetermined[:8]:
            lines.append("· " + measure_line(r))
        if len(ev.undetermined) > 8:
            lines.append(f"· 等{len(ev.undetermined)}项")
    rest = local_ineligible(ev)
    if rest:
        lines += ["", f"另有{len(rest)}项暂不符合。想了解原因，请回复“是”，或问“为什么不能享受＋政策名称”。"]
    if ev.eligible or ev.undetermined:
        lines += ["", "说明：" + "；".join(validity_notes(ev.eligible + ev.undetermined)),
                  "具体申报条件和流程，以联系部门的解释为准。"]
    return "\n".join(lines)


# ---- what changed after a correction ---------------------------------------------------------------

def diff(before: dict[str, Any], ev) -> Optional[dict[str, Any]]:
    """Compare with the previous results ({"eligible": [ids], "profile": {...}, "titles": {id: title}}).
    None when nothing was shown before."""
    if before is None:
        return None
    old = set(before.get("eligible") or [])
    new_ids = [r.id for r in ev.eligible]
    titles = {r.id: r.measure.title for r in ev.eligible + ev.undetermined + ev.ineligible}
    added = [i for i in new_ids if i not in old]
    removed = [i for i in (before.get("eligible") or []) if i not in set(new_ids)]
    facts = []
    old_profile = before.get("profile") or {}
    for name in FIELD_ORDER:
        a, b = old_profile.get(name), ev.profile.get(name)
        if a != b:
            facts.append({"field": name, "label": FIELDS[name].label.removeprefix("是否"),
                          "from": fact_value(name, a) if a is not None else "未提供",
                          # (a fact known, then unknown: the firm said it is unsure — 「不清楚」, not 「未提供」)
                          "to": fact_value(name, b) if b is not None else "不清楚"})
    parts = []
    if added:
        parts.append(f"新增 {len(added)} 项")
    if removed:
        parts.append(f"不再符合 {len(removed)} 项")
    text = " / ".join(parts) if parts else "符合条件的政策没有变化"
    return {"added": added, "removed": removed, "facts": facts, "text": text,
            "removed_titles": [titles.get(i, i) for i in removed],
            "added_titles": [titles.get(i, i) for i in added]}


def diff_text(change: dict[str, Any]) -> str:
    facts = "；".join(f"{f['label']}：{f['from']} → {f['to']}" for f in change["facts"])
    lines = [f"已按新信息重新判断（{facts}）：{change['text']}。" if facts else f"已重新判断：{change['text']}。"]
    if change["added_titles"]:
        lines.append("新增：" + "、".join(change["added_titles"]))
    if change["removed_titles"]:
        lines.append("不再符合：" + "、".join(change["removed_titles"]))
    return "\n".join(lines)


def supposed_text(change: dict[str, Any]) -> str:
    """What a fact only supposed (「假如明年接海外的单子，会多出哪些政策」) would change; the results stay as they are."""
    facts = "、".join(f["to"] for f in change["facts"])
    lines = [f"如果按“{facts}”来判断：{change['text']}。" if facts else "这一假设不改变判断结果。"]
    if change["added_titles"]:
        lines.append("将新增：" + "、".join(change["added_titles"]))
    if change["removed_titles"]:
        lines.append("将不再符合：" + "、".join(change["removed_titles"]))
    lines.append("以上只是假设，您目前的结果不变；情况确定后告诉我，我再按新情况判断。")
    return "\n".join(lines)


# ---- the hotline script -----------------------------------------------------------------------------

SPOKEN_LIMIT = 400


def spoken_script(ev) -> str:
    """What hotline staff read aloud: a summary of at most ~400 characters, then one line per measure."""
    lines = summary_lines(ev)
    summary = "您好，" + "".join(lines)
    if len(summary) > SPOKEN_LIMIT:
        summary = "您好，" + lines[0]
    out = [summary]
    for n, r in enumerate(sorted(ev.eligible, key=lambda r: list(KINDS).index(kind_of(r.measure))), 1):
        out.append(f"{n}. {r.measure.title}：{r.measure.benefit.rstrip('。')}；联系{contacts_text(r)}。")
    out.append("具体申报条件和流程，以相关部门的通知为准。")
    return "\n".join(out)


# ---- the documents themselves: who issued them, when, and whether they are in force -------------------

def document_line(document, as_of: dt.date) -> str:
    """One document as a well-informed clerk would describe it, from the catalogue's document data only."""
    number = document.number or document.number_note or "原文未载文号"
    issued = f"，{cn_date(document.issued_on)}印发" if document.issued_on else ""
    head = f"《{document.title}》由{document.issuer}印发（{number}）{issued}"
    state = availability_of(document, as_of)
    note = f"（{document.validity_note}）" if document.validity_note else ""
    if state == EXPIRED:
        when = (f"执行期为{cn_date(document.valid_from)}至{cn_date(document.valid_to)}{note}，截至{cn_date(as_of)}已到期；"
                f"相关措施是否延续执行，请向{document.issuer}或措施所列联系部门确认")
    elif state == NOT_YET:
        when = f"自{cn_date(document.valid_from)}起执行，目前尚未生效"
    elif state == OPEN_ENDED:
        start = f"自{cn_date(document.valid_from)}起施行，" if document.valid_from else ""
        when = f"{start}原文未规定截止日期{note}；是否仍在执行，请向{document.issuer}确认"
    else:
        when = f"执行期为{cn_date(document.valid_from)}至{cn_date(document.valid_to)}，截至{cn_date(as_of)}仍在执行期内"
    return f"{head}，{when}。"


OFFICIAL = ("本助手的结果依据政策原文和您提供的信息自动生成，是参考，不是政府的正式认定；能否享受、需要什么材料，"
            "以各项措施所列责任部门的审核和通知为准。")
WHERE_TEXT = "结果中每项措施都注明了出处条款和原文摘录，报告页面可查看。"


def official_text(body: str) -> str:
    """「这个结果算正式认定吗？」: a reference, not a decision — and whom to ask for one (`body`: the firm's own commerce
    bureau, as the wording layer's caller resolves it)."""
    return OFFICIAL + f"需要正式答复的，可以向{body}咨询，具体措施再找结果中列出的责任部门。"


def place_not_covered_text(coverage_sentence: str, place: str, department: str) -> str:
    """「上海那边的政策我们能不能享受」: that place's policies are not among the documents; whom to ask there."""
    return f"{coverage_sentence}，{place}的政策不在其中，可以咨询{department}。"


def bodies_not_listed_line(bodies: list[str]) -> str:
    """「这事是找司法局还是商务局」: the departments asked about that the text does not list for the measure."""
    return f"您问到的{'、'.join(bodies)}不在原文所列的联系部门中，请以上面列出的部门为准。"


def not_for_firm_line(titles: str, regions: str, place: str) -> str:
    """A firm outside coverage asks about a covered region's measure (「浙江那个离岸零税率 我们南京的能用不」): by
    registered place it does not apply; what the text says follows, for reference."""
    return f"{titles}适用于在{regions}注册的企业；贵公司在{place}，按注册地暂不适用。原文的规定如下，供参考："


def status_validity_text(titles) -> str:
    """「认定了以后有效期几年」: the texts set no term for a status they name; the rules that grant it do."""
    named = "、".join(f"「{t}」" for t in titles)
    return (f"文件没有规定{named or '相关资格'}认定后的有效期；有效期和复审要求以认定办法及主管部门的通知为准。")


def to_confirm_line(condition: str) -> str:
    """One of a measure's conditions to confirm, as a line of an answer about the measure."""
    return f"需要确认：{condition}。"


def applies_text(documents, firm_place, firm_in) -> str:
    """「浙江那个行动计划我们能不能用」: each document applies by registered place, whatever the clients' place; then
    whether the firm is inside (`firm_in(document)`: True / False / None) as far as its place is known."""
    lines = []
    for d in documents:
        line = f"《{d.title}》适用于在{d.jurisdiction}注册的企业，按企业注册地适用，客户或合作方在哪里不影响。"
        inside = firm_in(d)
        if firm_place is not None and inside is True:
            line += f"贵公司在{firm_place.label}，适用。"
        elif firm_place is not None and inside is False:
            line += f"贵公司在{firm_place.label}，不适用。"
        lines.append(line)
    return "".join(lines)


DISTRICT_UNIT = "区人民政府"  # how the texts name a district government among a measure's departments


DISTRICT_DEPARTMENT = "贵公司所在区（县）人民政府或开发区管委会的商务部门"  # no unit the texts do not name is invented


def district_text(documents, measures_by_document: dict, department: str = DISTRICT_DEPARTMENT) -> str:
    """「区里有没有单独的扶持资金」: the texts set no district funds; the measures they give a district government a
    part in (`measures_by_document`: document title → measure titles); whom to ask about the district's own."""
    text = "、".join(f"《{d.title}》" for d in documents) + "都没有规定区（县）一级单独的扶持资金或具体金额。"
    for title, measures in measures_by_document.items():
        if measures:
            text += f"《{title}》中，" + "、".join(f"「{m}」" for m in measures[:3]) + "的责任单位包括所在区人民政府。"
    return text + f"区里是否另设扶持资金，请向{department}咨询。"


def article_line(measure, document) -> str:
    """「零税率那个是文件里哪一条写的」: the measure's article, with its document's issuer and number."""
    return f"「{measure.title}」出自{source_full(measure, document)}。"


def where_text(documents) -> str:
    """Where the full texts are: the issuers' own publications (no address is invented)."""
    return WHERE_TEXT + "文件全文以发文单位公开发布的版本为准：" + "；".join(
        f"《{d.title}》请到{d.issuer}官方网站或向其查询" for d in documents) + "。"
