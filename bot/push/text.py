"""The notification a firm receives: what is new or changed for it, what it gets, whom to contact, the
link to its full results, and how to stop — within 2,048 UTF-8 bytes (WeCom's text limit)."""
from __future__ import annotations

import os

from policies_db import wording as w

MAX_BYTES = 2048
BENEFIT_CHARS = 120  # a long benefit is cut; the report link has the rest


def public_url() -> str:
    """Where firms reach this server (PUBLIC_BASE_URL, e.g. https://zwfw.example.gov.cn), as the report links."""
    return (os.environ.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5005").rstrip("/")


def unsubscribe_link(token: str) -> str:
    return f"{public_url()}/webhooks/push/unsubscribe/{token}"


def results_link(token: str) -> str:
    """The firm's results against the current catalogue, rendered from its stored profile."""
    return f"{public_url()}/webhooks/push/results/{token}"


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _block(n: int, result, changed: bool) -> list[str]:
    """Phrases from policies_db.wording, like every other channel: kind, contacts (responsible body first)."""
    note = w.KINDS[w.kind_of(result.measure)] + ("，内容有更新" if changed else "")
    lines = [f"{n}. {result.measure.title}（{note}）", f"   可获得：{_short(result.measure.benefit, BENEFIT_CHARS)}"]
    if result.status == "undetermined":
        lines.append(f"   还需确认：{w.missing_text(result.missing)}")
    lines.append(f"   联系：{w.contacts_text(result)}")
    return lines


def notification_text(new: list, changed: list, token: str, channel: str) -> str:
    """new / changed: MeasureResult objects for this firm (see diff.compare)."""
    head = ["【服务外包政策提醒】您好！根据贵公司订阅时提供的企业信息，以下新的或内容有更新的扶持政策可能适用："]
    tail = ["", f"完整结果和申报联系方式：{results_link(token)}",
            "以上为初步匹配结果，具体条件和申报流程请以联系部门的解释为准。"]
    stop = "不想再收到提醒，请回复“退订”，或打开：" if channel in ("wecom_app", "wecom_kf") else "退订请打开："
    tail.append(stop + unsubscribe_link(token))
    entries = [(r, False) for r in new] + [(r, True) for r in changed]
    body: list[str] = []
    for i, (result, was_changed) in enumerate(entries, 1):
        block = _block(i, result, was_changed)
        rest = len(entries) - i
        more = [f"另有{rest}项，请打开下方链接查看。"] if rest else []
        if len("\n".join(head + body + block + more + tail).encode()) > MAX_BYTES:
            body.append(f"另有{len(entries) - i + 1}项，请打开下方链接查看。")
            break
        body += block
    text = "\n".join(head + body + tail)
    assert len(text.encode()) <= MAX_BYTES, "notification over WeCom's 2,048-byte limit"
    return text


SUBJECT = "服务外包政策提醒：有新的扶持政策可能适用于贵公司"
