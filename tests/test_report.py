"""The wording layer and the 政策匹配报告 (page, PDF, links) without servers; the served report is in
tests/test_report_server.py, the widget's report buttons in tests/test_web_widget.py."""
from __future__ import annotations

import datetime as dt
import re
import time
import zlib

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.report import page, store
from policies_db import evaluate_compiled
from policies_db import wording as w

AS_OF = dt.date(2026, 11, 22)  # the Zhejiang plan (2023—2025) has ended
HANGZHOU_ITO = {"city": "杭州", "service_types": ["ITO"], "offshore": True, "hires_foreign_talent": False}
WUHAN_PHARMA = {"city": "武汉", "service_types": ["KPO"], "offshore": True, "fields": ["pharma_rd"]}
PHONE = re.compile(r"\d{3,4}-?\d{7,8}|1[3-9]\d{9}")


@pytest.fixture(scope="module")
def hangzhou(compiled):
    return evaluate_compiled(compiled, HANGZHOU_ITO, AS_OF)


@pytest.fixture(scope="module")
def wuhan(compiled):
    return evaluate_compiled(compiled, WUHAN_PHARMA, AS_OF)


# ---- wording ---------------------------------------------------------------------------------

def test_expired_plan_is_never_plain_eligible(hangzhou):
    zero = next(r for r in hangzhou.eligible if r.id == "zj-offshore-zero-rate")
    assert w.status_text(zero) == "符合条件；文件执行期已满（2025年底），请向部门确认是否延续"
    assert w.action_text(zero).startswith("向杭州市商务局确认是否延续")
    for text in (w.compact_text(hangzhou), "\n".join(w.text_blocks(hangzhou)), w.spoken_script(hangzhou)):
        assert "可以享受" not in text


def test_in_force_and_open_ended_documents(compiled):
    zhejiang_2024 = evaluate_compiled(compiled, HANGZHOU_ITO, dt.date(2024, 6, 1))
    assert {w.status_text(r) for r in zhejiang_2024.eligible} == {"符合条件"}
    wuhan = evaluate_compiled(compiled, WUHAN_PHARMA, AS_OF)
    assert all("原文未规定截止日期" in w.status_text(r) for r in wuhan.eligible)


def test_city_bureau_leads_zhejiang_contacts(hangzhou):
    with_city = [r for r in hangzhou.eligible + hangzhou.undetermined
                 if any(c.get("resolved_from") == "city" for c in r.contacts)]
    assert with_city
    for r in with_city:  # the firm's own city bureau first, the province and the others as 协同单位
        lead, partners = w.contact_parts(r)
        assert lead == "杭州市商务局" and "浙江省商务厅" in partners
        assert w.contacts_text(r).startswith("杭州市商务局（协同单位：浙江省商务厅")


def test_never_more_than_three_bodies_named(wuhan, compiled):
    everyone = evaluate_compiled(compiled, {"city": "武汉"}, AS_OF)
    results = wuhan.eligible + everyone.undetermined + everyone.eligible
    assert any(len(r.contacts) > 3 for r in results)  # the rule is exercised
    for r in results:
        text = w.contacts_text(r)
        lead, partners = w.contact_parts(r)
        assert text.startswith(lead)
        named = [p for p in partners if p in text]
        assert 1 + len(named) <= 3, text
        if len(partners) > 2:
            assert text.endswith(f"等{len(partners)}个单位）"), text


def test_next_step_never_invents_timing_or_materials(wuhan):
    for r in wuhan.eligible + wuhan.undetermined:
        step = w.next_step(r)
        assert "原文未规定，以部门通知为准" in step
        assert not PHONE.search(step) and "元" not in step and "工作日" not in step


def test_summary_is_two_or_three_lines_with_next_steps(hangzhou, wuhan):
    for ev in (hangzhou, wuhan):
        lines = w.summary_lines(ev)
        assert 2 <= len(lines) <= 3
        counts = w.kind_counts(ev)
        assert f"{counts['apply']}项申请类政策" in lines[0]
        assert f"还有{len(ev.undetermined)}项需确认信息后才能判断" in lines[0]
        assert lines[-1].startswith("建议下一步：①")
    assert "执行期已满（2025年底）" in w.summary_lines(hangzhou)[1]


