"""A policy text as published (OCR included) → its numbered sentences.

Chinese policy documents number their parts 一、 (part), （一） (section), 1. (task) or 一是 (item), and end a
task with its 责任单位 in parentheses; annexes are tables. OCR joins lines (two tasks on one line), breaks a
sentence over two lines and mixes full-width and ASCII punctuation. This module undoes that and gives every
sentence its reference (三（二）4) and its task's units; it knows no measure and no document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

NUMERALS = "一二三四五六七八九十"
ARTICLE_NUMERALS = NUMERALS + "百零〇"
PART = re.compile(rf"^([{NUMERALS}]{{1,3}})\s*[、.．]\s*(.*)$")
# Regulations and 若干政策 number chapters and articles: 第二章 …, 第五条 …, with items （一） inside an article.
CHAPTER = re.compile(rf"^第([{ARTICLE_NUMERALS}]{{1,4}})章\s*(.*)$")
ARTICLE = re.compile(rf"^第([{ARTICLE_NUMERALS}]{{1,5}})条\s*(.*)$")
SECTION = re.compile(rf"^[（(]\s*([{NUMERALS}]{{1,3}})\s*[）)]\s*(.*)$")
TASK = re.compile(r"^(\d{1,2})\s*[.．、](?!\d)\s*(.*)$")
ITEM = re.compile(rf"^([{NUMERALS}])是(.*)$")
ANNEX = re.compile(r"^附\s*件\s*\d*\s*[:：]?")
# 责任单位 and its OCR misreadings (责任单住);牵头单位、责任部门 in other cities' texts.
UNITS_OPEN = re.compile(r"[（(]\s*(?:责任单.|牵头单.|责任部.)\s*[:：]\s*")
# A task number glued after the previous task's 责任单位 or full stop (OCR lost the line break); likewise an
# article or an article's item: 。第十二条 …, 。（二）….
GLUED_TASK = re.compile(r"(?<=[。）)])\s*(\d{1,2})\s*[.．、](?=[\u4e00-\u9fff])")
GLUED_ARTICLE = re.compile(rf"(?<=[。；;])\s*(?=第[{ARTICLE_NUMERALS}]{{1,5}}条|[（(][{NUMERALS}]{{1,2}}[）)])")
SENTENCE_END = re.compile("[。！？!?]")
# A line ending like this is complete; any other line that carries body punctuation was broken by the OCR.
COMPLETE_END = re.compile("[。！？；：:）)」”\"]$")
BODY_PUNCT = re.compile("[，,、。；]")
HEADING_MAX = 30  # a task's or section's title, before its first full stop


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class Sentence:
    ref: str  # 三（二）4 · 二（一）一是 · 附件 培育生产性服务企业 · 文头
    text: str  # verbatim, whitespace removed
    heading: bool = False
    part_title: str = ""
    section_title: str = ""
    task_title: str = ""
    units: list[str] = field(default_factory=list)  # the task's 责任单位 parentheses, as written
    line: int = 0  # 1-based line of the source where the sentence starts
    in_annex: bool = False
    section_ref: str = ""  # 三（二）: the heading it sits under


@dataclass
class _Context:
    part: str = ""
    part_title: str = ""
    section: str = ""
    section_title: str = ""
    task: str = ""
    task_title: str = ""
    last_task: int = 0
    annex: bool = False
    annex_title: str = ""
    article: str = ""  # 第五条
    item: str = ""  # 二, an article's （二）

    def ref(self) -> str:
        if self.annex:
            return "附件" + (f" {self.annex_title}" if self.annex_title else "")
        if self.article:
            return self.article + (f"（{self.item}）" if self.item else "")
        if not self.part:
            return "文头"
        return self.part + (f"（{self.section}）" if self.section else "") + self.task


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Physical lines → logical lines: a line broken by the OCR joins its continuation; tasks glued on one
    line are cut apart. Annex (table) lines are kept as they are."""
    raw = [(i + 1, line.strip()) for i, line in enumerate(text.splitlines())]
    out: list[tuple[int, str]] = []
    annex = False
    pending: Optional[tuple[int, str]] = None
    for number, line in raw:
        if not line:
            continue
        if ANNEX.match(squash(line)):
            annex = True
        if pending is not None:
            if annex or _starts_unit(line):
                out.append(pending)
            else:
                number, line = pending[0], pending[1] + line
            pending = None
        if not annex and "\t" not in line and BODY_PUNCT.search(line) and not COMPLETE_END.search(line) \
                and not _short_heading(line):
            pending = (number, line)
            continue
        out.append((number, line))
    if pending is not None:
        out.append(pending)
    return out


def _starts_unit(line: str) -> bool:
    line = line.strip()
    return bool(PART.match(line) or SECTION.match(line) or TASK.match(line) or ITEM.match(line)
                or CHAPTER.match(line) or ARTICLE.match(line) or ANNEX.match(squash(line)))


def take_units(line: str) -> tuple[str, list[str]]:
    """The line without its 责任单位 parentheses, and their contents. Parentheses nest (各县（市）区人民政府);
    one left open at the line's end (the OCR lost it) closes there."""
    units: list[str] = []
    while m := UNITS_OPEN.search(line):
        depth, end = 1, len(line)
        for i in range(m.end(), len(line)):
            if line[i] in "（(":
                depth += 1
            elif line[i] in "）)":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        units.append(line[m.end():end])
        line = line[:m.start()] + line[end + 1:]
    return line, units


def _short_heading(line: str) -> bool:
    """「一、指导思想」「（一）开展“青鸾”行动，培育高能级本土企业」: a numbered title, not a broken sentence."""
    return _starts_unit(line) and not SENTENCE_END.search(line) and len(squash(line)) <= HEADING_MAX


