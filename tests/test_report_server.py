"""The report served by the Rasa server: a firm's conversation over REST → /report/<token>, its PDF,
deletion; and the compact text REST clients get beside the payload."""
from __future__ import annotations

import urllib.error
import urllib.request
import uuid

from tests.stack import http


def say(base: str, sender: str, text: str) -> list[dict]:
    status, replies = http("POST", f"{base}/webhooks/rest/webhook", {"sender": sender, "message": text})
    assert status == 200, replies
    return replies


def results(replies: list[dict]) -> tuple[str, dict]:
    """(text, payload): Rasa sends the text (with any buttons) just before the custom payload."""
    [i] = [i for i, m in enumerate(replies) if (m.get("custom") or {}).get("type") == "eligibility_results"]
    return (replies[i - 1].get("text", "") if i else ""), replies[i]["custom"]


def fetch(url: str, method: str = "GET") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_results_link_a_report_page_and_pdf_that_the_firm_can_delete(servers):
    base, sender = servers["plain"], f"firm-{uuid.uuid4().hex[:8]}"
    say(base, sender, "我们在杭州，做离岸外包")
    text, payload = results(say(base, sender, "直接看结果"))
    # REST gets the compact text: summary first, one line per measure.
    assert text.startswith("根据您提供的信息") and "建议下一步" in text and "可以享受" not in text
    report = payload["report"]
    token = report["page"].rsplit("/", 1)[1]
    assert report == {"page": f"/report/{token}", "pdf": f"/report/{token}/pdf", "expires_at": report["expires_at"]}

    status, headers, body = fetch(base + report["page"])
    html = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in headers["content-security-policy"] and headers["cache-control"] == "no-store"
    assert "<h1>政策匹配报告</h1>" in html and "所在地</dt><dd>杭州" in html and "评估日期：2026年11月22日" in html
    assert "符合条件；文件执行期已满（2025年底），请向部门确认是否延续" in html
    status, headers, css = fetch(f"{base}/report/assets/report.css")
    assert status == 200 and b"Noto Sans CJK SC" in css

    status, headers, pdf = fetch(base + report["pdf"])
    assert status == 200 and headers["content-type"] == "application/pdf" and pdf.startswith(b"%PDF")
    assert "attachment" in headers["content-disposition"]

    # The same conversation keeps its link; a correction refreshes what it shows.
    replies = say(base, sender, "说错了，我们在温州")
    for _ in range(12):
        if any((m.get("custom") or {}).get("type") == "eligibility_results" for m in replies):
            break
        replies = say(base, sender, "不清楚")
    _, again = results(replies)
    assert again["report"]["page"] == report["page"]
    assert "所在地</dt><dd>温州" in fetch(base + report["page"])[2].decode()

    assert fetch(base + report["page"], "DELETE")[0] == 200
    status, _, body = fetch(base + report["page"])
    assert status == 404 and "已过期或已被删除" in body.decode()
    assert fetch(base + report["pdf"])[0] == 404
    assert fetch(base + report["page"], "DELETE")[0] == 404


def test_unknown_tokens_and_paths_are_404(servers):
    base = servers["plain"]
    for path in ("/report/" + "a" * 32, "/report/short", "/report/..%2F..%2Fetc%2Fpasswd", "/report/assets/x.css"):
        assert fetch(base + path)[0] == 404, path
