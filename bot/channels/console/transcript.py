"""A conversation as hotline staff read it: what the firm wrote (a pressed button shown by its title, not
"/affirm"), what the assistant said, the results as one line. Pure: tracker events in, a list out."""
from __future__ import annotations

import json
import re
from typing import Any, Iterable

_PAYLOAD = re.compile(r"^/([A-Za-z_]+)(\{.*\})?$", re.S)
# Payloads typed or sent without buttons on screen (an old button, a WeCom menu id): a readable fallback.
INTENT_WORDS = {"affirm": "是", "deny": "否", "dont_know": "不清楚", "show_results": "直接看结果",
                "human_handoff": "转人工", "restart": "重新开始", "greet": "你好", "goodbye": "再见", "thanks": "谢谢"}


def _payload_title(text: str, offered: dict[str, str]) -> str | None:
    """The button title for a payload the firm sent, from the buttons the bot offered last."""
    if text in offered:
        return offered[text]
    match = _PAYLOAD.match(text)
    if not match:
        return None
    intent, entities = match.group(1), match.group(2)
    if entities:
        try:
            values = json.loads(entities)
        except ValueError:
            values = {}
        shown = "、".join(str(v if not isinstance(v, list) else "、".join(map(str, v))) for v in values.values())
        if shown:
            return shown
    return INTENT_WORDS.get(intent, intent)


def _results_line(custom: dict[str, Any]) -> str:
    counts = custom.get("counts") or {}
    eligible = counts.get("eligible", len(custom.get("eligible") or []))
    open_ = counts.get("undetermined", len(custom.get("undetermined") or []))
    return f"（发送了匹配结果：可享受 {eligible} 项，待确认 {open_} 项）"


def transcript(events: Iterable[Any]) -> list[dict[str, Any]]:
    """[{"who": "firm"|"bot", "text", "time", "button": bool}] from Rasa events (objects or dicts)."""
    out: list[dict[str, Any]] = []
    offered: dict[str, str] = {}
    for event in events:
        data = event.as_dict() if hasattr(event, "as_dict") else dict(event)
        kind = data.get("event")
        if kind == "user":
            text = data.get("text") or ""
            if not text:
                continue
            title = _payload_title(text.strip(), offered)
            out.append({"who": "firm", "text": title if title is not None else text, "button": title is not None,
                        "time": data.get("timestamp"), "channel": data.get("input_channel")})
        elif kind == "bot":
            body = data.get("data") or {}
            buttons = body.get("buttons") or []
            if buttons:
                offered = {b.get("payload"): b.get("title") for b in buttons if b.get("payload")}
            custom = body.get("custom") or {}
            if custom.get("type") == "eligibility_results":
                text = _results_line(custom)
            elif custom.get("type") == "checklist":
                labels = "；".join(f"{i}. {item.get('label')}" for i, item in enumerate(custom.get("items") or [], 1))
                text = (data.get("text") or "") + (f"（清单：{labels}）" if labels else "")
            else:
                text = data.get("text") or ""
            if buttons:
                text += "　［选项：" + " / ".join(b.get("title", "") for b in buttons) + "］"
            if text:
                out.append({"who": "bot", "text": text, "button": False, "time": data.get("timestamp")})
    return out


def last_metadata(events: Iterable[Any], key: str) -> Any:
    """The latest value of `key` in the firm's message metadata (e.g. the 微信客服 account it wrote to)."""
    value = None
    for event in events:
        data = event.as_dict() if hasattr(event, "as_dict") else dict(event)
        if data.get("event") == "user" and isinstance(data.get("metadata"), dict) and key in data["metadata"]:
            value = data["metadata"][key]
    return value
