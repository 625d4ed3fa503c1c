"""The hotline console: its JSON API over HTTP (token required) and its page in a real browser."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.stack import CONSOLE_TOKEN, http
from tests.test_web_widget import SCREENSHOTS, browser  # noqa: F401 - the shared browser fixture

AUTH = {"Authorization": f"Bearer {CONSOLE_TOKEN}"}
ENDPOINTS = [("GET", "api/fields", None), ("GET", "api/handoffs", None), ("GET", "api/search?q=信保", None),
             ("GET", "api/conversations/anyone", None), ("POST", "api/evaluate", {"profile": {"city": "杭州"}})]


def console(servers, path=""):
    return f"{servers['plain']}/webhooks/console/{path}"


@pytest.fixture(scope="module")
def handed_off(servers):
    """A firm that talked to the assistant on the website and asked for a person."""
    sender = f"web-{uuid.uuid4().hex[:8]}"
    for text in ["我们在宁波，做离岸呼叫中心", "转人工"]:
        status, _ = http("POST", f"{servers['plain']}/webhooks/web/webhook", {"sender": sender, "message": text})
        assert status == 200
    return sender


@pytest.mark.parametrize("method, path, body", ENDPOINTS)
def test_every_api_endpoint_refuses_without_the_token(servers, method, path, body):
    assert http(method, console(servers, path), body)[0] == 401
    assert http(method, console(servers, path), body, {"Authorization": "Bearer wrong"})[0] == 401


def test_evaluate_gives_results_reasons_and_a_script(servers):
    profile = {"city": "杭州", "offshore": False, "service_types": ["ITO"]}
    status, body = http("POST", console(servers, "api/evaluate"), {"profile": profile, "as_of": "2024-06-30"}, AUTH)
    assert status == 200
    assert body["as_of"] == "2024-06-30"
    ineligible = {e["id"]: e for e in body["ineligible"]}
    assert ineligible["zj-offshore-zero-rate"]["reasons"] == ["需承接离岸服务外包业务（贵公司：暂无离岸业务）"]
    assert ineligible["zj-offshore-zero-rate"]["what_if"]["summary"] == "若贵公司承接离岸服务外包业务，即可符合条件。"
    assert body["script"].startswith("您好，根据您提供的情况") and "杭州市商务局" in body["script"]


@pytest.mark.parametrize("body, fragment", [
    ({"profile": {"offshroe": True}}, "offshroe"),
    ({"profile": {"city": "杭州"}, "as_of": "2024-13-01"}, "month"),
    ({"profile": "杭州"}, "profile"),
])
def test_evaluate_rejects_bad_input_clearly(servers, body, fragment):
    status, answer = http("POST", console(servers, "api/evaluate"), body, AUTH)
    assert status == 400 and fragment in answer["error"]


def test_search_by_keyword(servers):
    status, body = http("GET", console(servers, "api/search?q=%E5%B7%A5%E4%BD%9C%E8%AE%B8%E5%8F%AF"), None, AUTH)
    assert status == 200 and [m["id"] for m in body["measures"]] == ["zj-foreign-talent"]
    status, body = http("GET", console(servers, "api/search?q=%E5%87%BA%E5%8F%A3%E4%BF%A1%E7%94%A8%E4%BF%9D%E9%99%A9"), None, AUTH)
    assert {"zj-export-credit-insurance", "wh-export-credit-insurance"} <= {m["id"] for m in body["measures"]}


def test_handoff_queue_and_conversation(servers, handed_off):
    status, body = http("GET", console(servers, "api/handoffs"), None, AUTH)
    assert status == 200 and handed_off in [h["conversation_id"] for h in body["handoffs"]]
    status, conv = http("GET", console(servers, f"api/conversations/{handed_off}"), None, AUTH)
    assert status == 200
    assert conv["channel"] == "web" and conv["handoff_requested"] is True
    assert conv["profile"]["city"] == "宁波" and conv["profile"]["offshore"] is True
    assert [m["text"] for m in conv["transcript"] if m["who"] == "firm"] == ["我们在宁波，做离岸呼叫中心", "转人工"]
    assert http("GET", console(servers, "api/conversations/nobody-here"), None, AUTH)[0] == 404


def test_console_in_the_browser(browser, servers, handed_off):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.goto(console(servers))
    page.fill("#token", "wrong")
    page.click("#login-form button")
    expect(page.locator("#login-error")).to_contain_text("令牌无效")
    page.fill("#token", CONSOLE_TOKEN)
    page.click("#login-form button")
    # The queue of hand-offs is on the first screen.
    row = page.locator("#queue tbody tr", has_text=handed_off)
    expect(row).to_be_visible()
    row.get_by_role("button").click()
    expect(page.locator("#conv")).to_contain_text("位于宁波")
    expect(page.locator("#conv .transcript")).to_contain_text("企业：转人工")
    page.get_by_role("button", name="用此画像评估").click()
    expect(page.locator("#eval table").first).to_contain_text("离岸服务外包零税率或免税优惠")
    assert page.locator("#script").input_value().startswith("您好，根据您提供的情况")
    expect(page.locator("#eval")).to_contain_text("服务外包业务类型")  # missing facts in Chinese, not field names
    page.fill("#q", "工作许可")
    page.click("#search-form button")
    expect(page.locator("#search")).to_contain_text("外籍人才工作许可")
    page.screenshot(path=str(SCREENSHOTS / "console.png"), full_page=True)
    serious = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"]) for v in serious]
    context.close()
