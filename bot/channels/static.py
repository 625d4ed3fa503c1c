"""Serve a fixed set of files from bot/web/ (no directory listing, no path traversal)."""
from __future__ import annotations

from pathlib import Path

from sanic import response
from sanic.response import HTTPResponse

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Everything comes from this server; no inline script, no third-party origin.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "connect-src 'self'; frame-ancestors 'self'",
}


def serve(name: str, allowed: set[str]) -> HTTPResponse:
    if name not in allowed:
        return response.text("not found", status=404)
    path = WEB_DIR / name
    return response.raw(path.read_bytes(), content_type=CONTENT_TYPES[path.suffix],
                        headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})