def _split_glued_tasks(line: str, expected: int) -> list[str]:
    """「…（责任单位：市商务局）5.支持…」 → two lines, when 5 is the next task's number."""
    own = TASK.match(line)
    expected = int(own.group(1)) if own else expected
    pieces, start = [], 0
    for match in GLUED_TASK.finditer(line):
        if int(match.group(1)) == expected + 1:
            pieces.append(line[start:match.start()])
            start, expected = match.start(), expected + 1
    pieces.append(line[start:])
    return [p.strip() for p in pieces if p.strip()]


def _heading_and_body(rest: str) -> tuple[str, str]:
    """「培育数字服务新业态新模式。支持开展…」 → (title, body); a line without a full stop is all title."""
    match = SENTENCE_END.search(rest)
    if match is None:
        return rest.strip(), ""
    title = rest[:match.start()].strip()
    if len(squash(title)) > HEADING_MAX:
        return "", rest
    return title, rest[match.end():]


def split_sentences(body: str) -> list[str]:
    return [s for s in (squash(p) for p in SENTENCE_END.split(body)) if s]


def parse(text: str) -> list[Sentence]:
    """Every sentence of the text in order, headings included, with its reference and its task's units."""
    ctx = _Context()
    out: list[Sentence] = []
    task_sentences: list[Sentence] = []

    def emit(body: str, number: int, heading: bool = False) -> None:
        for piece in ([squash(body)] if heading else split_sentences(body)):
            if not piece:
                continue
            sentence = Sentence(ref=ctx.ref(), text=piece, heading=heading, part_title=ctx.part_title,
                                section_title=ctx.section_title, task_title=ctx.task_title, line=number,
                                in_annex=ctx.annex, section_ref=ctx.part + (f"（{ctx.section}）" if ctx.section else ""))
            out.append(sentence)
            task_sentences.append(sentence)

    def open_numbered(label: str, rest: str, number: int) -> str:
        """A numbered line opens a unit: its title (the heading, with its number) and the body after it; the
        units of the next 责任单位 attach from here on. Returns the title."""
        nonlocal task_sentences
        title, body = _heading_and_body(rest)
        task_sentences = []
        emit(label + title if title else "", number, heading=True)
        emit(body, number)
        return title

    def attach_units(units: list[str]) -> None:
        for sentence in task_sentences:
            sentence.units = list(units)

    lines: list[tuple[int, str]] = []
    for number, line in _logical_lines(text):
        pieces = [p for glued in GLUED_ARTICLE.split(line) for p in [glued.strip()] if p] if "\t" not in line else [line]
        for piece in (q for p in pieces for q in _split_glued_tasks(p, ctx.last_task)):
            lines.append((number, piece))
            match = TASK.match(piece)
            if match:
                ctx.last_task = int(match.group(1))
    ctx.last_task = 0

    for number, line in lines:
        if ANNEX.match(squash(line)) and not ctx.annex:
            ctx = _Context(annex=True)
            task_sentences = []
            emit(line, number, heading=True)
            continue
        if ctx.annex:
            _annex_row(line, number, ctx, emit)
            continue
        line, units = take_units(line)
        if m := CHAPTER.match(line):
            ctx.part, ctx.section, ctx.task, ctx.article, ctx.item = f"第{m.group(1)}章", "", "", "", ""
            ctx.part_title, ctx.section_title, ctx.task_title = m.group(2).strip(), "", ""
            task_sentences = []
            emit(line, number, heading=True)
        elif m := ARTICLE.match(line):
            ctx.article, ctx.item, ctx.part = f"第{m.group(1)}条", "", ctx.part or "正文"
            ctx.task_title = open_numbered(f"{ctx.article} ", m.group(2), number)
        elif (m := SECTION.match(line)) and ctx.article:
            ctx.item = m.group(1)
            emit(m.group(2), number)
        elif m := PART.match(line):
            ctx.part, ctx.section, ctx.task, ctx.task_title, ctx.section_title = m.group(1), "", "", "", ""
            ctx.article = ctx.item = ""
            ctx.part_title = open_numbered(f"{m.group(1)}、", m.group(2), number)
        elif m := SECTION.match(line):
            ctx.section, ctx.task, ctx.task_title = m.group(1), "", ""
            ctx.section_title = open_numbered(f"（{m.group(1)}）", m.group(2), number)
        elif (m := TASK.match(line)) and ctx.part:
            ctx.task = m.group(1)
            ctx.task_title = open_numbered(f"{m.group(1)}.", m.group(2), number)
        elif (m := ITEM.match(line)) and ctx.part:
            ctx.task = f"{m.group(1)}是"
            ctx.task_title = open_numbered(ctx.task, m.group(2), number)
        else:
            emit(line, number, heading=not SENTENCE_END.search(line) and not BODY_PUNCT.search(line)
                 and len(squash(line)) <= HEADING_MAX)
        if units:
            attach_units(units)
    return out


def _annex_row(line: str, number: int, ctx: _Context, emit) -> None:
    """A table row: leading cells are names (headings) that carry over to the next rows; the last cell holds
    the measures. Rows whose cells are all short are the table's header."""
    cells = [c.strip() for c in line.split("\t")]
    filled = [c for c in cells if c]
    if not filled:
        return
    if len(filled) == 1 and len(cells) == 1:
        emit(filled[0], number, heading=not SENTENCE_END.search(filled[0]) and len(squash(filled[0])) <= HEADING_MAX)
        return
    for cell in filled:
        short = len(squash(cell)) <= HEADING_MAX and not BODY_PUNCT.search(cell)
        if short:
            ctx.annex_title = squash(cell)
            emit(cell, number, heading=True)
        else:
            emit(cell, number)
