"""The hotline console: its JSON API over HTTP (token required) and its page in a real browser — a staff member
works a queue item from new to taken to closed with a note, and prints the report."""
from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
from playwright.sync_api import expect

from bot.handoff import queue as handoff_queue
from tests.stack import CONSOLE_TOKEN, http
from tests.test_web_widget import SCREENSHOTS, browser  # noqa: F401 - the shared browser fixture
from tests.test_wecom import get_text

AUTH = {"Authorization": f"Bearer {CONSOLE_TOKEN}"}
ENDPOINTS = [("GET", "api/fields", None), ("GET", "api/handoffs", None), ("GET", "api/search?q=信保", None),
             ("GET", "api/conversations/anyone", None), ("POST", "api/evaluate", {"profile": {"city": "杭州"}}),
             ("GET", "api/queue", None), ("POST", "api/queue/anyone/take", {"staff": "张三"}),
             ("POST", "api/queue/anyone/close", {"staff": "张三"}), ("POST", "api/conversations/anyone/send", {}),
             ("POST", "api/report", {"profile": {"city": "杭州"}})]
FIRM = "宁波海曙远景呼叫中心有限公司"


def console(servers, path=""):
    return f"{servers['plain']}/webhooks/console/{path}"


def web(servers, sender, text):
    status, replies = http("POST", f"{servers['plain']}/webhooks/web/webhook", {"sender": sender, "message": text})
    assert status == 200
    return replies


@pytest.fixture(scope="module")
def handed_off(servers):
    """A firm that talked to the assistant on the website, asked for a person, gave its name and — pressing the
    notice's button — its phone number."""
    sender = f"web-{uuid.uuid4().hex[:8]}"
    said = [(text, web(servers, sender, text)) for text in ["我们在宁波，做离岸呼叫中心", "转人工", FIRM, "/affirm", "13812345678"]]
    row = handoff_queue.get(sender, servers["handoff_db"])
    assert row and row["firm_name"] == FIRM and row["contact"] == "13812345678", said
    return sender


def test_the_page_loads_its_own_and_the_staff_pages_shared_stylesheet(servers):
    import urllib.request

    page = urllib.request.urlopen(console(servers), timeout=30).read().decode("utf-8")
    assert 'href="staff.css"' in page and 'href="console.css"' in page
    for sheet in ("staff.css", "console.css"):
        assert urllib.request.urlopen(console(servers, sheet), timeout=30).status == 200


@pytest.mark.parametrize("method, path, body", ENDPOINTS)
def test_every_api_endpoint_refuses_without_the_token(servers, method, path, body):
    assert http(method, console(servers, path), body)[0] == 401
    assert http(method, console(servers, path), body, {"Authorization": "Bearer wrong"})[0] == 401


def test_evaluate_gives_results_reasons_and_a_short_script(servers):
    profile = {"city": "杭州", "offshore": False, "service_types": ["ITO"]}
    status, body = http("POST", console(servers, "api/evaluate"), {"profile": profile, "as_of": "2024-06-30"}, AUTH)
    assert status == 200
    assert body["as_of"] == "2024-06-30"
    ineligible = {e["id"]: e for e in body["ineligible"]}
    assert ineligible["zj-offshore-zero-rate"]["reasons"] == ["需承接离岸服务外包业务（贵公司：暂无离岸业务）"]
    assert ineligible["zj-offshore-zero-rate"]["what_if"]["summary"] == "若贵公司承接离岸服务外包业务，即可符合条件。"
    script = body["script"].split("\n")
    assert script[0].startswith("您好") and len(script[0]) <= 400  # the summary, read aloud
    assert "杭州市商务局" in body["script"]
    for e in body["eligible"]:  # then one line per measure
        assert sum(line.count(e["title"]) for line in script[1:]) >= 1
    assert body["summary"] and body["summary"][0].startswith("根据")


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


def test_queue_has_one_row_per_conversation_with_firm_city_contact(servers, handed_off):
    status, body = http("GET", console(servers, "api/queue"), None, AUTH)
    assert status == 200
    rows = [r for r in body["items"] if r["conversation_id"] == handed_off]
    assert len(rows) == 1  # five messages, one row
    row = rows[0]
    assert (row["firm_name"], row["city"], row["contact"], row["status"]) == (FIRM, "宁波", "13812345678", "new")
    assert row["channel"] == "web" and row["requested_at"]
    for query in ["海曙远景", "138 1234 5678", "离岸服务外包"]:  # firm name, phone, a measure it matched
        status, found = http("GET", console(servers, f"api/queue?q={query}"), None, AUTH)
        assert handed_off in [r["conversation_id"] for r in found["items"]], query
    assert http("GET", console(servers, "api/queue?status=open"), None, AUTH)[0] == 400


