"""The policy officer's workbench page in a real browser (Debian's chromium driven by Playwright), on a stack of its
own (tests/workbench_stack.py): an officer takes an uploaded text, sentence by sentence, to a published measure —
then a firm's REST conversation gets that measure from the running assistant, without a restart (issue 22)."""
from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.stack import http
from tests.test_web_widget import ARGS, CHROMIUM
from tests.workbench_stack import HEFEI_TEXT, OFFICER_TOKEN, SUBSCRIBER, firm_results_once_served, workbench_stack

PAGE = "/webhooks/workbench/"
# Written under build/ (a test run never edits docs/); docs/screenshots/workbench-*.png are copies of these.
SHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
AUTH = {"Authorization": f"Bearer {OFFICER_TOKEN}"}
OFFSHORE = "离岸服务外包执行额达到300万美元以上"
SLOW = 120_000  # ms: drafting, 40-odd accepts in a row, checking and publishing on a busy machine


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    stack, urls = workbench_stack(tmp_path_factory.mktemp("workbench-browser"))
    yield urls
    stack.stop()


@pytest.fixture(scope="module")
def chromium():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: `make browser` installs Debian's chromium"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(chromium, bench):
    # bypass_csp: Playwright's own helpers evaluate scripts, which the page's CSP forbids.
    context = chromium.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN", bypass_csp=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(bench["base"] + PAGE)
    yield pg
    context.close()
    assert not errors, errors  # no script error anywhere along the way


def api(bench, method, path, body=None):
    return http(method, f"{bench['base']}/webhooks/workbench/api{path}", body, AUTH, timeout=120)


def login(page):
    page.get_by_label("您的姓名").fill("王科员")
    page.get_by_label("访问令牌（OFFICER_TOKEN）").fill(OFFICER_TOKEN)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#whoami")).to_have_text("政策录入：王科员")


def sentence(page, text):
    return page.locator("#sentences > li", has_text=text)


def test_the_page_keeps_to_its_content_security_policy(bench):
    with urllib.request.urlopen(bench["base"] + PAGE, timeout=30) as answer:
        csp = answer.headers["Content-Security-Policy"]
        html = answer.read().decode("utf-8")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "<style" not in html and " style=" not in html  # styles only from workbench.css
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="workbench.js" defer>']
    assert http("GET", f"{bench['base']}/webhooks/workbench/api/drafts")[0] == 401  # no token, no data