def test_results_are_grouped_by_kind_in_order(hangzhou):
    kinds = [kind for kind, _ in w.by_kind(hangzhou.eligible)]
    assert kinds == [k for k in w.KINDS if k in kinds]
    text = w.compact_text(hangzhou)
    positions = [text.index(f"【{w.KINDS[k]}】") for k in kinds]
    assert positions == sorted(positions) and text.index("建议下一步") < positions[0]


def test_wecom_messages_stay_under_the_limit_and_split_between_measures(wuhan):
    blocks = w.text_blocks(wuhan)
    link = "完整报告：https://example.gov.cn/report/abcdefghijklmnopqrstuvwxyz"
    messages = w.pack_blocks(blocks, 2048, link)
    assert len(messages) >= 2 and all(len(m.encode()) <= 2048 for m in messages)
    assert messages[-1].endswith(link)
    assert "\n\n".join(messages) == "\n\n".join(blocks + [link])  # nothing lost, cuts only between blocks
    small = w.pack_blocks(blocks, 600)
    assert all(len(m.encode()) <= 600 for m in small)
    for r in wuhan.eligible:  # each measure whole in one message
        assert sum(r.measure.title + "（" in m for m in small) == 1


def test_spoken_script_summary_fits_reading_aloud(hangzhou, wuhan):
    for ev in (hangzhou, wuhan):
        summary, *lines = w.spoken_script(ev).split("\n")
        assert len(summary) <= w.SPOKEN_LIMIT
        assert len(lines) == len(ev.eligible) + 1


def test_recap_and_diff(compiled, hangzhou):
    recap = w.recap(hangzhou.profile)
    assert [(f["field"], f["text"]) for f in recap[:2]] == [("city", "杭州"), ("service_types", "信息技术外包（ITO）")]
    offshore = next(f for f in recap if f["field"] == "offshore")
    assert offshore["label"] == "承接离岸业务" and [o["value"] for o in offshore["options"]] == [True, False]
    before = {"eligible": [r.id for r in hangzhou.eligible], "profile": hangzhou.profile}
    after = evaluate_compiled(compiled, {**HANGZHOU_ITO, "offshore": False}, AS_OF)
    change = w.diff(before, after)
    assert change["removed"] and "zj-offshore-zero-rate" in change["removed"]
    assert change["facts"] == [{"field": "offshore", "label": "承接离岸业务", "from": "已承接离岸业务", "to": "暂无离岸业务"}]
    assert change["text"] == " / ".join(
        ([f"新增 {len(change['added'])} 项"] if change["added"] else []) + [f"不再符合 {len(change['removed'])} 项"])
    assert "承接离岸业务：已承接离岸业务 → 暂无离岸业务" in w.diff_text(change)
    assert w.diff(None, after) is None


# ---- the report page and PDF --------------------------------------------------------------------

def test_report_page_has_everything_the_issue_lists(wuhan):
    html = page.render(wuhan, pdf_href="tok/pdf")
    assert html.startswith("<!doctype html>") and '<html lang="zh-CN">' in html
    assert "<h1>政策匹配报告</h1>" in html and "评估日期：2026年11月22日" in html
    assert "所在地</dt><dd>武汉" in html and "医药研发" in html  # the facts as given
    for kind, results in w.by_kind(wuhan.eligible):
        assert f"{w.KINDS[kind]}（{len(results)}项）" in html
    zero = next(r for r in wuhan.eligible if r.id == "wh-export-credit-insurance")
    assert zero.measure.source.excerpt in html and zero.measure.benefit in html  # excerpt and benefit
    assert "原文未规定，以部门通知为准" in html and "协同单位" in html
    open_one = wuhan.undetermined[0]
    question = page.field_questions()[open_one.missing[0]]
    assert question in html  # the question that would settle it, as the assistant asks it
    missed = w.local_ineligible(wuhan)[0]
    assert missed.reasons[0] in html
    assert w.DISCLAIMER in html and '<script' not in html
    assert not PHONE.search(re.sub(r"<[^>]+>", "", html))


