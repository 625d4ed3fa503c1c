"""A policy text → the draft the officer reviews: the document's facts and, for every sentence, whether a firm
can act on it and the measure it would be (title, kind, benefit, criteria, contacts, conditions to confirm,
source). Everything inferred is marked: `guesses` on the document, `guess: true` on measures."""
from __future__ import annotations

import re

from policies_db.authoring.drafting.classify import classify, guess_category
from policies_db.authoring.drafting.conditions import draft_criteria
from policies_db.authoring.drafting.contacts import parse_units, units_in_text
from policies_db.authoring.drafting.cues import cues
from policies_db.authoring.drafting.metadata import place_names, read_document
from policies_db.authoring.drafting.structure import Sentence, parse

LEADING_ADVERBS = re.compile(r"^(进一步|积极|大力|加快|加大|不断|持续|充分|着力|切实|逐步|鼓励|支持|推动)+")


def _title(sentence: Sentence) -> str:
    """A short name: the first clause that carries a support cue, without its leading adverbs."""
    clauses = [c for c in re.split("[，,；;]", sentence.text) if c]
    support = cues()["support_cues"] + cues()["direction_cues"] + cues()["kind_cues"]["apply"]
    openers = tuple(cues()["condition_openers"])
    main = [c for c in clauses if not c.startswith(openers)] or clauses
    clause = next((c for c in main if any(s in c for s in support)), main[0] if main else sentence.text)
    clause = LEADING_ADVERBS.sub("", clause) or clause
    return clause[:24] + ("…" if len(clause) > 24 else "")


def _default_contacts(document: dict) -> list[dict]:
    """A text without 责任单位: its issuer and the bodies it is addressed to that a firm can call."""
    out = [{"name": document["issuer"], "listed_as": "发文单位", "guess": True}] if document["issuer"] else []
    own = cues()["own_units"]
    for listed in re.split("[，,、]", document.get("addressed_to") or ""):
        if listed in own:
            out.append({"name": own[listed], "listed_as": listed, "guess": True})
    return out


def _article_units(parsed: list[Sentence]) -> dict[str, list[str]]:
    """第五条 → every department its sentences name in passing (the article's 责任单位 when it has no parenthesis)."""
    out: dict[str, list[str]] = {}
    for sentence in parsed:
        article = sentence.ref.split("（")[0]
        if article.startswith("第") and article.endswith("条"):
            out.setdefault(article, [])
            out[article] += [u for u in units_in_text(sentence.text) if u not in out[article]]
    return out


def draft_text(text: str) -> dict:
    document = read_document(text)
    city, province = place_names(document["jurisdiction"])
    sentences = []
    parsed = parse(text)
    inline = _article_units(parsed)
    for index, sentence in enumerate(parsed, start=1):
        reading = classify(sentence)
        entry = {"ref": sentence.ref, "text": sentence.text, "line": sentence.line, "actionable": reading.actionable,
                 "kind": reading.kind if reading.actionable else None, "why": reading.why, "measures": []}
        if reading.actionable:
            criteria, confirm, facts = draft_criteria(sentence.text)
            named = inline.get(sentence.ref.split("（")[0], [])
            units = parse_units(sentence.units + (["、".join(named)] if named else []), city, province)
            contacts = [u.to_dict() for u in units] if units else _default_contacts(document)
            entry["measures"].append({
                "id": f"draft-{index:03d}",
                "title": _title(sentence),
                "kind": reading.kind,
                "category": guess_category(sentence.text, sentence.task_title + sentence.section_title),
                "benefit": sentence.text,
                "criteria": criteria,
                "facts_read": facts,
                "contacts": contacts,
                "conditions_to_confirm": confirm,
                "source": {"article": sentence.ref + (f" {sentence.task_title}" if sentence.task_title else ""),
                           "excerpt": sentence.text},
                "guess": True,
            })
        sentences.append(entry)
    warnings = []
    if sentences and all(s["ref"] in ("文头",) or s["ref"].startswith("附件") for s in sentences):
        # A numbering the drafter does not know leaves every sentence in the head, read as preamble: say so.
        warnings.append("未识别出正文的条目编号（一、/（一）/1./一是/第X章/第X条），全部句子都被当作文头处理；"
                        "请检查原文格式，或把这份文件的编号方式告诉维护人员")
        document["guesses"].append("structure: " + warnings[-1])
    return {"document": document, "sentences": sentences,
            "summary": {"sentences": len(sentences), "actionable": sum(s["actionable"] for s in sentences),
                        "warnings": warnings}}