def test_an_officer_takes_an_uploaded_text_to_a_published_measure(page, bench):
    login(page)

    # 文稿: the text uploaded (read as UTF-8 in the browser), then drafted.
    page.get_by_label("上传纯文本文件（.txt）").set_input_files(str(HEFEI_TEXT))
    expect(page.locator("#file-note")).to_contain_text("已读取 hefei-2025.txt")
    expect(page.get_by_label("或粘贴原文")).to_have_value(re.compile("合肥市关于促进服务外包高质量发展的若干措施"))
    page.screenshot(path=str(SHOTS / "workbench-upload.png"))
    page.get_by_role("button", name="起草").click()
    expect(page.locator("#status")).to_contain_text("起草完成", timeout=SLOW)

    # 文件信息: read from the text, the guesses marked; the officer adds the ids.
    expect(page.get_by_label("适用地区（如 合肥市）")).to_have_value("合肥市")
    expect(page.get_by_label("文号", exact=True)).to_have_value("合政办〔2025〕6号")
    expect(page.locator("#guesses")).to_contain_text("「推定」适用地区：由发文单位或标题推定为合肥市")
    page.get_by_label("文件编号（如 hefei-2025）").fill("hefei-2025")
    page.get_by_label("措施编号前缀（如 hf）").fill("hf")
    page.get_by_role("button", name="保存文件信息").click()
    expect(page.locator("#status")).to_contain_text("文件信息已保存")

    # 逐句审核: the offshore sentence's draft, edited in the form (criteria prefilled as one row).
    item = sentence(page, OFFSHORE)
    expect(item.locator(".badge")).to_have_text("待定")
    draft = item.locator(".draft")
    expect(draft).to_contain_text("合肥市商务局")
    expect(draft).to_contain_text("企业申请/办理")
    expect(draft).to_contain_text("已承接离岸业务")  # the conditions in words
    expect(draft).to_contain_text(re.compile(r"hf-s\d{3}"))  # the prefix just saved
    item.get_by_role("button", name="修改").click()
    form = item.locator(".edit-form")
    expect(form.locator(".crit-row")).to_have_count(1)
    expect(form.get_by_label("企业情况")).to_have_value("offshore")
    expect(form.get_by_label("取值")).to_have_value("true")
    expect(form.get_by_label("条件说明")).to_have_value("已承接离岸业务")
    form.get_by_label("措施编号", exact=True).fill("hf-offshore-award")
    form.get_by_label("标题", exact=True).fill("离岸服务外包执行额奖励")
    item.evaluate("e => e.scrollIntoView()")
    page.screenshot(path=str(SHOTS / "workbench-review.png"))
    form.get_by_role("button", name="保存修改").click()
    expect(item.locator(".badge")).to_have_text("已接受：hf-offshore-award")
    expect(item.locator(".edit-form")).to_have_count(0)
    expect(item.locator(".draft h4")).to_have_text("离岸服务外包执行额奖励")

    # The rest in bulk: every other draft accepted, every other sentence not encoded for the drafter's reason.
    page.get_by_role("button", name="接受全部待定草稿").click()
    expect(page.locator("#bulk-progress")).to_have_text(re.compile(r"^已接受 (\d+)/\1 条草稿。$"), timeout=SLOW)
    expect(page.locator("#bulk-problems")).to_be_empty()
    page.get_by_role("button", name="其余句子按起草理由标为不编码").click()
    expect(page.locator("#bulk-progress")).to_contain_text("句按起草理由标为不编码")

    # 覆盖进度: complete.
    expect(page.locator("#progress-text")).to_contain_text("全部句子都已处理")
    bar = page.locator("#progress-bar")
    assert bar.get_attribute("value") == bar.get_attribute("max")
    expect(page.locator("#pending-box")).to_be_hidden()
    page.locator("#progress-panel").evaluate("e => e.scrollIntoView({block: 'end'})")  # the decided sentences above it
    page.screenshot(path=str(SHOTS / "workbench-progress.png"))

    # 案例试算: a 合肥 BPO firm with offshore clients gets the edited measure; the result kept as a case.
    trial = page.locator("#try-form")
    trial.get_by_label("所在城市（如 合肥）").fill("合肥")
    trial.get_by_label("业务流程外包（BPO）").check()
    trial.get_by_label("是否承接离岸业务").select_option(label="是")
    trial.get_by_role("button", name="试算").click()
    row = page.locator("#try-out tr", has_text="离岸服务外包执行额奖励")
    expect(row.locator("td").nth(2)).to_have_text("符合", timeout=SLOW)
    page.get_by_role("button", name="保存为案例").click()
    expect(page.locator("#case-note")).to_contain_text("案例已保存（本文稿共 1 个）")

    # 检查与发布.
    page.get_by_role("button", name="检查", exact=True).click()
    expect(page.locator("#check-out")).to_contain_text("检查通过", timeout=SLOW)
    page.get_by_role("button", name="推送预览").click()
    preview = page.locator("#preview-out")
    expect(preview).to_contain_text("不会发送任何通知", timeout=SLOW)
    notice = preview.locator(".push-item", has_text=SUBSCRIBER)
    expect(notice).to_contain_text("hf-offshore-award")
    page.get_by_role("button", name="发布", exact=True).click()
    dialog = page.get_by_role("dialog", name="确认发布")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("hefei-2025")
    dialog.get_by_role("button", name="确认发布").click()
    published = page.locator("#publish-out")
    expect(published).to_contain_text("发布成功", timeout=SLOW)
    expect(published).to_contain_text("catalogue/hefei-2025.yml")
    expect(published).to_contain_text("助手会在 1 秒内自动使用新的政策目录，无需重启")
    expect(page.locator("#doc-heading")).to_contain_text("发布")
    published.evaluate("e => e.closest('section').scrollIntoView()")
    page.screenshot(path=str(SHOTS / "workbench-publish.png"))
    assert (bench["catalogue"] / "hefei-2025.yml").is_file()

    # The running assistant serves it without a restart (POLICY_RELOAD_SECONDS=1 on this stack).
    firm_results_once_served(bench["base"], "hf-offshore-award")


def test_a_bad_edit_shows_the_servers_problem_and_stores_nothing(page, bench):
    status, ws = api(bench, "POST", "/drafts", {"text": HEFEI_TEXT.read_text(encoding="utf-8"), "name": "hefei.txt"})
    assert status == 201, ws
    login(page)
    page.locator(f'#drafts li[data-draft="{ws["id"]}"]').get_by_role("button", name="打开").click()
    item = sentence(page, OFFSHORE)
    item.get_by_role("button", name="修改").click()
    form = item.locator(".edit-form")
    form.get_by_label("标题", exact=True).fill("")
    form.get_by_role("button", name="保存修改").click()
    expect(form.get_by_role("alert")).to_contain_text("title: 应为非空文本")  # the server's own words
    expect(form.get_by_label("标题", exact=True)).to_be_visible()  # the form stays open, as typed
    expect(form.get_by_label("标题", exact=True)).to_have_value("")
    expect(item.locator(".badge")).to_have_text("待定")

    status, after = api(bench, "GET", f"/drafts/{ws['id']}")
    stored = next(s for s in after["sentences"] if OFFSHORE in s["text"])
    assert stored["decision"] is None and stored["measure"] is None
    assert after["edits"] == 0