def test_report_text_is_escaped(compiled):
    ev = evaluate_compiled(compiled, {"city": "杭州"}, AS_OF)
    ev.profile["city"] = "<script>alert(1)</script>"
    html = page.render(ev)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_pdf_embeds_the_cjk_font_quickly(wuhan):
    from bot.report.pdf import render_pdf

    pdf = render_pdf(page.render(wuhan, for_pdf=True))
    assert pdf.startswith(b"%PDF")
    streams = [zlib.decompress(m) for m in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
               if m[:1] == b"x"]
    assert any(b"NotoSansCJK" in s for s in streams + [pdf]), "the CJK font is not embedded"
    # Subsetting the CJK font: ~0.5 s with HarfBuzz, 15–60 s with fontTools (a one-line page shows it).
    started = time.perf_counter()
    render_pdf('<html lang="zh-CN"><body><p>政策匹配报告：杭州市商务局</p></body></html>')
    elapsed = time.perf_counter() - started
    assert elapsed < 8, f"a one-line PDF took {elapsed:.1f}s: is libharfbuzz-subset0 installed (make report-fonts)?"


# ---- links ------------------------------------------------------------------------------------------

@pytest.fixture()
def links_db(tmp_path):
    return f"sqlite:///{tmp_path / 'links.db'}"


def test_one_stable_unguessable_link_per_conversation(links_db):
    first = store.publish("firm-a", {"city": "杭州"}, AS_OF, url=links_db)
    again = store.publish("firm-a", {"city": "温州"}, AS_OF, url=links_db)
    other = store.publish("firm-b", {"city": "杭州"}, AS_OF, url=links_db)
    assert first["token"] == again["token"] != other["token"]
    assert len(first["token"]) >= 32 and store.TOKEN.match(first["token"])
    assert store.get(first["token"], url=links_db)["profile"] == {"city": "温州"}  # the latest facts
    assert store.links(first["token"]) == {"page": f"/report/{first['token']}", "pdf": f"/report/{first['token']}/pdf"}


def test_links_expire_and_can_be_deleted(links_db, monkeypatch):
    monkeypatch.setenv("REPORT_LINK_DAYS", "7")
    link = store.publish("firm-a", {"city": "杭州"}, AS_OF, url=links_db)
    expires = store.get(link["token"], url=links_db)["expires_at"]
    assert dt.timedelta(days=6.9) < expires - dt.datetime.utcnow() <= dt.timedelta(days=7)
    with Session(store.engine(links_db)) as session, session.begin():
        session.execute(update(store.ReportLink).values(expires_at=dt.datetime.utcnow() - dt.timedelta(seconds=1)))
    assert store.get(link["token"], url=links_db) is None
    store.publish("firm-b", {"city": "宁波"}, AS_OF, url=links_db)
    with Session(store.engine(links_db)) as session:  # an expired link's facts are deleted with it
        assert session.get(store.ReportLink, link["token"]) is None
    renewed = store.publish("firm-a", {"city": "杭州"}, AS_OF, url=links_db)
    assert renewed["token"] != link["token"]  # an expired link never comes back
    assert store.remove(renewed["token"], url=links_db) is True
    assert store.get(renewed["token"], url=links_db) is None and store.remove(renewed["token"], url=links_db) is False
    for bad in ("", "../etc/passwd", "short", "x" * 65, None):
        assert store.get(bad, url=links_db) is None


def test_previous_results_are_read_back_from_the_tracker_since_the_last_restart():
    from actions.render import previous_results

    def shown(ids, city):
        return {"event": "bot", "text": "…", "data": {"custom": {"type": "eligibility_results", "profile": {"city": city},
                                                                "eligible": [{"id": i} for i in ids]}}}

    events = [shown(["a"], "杭州"), {"event": "user", "text": "说错了"}, shown(["a", "b"], "温州"), {"event": "bot", "text": "好的"}]
    assert previous_results(events) == {"eligible": ["a", "b"], "profile": {"city": "温州"}}
    assert previous_results(events + [{"event": "restart"}]) is None
    assert previous_results([]) is None


def test_an_oversized_block_is_still_cut_under_the_limit():
    blocks = ["\n" + "政策" * 700 + "\n短行", "尾"]
    messages = w.pack_blocks(blocks, 300)
    assert all(0 < len(m.encode()) <= 300 for m in messages)
    assert "".join(messages).replace("\n", "") == "".join(blocks).replace("\n", "")
