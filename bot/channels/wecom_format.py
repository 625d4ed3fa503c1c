"""Bot messages → WeCom messages: split under 2048 bytes, results as markdown, quick replies as numbers."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 2048
DIGITS = "123456789"


@dataclass
class Outgoing:
    kind: str  # text / markdown
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


def results_markdown(payload: dict[str, Any]) -> str:
    lines = [f"**可以享受的政策（{len(payload.get('eligible', []))}项）**"]
    for i, e in enumerate(payload.get("eligible", []), 1):
        contacts = "、".join(c["name"] for c in e.get("contacts", []))
        lines.append(f"{i}. **{e['title']}**（{e.get('in_force_note', '')}）")
        lines.append(f"> 可获得：{e.get('benefit', '')}")
        lines.append(f"> 联系部门：<font color=\"info\">{contacts}</font>")
        lines.append(f"> 出处：{e.get('source_text', '')}")
    open_ = payload.get("undetermined", [])
    if open_:
        lines.append(f"**可能符合，还需确认（{len(open_)}项）**")
        for e in open_[:8]:
            lines.append(f"- {e['title']}：还需确认{'、'.join(e.get('missing_labels', []))}")
    missed = [e for e in payload.get("ineligible", []) if not (e.get("what_if") or {}).get("region_only")]
    if missed:
        lines.append(f"另有{len(missed)}项暂不符合，回复“是”查看原因。")
    return "\n".join(lines)


def render(bot_messages: list[dict[str, Any]]) -> Rendered:
    out = Rendered()
    for m in bot_messages:
        custom = m.get("custom") or {}
        if custom.get("type") == "eligibility_results":
            out.messages += [Outgoing("markdown", part) for part in split_bytes(results_markdown(custom))]
        elif m.get("text"):
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
