"""What a document says about itself: title, issuer, 文号, dates, validity and the place it applies to.

Read from the text's head (红头、文号、标题), its signature and date line and its validity clause
(自…起施行、有效期至…、（2023—2025年）). Whatever is inferred rather than read is listed in `guesses`.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from policies_db.authoring.drafting.cues import cues
from policies_db.authoring.drafting.structure import squash
from policies_db.evaluation.places import jurisdiction_place

NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*(\d{1,4})\s*号")
CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
YEAR_SPAN = re.compile(r"[（(]\s*(\d{4})\s*[—–\-－~～至]+\s*(\d{4})\s*年?\s*[）)]")
START = re.compile(r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|印发之日|发布之日|公布之日)\s*起\s*(?:施行|实施|执行)")
UNTIL = re.compile(r"有效期(?:至|到)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
YEARS = re.compile(r"有效期\s*(?:为)?\s*([一二三四五六七八九十\d]+)\s*年")
BARE_DATE = re.compile(r"^(\d{4})\s*(\d{1,2})\s*(\d{1,2})$")  # OCR: 2021年2月8日 → 202128
TITLE = re.compile(r"关于.{2,60}?的(?:" + "|".join(["实施意见", "若干措施", "若干政策", "行动计划", "行动方案", "实施方案",
                                                      "实施细则", "管理办法", "办法", "意见", "通知", "措施"]) + ")")
ISSUER_LINE = re.compile(r"^(.{2,30}?)(?:文件)$")
ORG_END = re.compile(r"(?:人民政府|政府办公室|办公厅|办公室|领导小组|商务厅|商务局|委员会|厅|局)$")
CN_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _date(text: str) -> Optional[dt.date]:
    m = CN_DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _head(lines: list[str]) -> list[str]:
    """The lines before the body: up to the first line that opens a paragraph (为…/根据…/一、)."""
    out = []
    for line in lines:
        if re.match(r"^(为|根据|按照|近年来|当前|一、)", line):
            break
        out.append(line)
    return out


def _bare_date(line: str) -> Optional[dt.date]:
    m = BARE_DATE.match(line)
    if not m:
        return None
    digits = "".join(m.groups())
    year, rest = int(digits[:4]), digits[4:]
    splits = [(rest[:1], rest[1:]), (rest[:2], rest[2:])] if len(rest) in (2, 3, 4) else []
    for month, day in splits:
        try:
            if month and day:
                return dt.date(year, int(month), int(day))
        except ValueError:
            continue
    return None


def read_document(text: str) -> dict:
    lines = [squash(line) for line in text.splitlines() if line.strip()]
    head = _head(lines)
    guesses: list[str] = []
    doc: dict = {"title": None, "issuer": None, "number": None, "issued_on": None, "valid_from": None,
                 "valid_to": None, "jurisdiction": None, "addressed_to": None}

    number = next((m.group(0) for line in head for m in [NUMBER.search(line)] if m), None)
    doc["number"] = number

    title_line = next((line for line in lines[:40] if TITLE.search(line) and len(line) <= 80
                       and not line.startswith(("为", "根据", "按照"))), None)
    # A title the layout broke over lines (…关于印发《X产业 / 发展的若干政策》的通知): read from the head as one text.
    printed = re.search(r"关于印发《(.+?)》的(?:通知|决定)", "".join(head))
    if printed:
        doc["title"] = printed.group(1)
    elif title_line:
        m = TITLE.search(title_line)
        inner = re.search(r"关于印发[《]?(.+?)[》]?的通知", title_line)
        doc["title"] = inner.group(1) if inner else title_line[:m.end()]
        prefix = title_line[:m.start()]
        if prefix and ORG_END.search(prefix):
            doc["issuer"] = prefix
    addressed = next((line.rstrip(":：") for line in head + lines[:8]
                      if line.endswith(("：", ":")) or re.search(r"(各区人民政府|各市商务局|各有关单位|各县)", line)), None)
    if addressed and len(addressed) <= 60 and not addressed.startswith(("为", "根据")):
        doc["addressed_to"] = addressed.rstrip(":：")

    stacked = _stacked_issuers(text)
    if len(stacked) > 1:
        doc["issuer"] = "、".join(stacked)
    for line in head:
        # 红头: 浙江省商务厅文件, or the issuing office alone (合肥市人民政府办公室); an addressee list has commas.
        m = ISSUER_LINE.match(line) or (ORG_END.search(line) and len(line) <= 30 and not re.search("[，,、：:]", line)
                                        and re.match(r"^(.+)$", line))
        if m and not doc["issuer"]:
            doc["issuer"] = m.group(1)
    # The signature and date close the body, before any annex (附件 tables are not signatures).
    annex = next((i for i, line in enumerate(lines) if re.match(r"^附件\d*[:：]?", line) and i > len(lines) // 2), len(lines))
    tail = [line for line in lines[:annex][-6:] if "\t" not in line]
    signature = next((line for line in reversed(tail) if ORG_END.search(line) and len(line) <= 40), None)
    if not doc["issuer"] and signature:
        doc["issuer"] = signature
    for line in reversed(tail):
        date = _date(line) if CN_DATE.fullmatch(line) else None
        if date is None and (date := _bare_date(line)):
            guesses.append(f"issued_on: 落款日期“{line}”按{date.year}年{date.month}月{date.day}日读出")
        if date:
            doc["issued_on"] = date.isoformat()
            break

    whole = squash(text)
    start = START.search(whole)
    if start:
        date = _date(start.group(1))
        if date:
            doc["valid_from"] = date.isoformat()
        elif doc["issued_on"]:
            doc["valid_from"] = doc["issued_on"]
            guesses.append("valid_from: 自印发之日起施行，取落款日期")
    until = UNTIL.search(whole)
    if until and (date := _date(until.group(1))):
        doc["valid_to"] = date.isoformat()
    elif (years := YEARS.search(whole)) and doc["valid_from"]:
        n = years.group(1)
        count = int(n) if n.isdigit() else CN_NUMBERS.get(n, 0)
        if count:
            begin = dt.date.fromisoformat(doc["valid_from"])
            doc["valid_to"] = (begin.replace(year=begin.year + count) - dt.timedelta(days=1)).isoformat()
            guesses.append(f"valid_to: 有效期{n}年，自施行之日起算")
    span = YEAR_SPAN.search(" ".join(lines[:40]))
    if span and not doc["valid_to"]:
        doc["valid_to"] = f"{span.group(2)}-12-31"
        guesses.append(f"valid_to: 标题期限（{span.group(1)}—{span.group(2)}年）取末年年底")
        if not doc["valid_from"]:
            doc["valid_from"] = f"{span.group(1)}-01-01"
            guesses.append("valid_from: 标题期限取首年年初")
    if not doc["valid_from"] and doc["issued_on"]:
        doc["valid_from"] = doc["issued_on"]
        guesses.append("valid_from: 原文未写施行日期，取落款日期")
    if not doc["valid_to"]:
        guesses.append("valid_to: 原文未规定有效期截止日期")

    doc["jurisdiction"] = _jurisdiction(doc["issuer"] or "") or _jurisdiction(doc["title"] or "")
    if doc["jurisdiction"]:
        guesses.append(f"jurisdiction: 由发文单位或标题推定为{doc['jurisdiction']}")
    if not doc["title"]:
        form = next((f for f in cues()["document_forms"] if f"如下{f}" in whole or f"本{f}" in whole), "意见")
        cited = re.findall(r"《[^》]*?关于(.+?)的[^》]*》", whole[:600])
        place = doc["jurisdiction"] or doc["issuer"] or ""
        topic = cited[-1] if cited else "服务外包"
        doc["title"] = f"{place}关于{topic}的{form}"
        guesses.append("title: 原文未载标题，依发文单位、正文“如下" + form + "”及所引文件名称拟定")
    doc["guesses"] = guesses
    return doc


def _stacked_issuers(text: str) -> list[str]:
    """A joint 红头: the issuing bodies on the first lines, one per line, 文件 beside one of them."""
    out = []
    for raw in text.splitlines():
        line = squash(raw)
        if not line:
            if out:
                break
            continue
        name = line[:-2] if line.endswith("文件") else line
        if not ORG_END.search(name) or len(name) > 30 or re.search("[，,、：:]", name):
            break
        out.append(name)
    return out


def _jurisdiction(issuer: str) -> Optional[str]:
    """The place an issuer's (or title's) name starts with: 武汉市服务贸易发展工作领导小组 → 武汉市."""
    for length in range(min(len(issuer), 8), 1, -1):
        place = jurisdiction_place(issuer[:length])
        if place is not None and place.district is None:
            return place.label
    return None


def place_names(jurisdiction: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """(city, province) full names for completing 市X / 省X units."""
    place = jurisdiction_place(jurisdiction) if jurisdiction else None
    if place is None:
        return None, None
    return place.city, place.province
