"""The hotline console's token check, shared by every route staff use (console, push preview)."""
from __future__ import annotations

import hmac
from typing import Optional

from sanic import response
from sanic.request import Request

from bot.channels.static import SECURITY_HEADERS


def console_refusal(token: Optional[str], request: Request,
                    variable: str = "CONSOLE_TOKEN") -> Optional[response.HTTPResponse]:
    """None when the request carries the token, else the refusal to send (503 when off, 401). `variable` names
    the setting that turns the page on (the hotline's CONSOLE_TOKEN, the officers' OFFICER_TOKEN)."""
    if not token:
        return _refuse(f"未启用：请设置 {variable}", 503)
    header = request.headers.get("authorization", "")
    given = header[7:] if header.lower().startswith("bearer ") else ""
    if not given or not hmac.compare_digest(given.encode(), token.encode()):
        return _refuse("需要有效的令牌", 401)
    return None


def _refuse(message: str, status: int) -> response.HTTPResponse:
    return response.json({"error": message}, status=status, ensure_ascii=False,
                         headers={**SECURITY_HEADERS, "Cache-Control": "no-store"})
