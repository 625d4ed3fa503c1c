"""The policy officer's workbench over its HTTP API, on a stack of its own (tests/workbench_stack.py): a text
uploaded, drafted, decided sentence by sentence, checked, previewed and published — then a firm's REST
conversation gets the new measure from the running assistant, without a restart (issue 22)."""
from __future__ import annotations

import urllib.request

import pytest
import yaml

from policies_db.authoring.cases import check_catalogue
from tests.stack import CONSOLE_TOKEN, http
from tests.workbench_stack import (
    API_TOKEN,
    HEFEI_TEXT,
    OFFICER_TOKEN,
    SUBSCRIBER,
    firm_results_once_served,
    workbench_stack,
)

AUTH = {"Authorization": f"Bearer {OFFICER_TOKEN}"}
OFFSHORE = "离岸服务外包执行额达到300万美元以上"


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    stack, urls = workbench_stack(tmp_path_factory.mktemp("workbench"))
    yield urls
    stack.stop()


def api(bench, method, path, body=None):
    return http(method, f"{bench['base']}/webhooks/workbench/api{path}", body, AUTH, timeout=120)


def test_the_workbench_needs_the_officers_token_not_the_hotlines(bench):
    status, _ = http("GET", f"{bench['base']}/webhooks/workbench/api/drafts")
    assert status == 401
    status, _ = http("GET", f"{bench['base']}/webhooks/workbench/api/drafts", headers={"Authorization": f"Bearer {CONSOLE_TOKEN}"})
    assert status == 401
    with urllib.request.urlopen(f"{bench['base']}/webhooks/workbench/", timeout=30) as page:
        assert page.status == 200 and "政策录入工作台" in page.read().decode("utf-8")
    with urllib.request.urlopen(f"{bench['base']}/webhooks/workbench/staff.css", timeout=30) as css:
        assert ".panel" in css.read().decode("utf-8")  # the staff pages' shared look (bot/web/staff.css)


def test_bad_input_gets_a_clear_answer(bench):
    status, body = api(bench, "POST", "/drafts", {"text": "   "})
    assert status == 400 and "原文为空" in body["error"]
    status, body = api(bench, "GET", "/drafts/not-an-id")
    assert status == 400 and "编号" in body["error"]


def test_from_an_uploaded_text_to_a_measure_a_firm_is_told_about(bench):
    status, ws = api(bench, "POST", "/drafts", {"text": HEFEI_TEXT.read_text(encoding="utf-8"), "name": "hefei.txt"})
    assert status == 201, ws
    assert ws["document"]["jurisdiction"] == "合肥市" and ws["document"]["number"] == "合政办〔2025〕6号"
    wid = ws["id"]
    status, ws = api(bench, "POST", f"/drafts/{wid}/document", {"fields": {"id": "hefei-2025", "id_prefix": "hf"}})
    assert status == 200, ws

    offshore = next(s for s in ws["sentences"] if OFFSHORE in s["text"])
    assert offshore["actionable"] and any("合肥市商务局" in str(c) for c in offshore["proposed"]["contacts"])
    edited = {**offshore["proposed"], "id": "hf-offshore-award", "title": "离岸服务外包执行额奖励",
              "criteria": {"all": [{"field": "service_types", "op": "nonempty", "text": "从事服务外包业务"},
                                   {"field": "offshore", "op": "eq", "value": "是", "text": "承接离岸业务"}]}}
    status, body = api(bench, "POST", f"/drafts/{wid}/sentences/{offshore['index']}", {"decision": "edit", "measure": edited})
    assert status == 422 and any("应为 true 或 false" in p for p in body["problems"])  # schema-checked, nothing stored
    edited["criteria"]["all"][1]["value"] = True
    status, ws = api(bench, "POST", f"/drafts/{wid}/sentences/{offshore['index']}", {"decision": "edit", "measure": edited})
    assert status == 200, ws
    for s in ws["sentences"]:
        if s["actionable"] and s["decision"] is None:
            status, ws = api(bench, "POST", f"/drafts/{wid}/sentences/{s['index']}", {"decision": "accept"})
            assert status == 200, ws.get("problems")
    status, ws = api(bench, "POST", f"/drafts/{wid}/reasons")
    progress = ws["progress"]
    assert progress["done"] == progress["needed"] and not progress["pending"], progress
    assert progress["edits"] >= 2  # the document facts and the edited measure

    status, check = api(bench, "GET", f"/drafts/{wid}/check")
    assert status == 200 and check["ok"], check["problems"][:5]
    status, tried = api(bench, "POST", f"/drafts/{wid}/try", {"profile": {"city": "合肥", "service_types": ["BPO"], "offshore": True}})
    assert {"id": "hf-offshore-award", "status": "eligible"}.items() <= next(
        r for r in tried["results"] if r["id"] == "hf-offshore-award").items()

    status, preview = api(bench, "GET", f"/drafts/{wid}/preview")
    assert status == 200, preview
    notified = {n["recipient"]: n for n in preview["notifications"]}
    assert "hf-offshore-award" in notified[SUBSCRIBER]["new"]

    status, published = api(bench, "POST", f"/drafts/{wid}/publish")
    assert status == 200 and published["published"], published
    catalogue = bench["catalogue"]
    assert (catalogue / "hefei-2025.yml").is_file() and (catalogue.parent / "sources" / "hefei-2025.coverage.yml").is_file()
    assert check_catalogue(catalogue).ok
    raw = yaml.safe_load((catalogue / "hefei-2025.yml").read_text(encoding="utf-8"))
    assert raw["document"]["jurisdiction"] == "合肥市" and any(m["id"] == "hf-offshore-award" for m in raw["measures"])

    # The running assistant serves it without a restart (POLICY_RELOAD_SECONDS=1 on this stack).
    eligible = firm_results_once_served(bench["base"], "hf-offshore-award")
    assert "合肥市商务局" in [c["name"] for c in eligible["hf-offshore-award"]["contacts"]]
    assert API_TOKEN
