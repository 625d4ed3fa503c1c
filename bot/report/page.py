"""The 政策匹配报告 as one HTML document, composed from policies_db.wording.

The same HTML is the page (/report/<token>) and, with for_pdf=True, the PDF's source. Everything
is escaped; the page has no script (the server's CSP forbids inline code anyway).
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any, Optional

import yaml

from policies_db import FIELDS
from policies_db import wording as w

ROOT = Path(__file__).resolve().parent.parent.parent
CSS_FILE = Path(__file__).with_name("report.css")
ASSETS = {"report.css": CSS_FILE, "report-screen.css": Path(__file__).with_name("report-screen.css")}
TITLE = "政策匹配报告"


@lru_cache(maxsize=1)
def field_questions() -> dict[str, str]:
    """The assistant's own question per fact (domain utter_ask_<field>), for 'what would settle it'."""
    out: dict[str, str] = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        for name, variants in responses.items():
            field = name.removeprefix("utter_ask_")
            if name.startswith("utter_ask_") and field in FIELDS and variants and variants[0].get("text"):
                out[field] = variants[0]["text"].strip()
    return out


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _dl(rows: list[tuple[str, str]], cls: str = "facts") -> str:
    items = "".join(f"<div><dt>{_e(k)}</dt><dd>{v}</dd></div>" for k, v in rows)
    return f'<dl class="{cls}">{items}</dl>'


def _contacts_html(r) -> str:
    lead, partners = w.contact_parts(r)
    if lead is None:
        return "原文未列明部门"
    text = f"<strong>{_e(lead)}</strong>（负责联系）"
    if partners:
        text += "；协同单位：" + _e("、".join(partners))
    return text


def _source_html(r) -> str:
    src = r.measure.source
    quote = f"<blockquote>{_e(src.excerpt)}</blockquote>"
    if src.also:
        quote += f"<blockquote>{_e(src.also)}</blockquote>"
    return f"{_e(w.source_full(r.measure, r.document))}{quote}"


def _measure(r, n: int) -> str:
    rows = [("可获得", _e(r.measure.benefit) + "".join(f"<br>{_e(x)}" for x in w.extra_benefit_lines(r))),
            ("下一步", _e(w.action_text(r))),
            ("申报时间", _e(w.timing_text(r))),
            ("申报材料", _e(w.materials_text(r))),
            ("联系单位", _contacts_html(r)),
            ("适用条件", _e("；".join(w.criteria_texts(r.measure.criteria))))]
    if r.measure.conditions_to_confirm:
        rows.append(("需由部门确认", _e("；".join(r.measure.conditions_to_confirm))))
    rows.append(("出处", _source_html(r)))
    tone = w.status_tone(r)
    return (f'<article class="measure" id="m-{_e(r.id)}"><h3>{n}. {_e(r.measure.title)}</h3>'
            f'<p class="status status-{tone}">{_e(w.status_text(r))}</p>{_dl(rows, "measure-facts")}</article>')


def _undetermined(r, questions: dict[str, str]) -> str:
    asks = "".join(f"<li>{_e(w.question_for(f, questions))}</li>" for f in r.missing)
    rows = [("可获得", _e(r.measure.benefit)), ("还需确认", f"<ul>{asks}</ul>"),
            ("联系单位", _contacts_html(r)), ("出处", _e(w.source_text(r)))]
    return f'<article class="measure"><h3>{_e(r.measure.title)}</h3>{_dl(rows, "measure-facts")}</article>'


def _ineligible(r) -> str:
    hint = f'<p class="hint">{_e(r.what_if["summary"])}</p>' if r.what_if and not r.what_if["region_only"] else ""
    return f"<li><strong>{_e(r.measure.title)}</strong>：{_e('；'.join(r.reasons))}{hint}</li>"


def render(ev, *, generated: Optional[dt.datetime] = None, expires_at: Optional[dt.datetime] = None,
           pdf_href: Optional[str] = None, for_pdf: bool = False) -> str:
    """The report as a complete HTML document."""
    questions = field_questions()
    generated = generated or dt.datetime.now()
    head_links = "" if for_pdf else ('<link rel="stylesheet" href="assets/report.css">'
                                     '<link rel="stylesheet" href="assets/report-screen.css">')
    meta = [f"评估日期：{w.cn_date(ev.as_of)}", f"生成时间：{generated:%Y-%m-%d %H:%M}"]
    if expires_at:
        meta.append(f"链接有效期至：{w.cn_date(expires_at.date())}")
    actions = ""
    if pdf_href and not for_pdf:
        actions = (f'<p class="actions"><a class="button" href="{_e(pdf_href)}" download>下载 PDF</a></p>')

    facts = w.recap(ev.profile)
    facts_html = _dl([(f["label"], _e(f["text"])) for f in facts]) if facts else "<p>尚未提供企业信息。</p>"

    body = [f'<header class="report-head"><h1>{TITLE}</h1><p class="meta">{_e(" · ".join(meta))}</p>{actions}</header>',
            '<main>',
            '<section aria-labelledby="s-summary" class="summary"><h2 id="s-summary">结论摘要</h2>'
            + "".join(f"<p>{_e(line)}</p>" for line in w.summary_lines(ev)) + "</section>",
            f'<section aria-labelledby="s-facts"><h2 id="s-facts">企业信息（您提供的）</h2>{facts_html}</section>']
    n = 0
    for kind, results in w.by_kind(ev.eligible):
        items = []
        for r in results:
            n += 1
            items.append(_measure(r, n))
        body.append(f'<section aria-labelledby="s-{kind}"><h2 id="s-{kind}">{_e(w.KINDS[kind])}（{len(results)}项）</h2>'
                    + "".join(items) + "</section>")
    if ev.undetermined:
        body.append('<section aria-labelledby="s-open"><h2 id="s-open">'
                    f"需确认信息后才能判断（{len(ev.undetermined)}项）</h2>"
                    + "".join(_undetermined(r, questions) for r in ev.undetermined) + "</section>")
    missed = w.local_ineligible(ev)
    elsewhere = w.elsewhere_counts(ev)
    if missed or elsewhere:
        lines = "".join(_ineligible(r) for r in missed)
        lines += "".join(f"<li>《{_e(title)}》的{k}项措施不适用于贵公司所在地区。</li>" for title, k in elsewhere.items())
        body.append(f'<section aria-labelledby="s-missed"><h2 id="s-missed">暂不符合（{len(missed)}项）及原因</h2>'
                    f'<ul class="missed">{lines}</ul></section>')
    notes = w.validity_notes(ev.eligible + ev.undetermined)
    body.append('<section aria-labelledby="s-notes" class="notes"><h2 id="s-notes">说明</h2>'
                + "".join(f"<p>{_e(x)}</p>" for x in notes)
                + "<p>本报告未列出联系电话；请通过上述部门的官方渠道咨询。</p>"
                + f"<p>{_e(w.DISCLAIMER)}</p></section>")
    body.append("</main>")
    return ("<!doctype html>\n"
            f'<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="robots" content="noindex"><title>{TITLE}</title>{head_links}</head>'
            f'<body class="report">{"".join(body)}</body></html>')


def css() -> str:
    return CSS_FILE.read_text(encoding="utf-8")