def test_conversation_shows_profile_results_then_transcript_with_button_titles(servers, handed_off):
    status, conv = http("GET", console(servers, f"api/conversations/{handed_off}"), None, AUTH)
    assert status == 200
    assert conv["channel"] == "web" and conv["handoff_requested"] is True
    assert conv["profile"]["city"] == "宁波" and conv["profile"]["offshore"] is True
    assert conv["evaluation"]["counts"]["eligible"] >= 1 and conv["evaluation"]["script"].startswith("您好")
    assert conv["queue"]["firm_name"] == FIRM
    firm = [(m["text"], m["button"]) for m in conv["transcript"] if m["who"] == "firm"]
    assert firm == [("我们在宁波，做离岸呼叫中心", False), ("转人工", False), (FIRM, False), ("留下联系方式", True),
                    ("13812345678", False)]
    assert not any("/affirm" in m["text"] for m in conv["transcript"])
    assert http("GET", console(servers, "api/conversations/nobody-here"), None, AUTH)[0] == 404


def test_queue_work_is_stored_and_survives_a_restart(servers):
    sender = f"web-{uuid.uuid4().hex[:8]}"
    for text in ["我们在杭州", "转人工", "跳过", "不用了"]:
        web(servers, sender, text)
    url = console(servers, f"api/queue/{sender}")
    assert http("POST", f"{url}/take", {"staff": ""}, AUTH)[0] == 400  # who took it is always known
    status, item = http("POST", f"{url}/take", {"staff": "王五"}, AUTH)
    assert status == 200 and (item["status"], item["taken_by"]) == ("taken", "王五")
    assert http("POST", f"{url}/take", {"staff": "赵六"}, AUTH)[0] == 409
    assert http("POST", f"{url}/note", {"staff": "王五", "text": "已回电"}, AUTH)[0] == 200
    status, item = http("POST", f"{url}/close", {"staff": "王五", "text": "企业下周提交材料"}, AUTH)
    assert status == 200 and item["status"] == "closed" and item["contact"] is None
    assert [n["text"] for n in item["notes"]] == ["接手处理", "已回电", "企业下周提交材料", "已办结"]
    assert http("POST", f"{url}/wander", {"staff": "王五"}, AUTH)[0] == 404
    # Another process (a restarted server) reads the same state from the database.
    code = ("import json,sys; from bot.handoff import queue as q; r=q.get(sys.argv[1], sys.argv[2]);"
            "print(json.dumps([r['status'], r['closed_by'], len(r['notes'])], ensure_ascii=False))")
    out = subprocess.run([sys.executable, "-c", code, sender, servers["handoff_db"]], capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()[-1]
    assert out == '["closed", "王五", 4]'


def test_send_to_a_web_firm_gives_a_report_link(servers, handed_off):
    assert http("POST", console(servers, f"api/conversations/{handed_off}/send"), {}, AUTH)[0] == 400  # no staff name
    status, sent = http("POST", console(servers, f"api/conversations/{handed_off}/send"), {"staff": "张三"}, AUTH)
    assert status == 200 and sent["via"] == "link" and sent["report"]["page"].startswith("/report/")
    status, page = get_text(f"{servers['plain']}{sent['report']['page']}")
    assert status == 200 and "政策匹配报告" in page
    notes = handoff_queue.get(handed_off, servers["handoff_db"])["notes"]
    assert notes[-1]["kind"] == "sent" and sent["report"]["page"] in notes[-1]["text"]


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def _axe(page):
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_a_staff_member_works_a_queue_item_and_prints_the_report(browser, servers, handed_off):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.goto(console(servers))
    page.fill("#staff", "张三")
    page.fill("#token", "wrong")
    page.click("#login-form button")
    expect(page.locator("#login-error")).to_contain_text("令牌无效")
    page.fill("#token", CONSOLE_TOKEN)
    page.click("#login-form button")
    expect(page.locator("#whoami")).to_have_text("工作人员：张三")
    assert _axe(page) == []

    # The queue: one row per conversation, with firm, city, contact, status.
    page.fill("#queue-q", "海曙远景")
    page.click("#queue-form button")
    row = page.locator("#queue tbody tr", has_text=FIRM)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("宁波")
    expect(row).to_contain_text("13812345678")
    expect(row).to_contain_text("新")
    row.get_by_role("button").click()

    # The conversation: profile and results first, then the transcript with the button's title.
    conv = page.locator("#conv")
    expect(conv.locator(".report")).to_contain_text("位于宁波")
    expect(conv.locator(".report table").first).to_contain_text("可以享受")
    assert page.locator("#conv-report-script").input_value().startswith("您好")
    expect(conv.locator(".transcript")).to_contain_text("企业：留下联系方式（点选）")
    report_top = conv.locator(".report").bounding_box()["y"]
    assert report_top < conv.locator(".transcript").bounding_box()["y"]
    assert "/affirm" not in conv.inner_text()
    assert _axe(page) == []

    # new → taken → note → closed, each stored.
    conv.get_by_role("button", name="接手").click()
    expect(page.locator("#status")).to_have_text("已接手")
    expect(conv.locator(".meta")).to_contain_text("处理中（张三）")
    page.fill("#note", "已电话联系，企业下周提交离岸业务合同")
    conv.get_by_role("button", name="添加备注").click()
    expect(conv.locator(".notes")).to_contain_text("张三：已电话联系，企业下周提交离岸业务合同")
    conv.get_by_role("button", name="办结").click()
    expect(conv.locator(".meta")).to_contain_text("已办结")
    expect(conv.get_by_role("button", name="办结")).to_have_count(0)
    item = handoff_queue.get(handed_off, servers["handoff_db"])
    assert (item["status"], item["taken_by"], item["closed_by"]) == ("closed", "张三", "张三")
    assert "已电话联系，企业下周提交离岸业务合同" in [n["text"] for n in item["notes"]]
    page.select_option("#queue-status", "closed")
    expect(page.locator("#queue tbody tr", has_text=FIRM)).to_contain_text("已办结")

    # 打印: the print dialog opens on the report, and print media shows the report only.
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    conv.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed") == 1
    assert page.evaluate("document.body.dataset.print") == "conv-report"
    page.emulate_media(media="print")
    expect(page.locator("#conv-report")).to_be_visible()
    expect(page.locator("#conv-report table").first).to_be_visible()
    for hidden in ["#queue-panel", "#search-panel", "#eval-panel", ".transcript", ".bar", "#conv-report-script",
                   "#conv-report .actions", ".work"]:
        expect(page.locator(hidden).first).to_be_hidden()
    page.pdf(path=str(SCREENSHOTS / "console-print.pdf"))  # what the printer gets
    page.emulate_media(media="screen")

    # 发送给企业 (a web conversation): a link to copy.
    conv.get_by_role("button", name="发送给企业（复制链接）").click()
    expect(conv.locator(".link-box input")).to_be_visible()
    assert "/report/" in conv.locator(".link-box input").input_value()

    # Staff fill the profile themselves for a caller and get the same report.
    conv.get_by_role("button", name="按此画像修改评估").click()
    page.select_option("#f-foreign_invested", "true")
    page.click("#eval-form button[type=submit]")
    expect(page.locator("#eval-report")).to_contain_text("可以享受")
    page.get_by_role("button", name="生成报告链接").click()
    expect(page.locator("#eval-report .link-box input")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "console.png"), full_page=True)
    assert _axe(page) == []

    # 200 % zoom: the same page in half the CSS width, nothing to scroll sideways, still workable.
    page.set_viewport_size({"width": 640, "height": 500})
    page.select_option("#queue-status", "")
    expect(page.locator("#queue tbody tr", has_text=FIRM)).to_be_visible()
    assert _no_horizontal_scroll(page)
    page.locator("#queue tbody tr", has_text=FIRM).get_by_role("button").click()
    expect(conv.locator(".report")).to_contain_text("位于宁波")
    assert _no_horizontal_scroll(page)
    box = conv.get_by_role("button", name="打印").bounding_box()
    assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 640
    page.screenshot(path=str(SCREENSHOTS / "console-200.png"), full_page=True)
    assert _axe(page) == []
    context.close()
