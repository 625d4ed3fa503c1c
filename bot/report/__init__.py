"""The 政策匹配报告: a page and a PDF per conversation at /report/<token> (docs/report.md).

store.py   the links: unguessable token → the firm's facts and the evaluation date; expiry; deletion
page.py    the HTML page, composed from policies_db.wording
pdf.py     the same page as a PDF (WeasyPrint, Noto Sans CJK SC)
channel.py the Sanic blueprint the Rasa server mounts at /report (credentials.yml)
"""
