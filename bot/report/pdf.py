"""The report page as a PDF. WeasyPrint renders the same HTML and CSS (see docs/report.md for why
WeasyPrint rather than ReportLab); fonts come from fontconfig (Noto Sans CJK SC, fonts-noto-cjk)."""
from __future__ import annotations

from . import page


def render_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML  # heavy import: only when a PDF is asked for

    return HTML(string=html).write_pdf(stylesheets=[CSS(string=page.css())])
