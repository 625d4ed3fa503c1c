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
    before = bot_messages(page).count()
    page.fill("#pc-input", text)
    page.keyboard.press("Enter")
    expect(page.locator(".pc-typing")).to_have_text("", timeout=30000)
    page.wait_for_function(f"document.querySelectorAll('.pc-msg-bot').length > {before}", timeout=30000)


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
    expect(first).to_contain_text("联系部门：浙江省商务厅、杭州市商务局")
    expect(first).to_contain_text("出处：《浙江省服务外包提能升级三年行动计划（2023—2025年）》")
    page.locator(".pc-results details summary").last.click()  # expandable reasons and what-if
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
    page.wait_for_function(f"document.querySelectorAll('.pc-msg-bot').length > {before}", timeout=30000)
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
    expect(page.locator(".pc-card").first).to_contain_text("武汉市商务局")


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
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious]


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
    context.close()
