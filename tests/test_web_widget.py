"""The website chat widget in a real browser: Debian's chromium driven by Playwright, against the real stack."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: `make browser` installs Debian's chromium"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, servers):
    # bypass_csp: Playwright's own helpers evaluate scripts, which the page's CSP forbids.
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN", bypass_csp=True)
    pg = context.new_page()
    pg.goto(f"{servers['plain']}/webhooks/web/widget/")
    yield pg
    context.close()


def bot_messages(page):
    return page.locator(".pc-msg-bot")


def send(page, text):
    """Type and send; wait for the reply (a bot message, buttons or result cards: results have no text bubble)."""
    before = page.locator(".pc-log > *").count()
    page.fill("#pc-input", text)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('.pc-log > *').length > {before + 1}"
                           " && !document.querySelector('.pc-form button').disabled", timeout=30000)


def open_widget(page):
    page.click(".pc-launcher")
    expect(page.locator("#pc-dialog")).to_be_visible()
    expect(bot_messages(page).first).to_contain_text("服务外包政策助手", timeout=30000)


def test_conversation_to_result_cards(page):
    launcher = page.locator(".pc-launcher")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    open_widget(page)
    expect(launcher).to_have_attribute("aria-expanded", "true")
    assert page.evaluate("document.activeElement.id") == "pc-input"
    send(page, "我们在杭州，做ITO软件开发")
    replies = page.locator(".pc-replies:not(:has(button:disabled)) button")
    expect(replies).to_have_text(["是的", "不是", "不清楚"])
    before = bot_messages(page).count()
    replies.first.click()
    page.wait_for_function(f"document.querySelectorAll('.pc-msg-bot').length > {before}", timeout=30000)
    expect(page.locator(".pc-msg-user").last).to_have_text("我：是的")
    send(page, "直接看结果")
    cards = page.locator(".pc-card")
    expect(cards.first).to_be_visible()
    first = cards.first
    expect(first.locator("h4")).not_to_be_empty()
    expect(first.locator(".pc-badge")).not_to_be_empty()
    expect(first).to_contain_text("联系：杭州市商务局（协同单位：浙江省商务厅）")  # the city bureau leads
    expect(first.locator("details")).not_to_have_attribute("open", "")  # collapsed: title, benefit, contact
    first.locator("summary").click()
    expect(first).to_contain_text("出处：《浙江省服务外包提能升级三年行动计划（2023—2025年）》")
    expect(first).to_contain_text("原文未规定，以部门通知为准")
    page.locator(".pc-results > details summary").last.click()  # expandable reasons and what-if
    page.screenshot(path=str(SCREENSHOTS / "widget-results.png"))


def test_checklist_is_ticked_and_confirmed(page):
    open_widget(page)
    send(page, "我们在杭州，做ITO软件开发，有离岸业务")
    checklist = page.locator("fieldset.pc-checklist").last
    expect(checklist).to_be_visible()
    boxes = checklist.locator("input[type=checkbox]")
    assert boxes.count() >= 2
    first_label = checklist.locator("label").first.inner_text()
    boxes.first.check()
    page.screenshot(path=str(SCREENSHOTS / "widget-checklist.png"))
    before = bot_messages(page).count()
    checklist.get_by_role("button", name="确定").click()
    # The reply is another question or the results, which come as cards without a text bubble.
    page.wait_for_function(f"document.querySelectorAll('.pc-msg-bot').length > {before}"
                           " || document.querySelectorAll('.pc-card').length > 0", timeout=30000)
    expect(page.locator(".pc-msg-user").last).to_have_text("我：符合：" + first_label.split(". ", 1)[1])
    expect(checklist.locator("input").first).to_be_disabled()  # answered: no second submission
    expect(page.locator(".pc-card").first).to_be_visible(timeout=30000)  # nothing left to ask: results


def test_conversation_survives_a_reload(page):
    open_widget(page)
    send(page, "我们在武汉，做设计外包")
    count = page.locator(".pc-log > *").count()
    page.reload()
    expect(page.locator("#pc-dialog")).to_be_visible()
    expect(page.locator(".pc-log > *")).to_have_count(count)
    send(page, "直接看结果")  # the server kept the profile too
    expect(page.locator(".pc-card", has_text="武汉市商务局").first).to_be_visible()


def test_keyboard_only_and_escape(page):
    page.keyboard.press("Tab")
    for _ in range(10):
        if page.evaluate("document.activeElement.className") == "pc-launcher":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "pc-launcher"
    page.keyboard.press("Enter")
    expect(bot_messages(page).first).to_be_visible(timeout=30000)
    assert page.evaluate("document.activeElement.id") == "pc-input"
    page.keyboard.type("我们在温州")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('.pc-msg-bot').length >= 3", timeout=30000)
    page.keyboard.press("Escape")
    expect(page.locator("#pc-dialog")).to_be_hidden()
    expect(page.locator(".pc-launcher")).to_have_attribute("aria-expanded", "false")
    assert page.evaluate("document.activeElement.className") == "pc-launcher"


def test_text_is_rendered_as_text_never_html(page):
    open_widget(page)
    attack = '<img src=x onerror="window.pwned=1"><b>粗体</b>'
    send(page, attack)
    expect(page.locator(".pc-msg-user").last).to_have_text("我：" + attack)
    assert page.locator(".pc-log img, .pc-log b, .pc-log script").count() == 0
    assert page.evaluate("window.pwned === undefined")


def test_accessibility_structure_and_axe(page):
    from axe_playwright_python.sync_playwright import Axe

    open_widget(page)
    log = page.locator(".pc-log")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.locator(".pc-launcher")).to_have_attribute("aria-label", "打开服务外包政策咨询助手")
    expect(page.locator("label[for=pc-input]")).to_have_count(1)
    send(page, "我们在宁波，做离岸外包")
    send(page, "直接看结果")
    expect(page.locator(".pc-card").first).to_be_visible()
    page.get_by_role("button", name="修改信息").click()  # the recap list and its buttons too
    page.locator(".pc-card summary").first.click()
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


@pytest.mark.parametrize("width, height, name", [(320, 640, "320px"), (640, 430, "zoom200")])
def test_narrow_screens_and_zoom(browser, servers, width, height, name):
    # 200 % zoom of a 1280×860 window is a 640×430 CSS-pixel viewport.
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{servers['plain']}/webhooks/web/widget/")
    open_widget(page)
    send(page, "我们在杭州，有离岸业务")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = page.locator("#pc-dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    expect(page.locator("#pc-input")).to_be_in_viewport()
    expect(page.locator(".pc-form button")).to_be_in_viewport()
    page.screenshot(path=str(SCREENSHOTS / f"widget-{name}.png"))
    send(page, "直接看结果")  # the results too: summary, report buttons, cards, recap — no sideways scrolling
    expect(page.locator(".pc-summary")).to_be_in_viewport()
    page.get_by_role("button", name="修改信息").click()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("(() => { const l = document.querySelector('.pc-log'); return l.scrollWidth <= l.clientWidth; })()")
    expect(page.locator("#pc-input")).to_be_in_viewport()
    page.screenshot(path=str(SCREENSHOTS / f"widget-{name}-results.png"))
    context.close()


# ---- results a firm can act on, its report, corrections, shared computers (issue 13) ----------------

def to_results(page, opening="我们在杭州，做离岸外包"):
    open_widget(page)
    send(page, opening)
    send(page, "直接看结果")
    expect(page.locator(".pc-summary").last).to_be_visible(timeout=30000)


def test_one_screen_summary_cards_only_and_view_at_the_summary(page):
    to_results(page)
    summary = page.locator(".pc-summary").last
    expect(summary).to_contain_text("根据您提供的信息")
    expect(summary).to_contain_text("建议下一步")
    expect(summary).to_contain_text("执行期已满（2025年底）")
    # Cards only: the compact text for REST clients is not shown a second time.
    assert page.locator(".pc-msg-bot", has_text="建议下一步").count() == 0
    assert page.locator(".pc-msg-bot", has_text="【申请类政策】").count() == 0
    # The view starts at the summary, not at the bottom of the results.
    log_box, summary_box = page.locator(".pc-log").bounding_box(), summary.bounding_box()
    assert log_box["y"] - 1 <= summary_box["y"] <= log_box["y"] + 40, (log_box, summary_box)
    # Expired plan: honest wording on every card, never 可以享受.
    badges = page.locator(".pc-card .pc-badge").all_inner_texts()
    assert badges and all(b == "符合条件；文件执行期已满（2025年底），请向部门确认是否延续" for b in badges)
    assert "可以享受" not in page.locator(".pc-results").last.inner_text()
    # Grouped by kind; each card collapsed to title + benefit + contact.
    headings = page.locator(".pc-results > h3").all_inner_texts()
    assert headings and headings[0].startswith("申请类政策")
    total = page.evaluate("document.querySelector('.pc-results:last-of-type').scrollHeight")
    assert total < 4000, f"results are {total}px tall"
    page.screenshot(path=str(SCREENSHOTS / "widget-summary.png"))


def test_report_open_download_copy_delete(browser, servers):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN", bypass_csp=True,
                                  accept_downloads=True, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{servers['plain']}/webhooks/web/widget/")
    to_results(page)
    bar = page.locator(".pc-report").last
    with page.expect_download() as download:
        bar.get_by_role("link", name="下载报告").click()
    path = download.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF")
    assert page.evaluate("document.activeElement.tagName") in ("A", "TEXTAREA")

    href = bar.get_by_role("link", name="查看报告").get_attribute("href")
    assert "/report/" in href
    report = context.new_page()
    report.goto(href)
    expect(report.locator("h1")).to_have_text("政策匹配报告")
    expect(report.locator(".summary")).to_contain_text("建议下一步")
    expect(report.locator("body")).to_contain_text("企业信息（您提供的）")
    violations = Axe().run(report).response["violations"]
    assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    report.screenshot(path=str(SCREENSHOTS / "report-page.png"), full_page=True)

    bar.get_by_role("button", name="复制链接").click()
    expect(page.locator(".pc-notice")).to_contain_text("报告链接已复制")
    assert page.evaluate("navigator.clipboard.readText()") == href

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".pc-report").last.get_by_role("button", name="删除报告").click()
    expect(page.locator(".pc-report").last).to_contain_text("报告已删除")
    report.reload()
    expect(report.locator("h1")).to_have_text("报告不存在或已过期")
    context.close()


def test_recap_corrects_one_fact_and_shows_the_difference(page):
    to_results(page, "我们在杭州，做ITO软件开发，有离岸业务")
    results_before = page.locator(".pc-results").count()
    page.get_by_role("button", name="修改信息").last.click()
    facts = page.locator(".pc-facts li")
    expect(facts.first).to_contain_text("所在地：杭州")
    offshore = page.locator(".pc-facts li", has_text="承接离岸业务")
    offshore.get_by_role("button", name="修改承接离岸业务").click()
    offshore.get_by_role("button", name="暂无离岸业务").click()
    expect(page.locator(".pc-msg-user").last).to_have_text("我：修改：承接离岸业务 → 暂无离岸业务")
    assert page.evaluate("document.activeElement.id") == "pc-input"  # focus back to the input
    # Re-evaluated at once: new results with the difference, not the questions again.
    for _ in range(6):
        if page.locator(".pc-results").count() > results_before:
            break
        send(page, "不清楚")
    expect(page.locator(".pc-results")).to_have_count(results_before + 1, timeout=30000)
    change = page.locator(".pc-change").last
    expect(change).to_contain_text("与上次相比：")
    expect(change).to_contain_text("不再符合")
    expect(page.locator(".pc-results").first.get_by_role("button", name="修改信息")).to_be_disabled()
    page.screenshot(path=str(SCREENSHOTS / "widget-correction.png"))


def test_answered_buttons_disabled_focus_back_and_touch_targets(page):
    open_widget(page)
    send(page, "我们在杭州，做ITO软件开发")
    replies = page.locator(".pc-replies:not(:has(button:disabled)) button")
    expect(replies.first).to_be_visible()
    replies.first.click()
    assert page.evaluate("document.activeElement.id") == "pc-input"
    page.wait_for_function("!document.querySelector('.pc-form button').disabled", timeout=30000)
    expect(page.locator(".pc-replies").first.locator("button").first).to_be_disabled()
    send(page, "直接看结果")
    expect(page.locator(".pc-summary")).to_be_visible()
    page.get_by_role("button", name="修改信息").click()
    targets = "#pc-dialog button, #pc-dialog a, #pc-dialog summary, .pc-launcher, .pc-check"
    small = page.evaluate("""(targets) => [...document.querySelectorAll(targets)]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.textContent.trim().slice(0, 12), e.getBoundingClientRect().width, e.getBoundingClientRect().height])
        .filter(([, w, h]) => w < 44 || h < 44)""", targets)
    assert small == [], small


def test_restart_asks_and_clear_removes_local_history(page):
    open_widget(page)
    send(page, "我们在武汉，做设计外包")
    count = page.locator(".pc-log > *").count()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="重新开始").click()
    expect(page.locator(".pc-log > *")).to_have_count(count)  # dismissed: nothing lost
    sender = page.evaluate("JSON.parse(localStorage.getItem('policy-chat-v1')).sender")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="清除记录").click()
    expect(page.locator(".pc-notice")).to_contain_text("对话记录已清除")
    expect(bot_messages(page).first).to_contain_text("服务外包政策助手", timeout=30000)
    assert page.locator(".pc-msg-user", has_text="设计外包").count() == 0
    assert page.evaluate("JSON.parse(localStorage.getItem('policy-chat-v1')).sender") != sender


def test_local_history_expires_on_shared_computers(page):
    open_widget(page)
    send(page, "我们在宁波")
    page.evaluate("""() => { const s = JSON.parse(localStorage.getItem('policy-chat-v1'));
        s.savedAt = Date.now() - 121 * 60000; localStorage.setItem('policy-chat-v1', JSON.stringify(s)); }""")
    page.reload()
    expect(page.locator("#pc-dialog")).to_be_hidden()  # expired: not even reopened
    assert page.evaluate("localStorage.getItem('policy-chat-v1')") is None
    page.click(".pc-launcher")
    expect(bot_messages(page).first).to_contain_text("服务外包政策助手", timeout=30000)
    assert page.locator(".pc-msg-user", has_text="宁波").count() == 0
