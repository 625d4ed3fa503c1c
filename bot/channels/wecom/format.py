"""Bot messages → WeCom messages: text under WeCom's 2,048-byte limit, results cut only between measures and
ending with the link to the full report, quick replies as numbers."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

MAX_BYTES = 2048
DIGITS = "123456789"
REPORT_PATH = re.compile(r"^/report/([A-Za-z0-9_-]{20,64})$")


@dataclass
class Outgoing:
    kind: str  # text / markdown / report_pdf (content: the report token; the app channel sends the PDF file)
    content: str


@dataclass
class Rendered:
    messages: list[Outgoing] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)  # (payload, title) of the last quick replies


def split_bytes(text: str, limit: int = MAX_BYTES) -> list[str]:
    """Pieces of at most `limit` UTF-8 bytes, cut at line ends where possible, never inside a character."""
    pieces, current = [], ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while len(line.encode()) > limit:  # one very long line: cut by characters
            cut, size = 0, 0
            for i, ch in enumerate(line):
                size += len(ch.encode())
                if size > limit:
                    break
                cut = i + 1
            pieces.append(line[:cut])
            line = line[cut:]
        current = line
    if current:
        pieces.append(current)
    return pieces or [""]


def public_url(path: str) -> Optional[str]:
    """An absolute URL for a firm's phone (PUBLIC_BASE_URL); None when the server's address is not configured."""
    base = (os.environ.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return f"{base}{path}" if base and path.startswith("/") else None


def report_token(payload: dict[str, Any]) -> Optional[str]:
    match = REPORT_PATH.match(((payload.get("report") or {}).get("page")) or "")
    return match.group(1) if match else None


def report_tail(payload: dict[str, Any]) -> str:
    page = public_url((payload.get("report") or {}).get("page") or "")
    return f"完整报告（条件、出处、联系部门）：{page}" if page else ""


def results_messages(blocks: list[str], payload: dict[str, Any], limit: int = MAX_BYTES) -> list[str]:
    """The results as text messages of at most `limit` bytes, cut only between blocks (summary, one block per
    measure, closing lines), the report link at the end."""
    from policies_db.wording import pack_blocks

    return pack_blocks(blocks, limit, tail=report_tail(payload))


def render(bot_messages: list[dict[str, Any]],
           results: Optional[Callable[[dict[str, Any]], list[str]]] = None) -> Rendered:
    """`results(payload)` turns an eligibility_results payload into text messages (the channel evaluates
    the profile it carries); without it the bot's own text is sent, split at line ends."""
    out = Rendered()
    for m in bot_messages:
        custom = m.get("custom") or {}
        if custom.get("type") == "eligibility_results":
            texts = results(custom) if results else split_bytes(m.get("text") or "")
            out.messages += [Outgoing("text", part) for part in texts if part]
            if token := report_token(custom):
                out.messages.append(Outgoing("report_pdf", token))
            continue
        if m.get("text"):
            text = m["text"]
            buttons = m.get("buttons") or []
            if buttons:
                out.options = [(b["payload"], b["title"]) for b in buttons[: len(DIGITS)]]
                text += "\n" + "\n".join(f"{DIGITS[i]}. {title}" for i, (_, title) in enumerate(out.options))
                text += "\n（回复数字即可）"
            out.messages += [Outgoing("text", part) for part in split_bytes(text)]
    return out


def choose(reply: str, options: list[tuple[str, str]]) -> str:
    """A digit answering the last numbered options → that option's payload; anything else unchanged."""
    reply = reply.strip()
    if len(reply) == 1 and reply in DIGITS[: len(options)]:
        return options[DIGITS.index(reply)][0]
    return reply
