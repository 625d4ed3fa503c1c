"""How firms type → the text the rest of the NLU pipeline reads. The first component of config.yml.

  - traditional characters → simplified with OpenCC `t2s`, after a few Cantonese words (係, 喺, 冇…) and before a
    short list of Taiwan/Hong Kong terms of this domain (軟體→软件, 資訊→信息, 外判→外包). Not `tw2sp`: it also turns
    資料 (materials) into 数据 and 智慧財產 into 智能财产, which changes what a firm asked;
  - full-width letters, digits and spaces → ASCII (ＫＰＯ, ３００人), Chinese punctuation kept;
  - emoji and pictographs → a space (the tokenizer drops it);
  - English words firms mix in (offshore, call center, SaaS) → the Chinese term the vocabulary knows;
  - typos of the domain's key terms (离案→离岸, 外宝→外包, 航州→杭州);
  - dialect words (么子→什么, 冒得→没有), the hotline's third person (该企业→我们) and reported speech (来电人说：…).
The words are data: bot/nlu/lexicon/normalize.yml.
The function is pure and idempotent: actions call it too on the text they read. No Rasa import here
(the action server loads it); the NLU component is bot/nlu/text_normalizer.py.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

LEXICON = Path(__file__).with_name("lexicon") / "normalize.yml"
_WORDS = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
CANTONESE: dict[str, str] = _WORDS["cantonese"]
CANTONESE_SIMPLIFIED: dict[str, str] = _WORDS["cantonese_simplified"]
REGIONAL: dict[str, str] = _WORDS["regional"]
ENGLISH: dict[str, str] = {k.lower(): v for k, v in _WORDS["english"].items()}
TYPOS: dict[str, str] = _WORDS["typos"]
DIALECT: dict[str, str] = _WORDS["dialect"]
THIRD_PERSON_FIRM: list[str] = _WORDS["third_person_firm"]
FIRST_PERSON: str = _WORDS["third_person_firm_as"]
REPORTED_SPEECH: list[str] = _WORDS["reported_speech"]
REPORTED_QUESTION: list[str] = _WORDS["reported_question"]

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}
_FULLWIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})
_FULLWIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})
_FULLWIDTH[0x3000] = 0x20
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U00002B00-\U00002BFF\uFE0F\u200D\u20E3]+")
_THUMBS = re.compile("(?:[\U0001F44D\U0001F44C\U0001F646\u2705\u2714\u2611]\uFE0F?[\U0001F3FB-\U0001F3FF]?)+")
_SPACES = re.compile(r"[ \t]{2,}")
_US_RE = re.compile(r"(?<![A-Za-z])(?:US|USA|U\.S\.)(?![A-Za-z])")
_REPLACED = "\x01"  # marks where an English word was replaced, so the spaces around it can go
_AROUND_REPLACED = re.compile(r" *\x01 *")


def _alternation(words) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


_CANTONESE_RE = _alternation(CANTONESE)
_CANTONESE_SIMPLIFIED_RE = _alternation(CANTONESE_SIMPLIFIED)
_REGIONAL_RE = _alternation(REGIONAL)
_TYPOS_RE = _alternation(TYPOS)
_DIALECT_RE = _alternation(DIALECT)
_THIRD_PERSON_RE = _alternation(THIRD_PERSON_FIRM)
# The frame of reported speech, at the start of the message or of a clause (after punctuation or a space).
_REPORTED_RE = re.compile(r"(?:^|(?<=[，,。；;！!？?\s]))(?:" + _alternation(REPORTED_SPEECH).pattern + r")[：:，,\s]*")
_ON_BEHALF_RE = _alternation(_WORDS["on_behalf"])
_REPORTED_QUESTION_RE = re.compile(r"(?:^|(?<=[，,。；;！!？?\s]))(?:" + _alternation(REPORTED_QUESTION).pattern
                                   + r")[：:，,\s]*")
# English words: not inside a longer ASCII word ("software" yes, "softwareX" no).
_ENGLISH_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(w) for w in sorted(ENGLISH, key=len, reverse=True))
                         + r")(?![A-Za-z])", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _ascii_edges(text: str, m: re.Match) -> bool:
    """Keep one space between a replaced word and an ASCII word next to it (「ITO 呼叫中心」 stays readable)."""
    before = text[m.start() - 1] if m.start() else ""
    after = text[m.end()] if m.end() < len(text) else ""
    return bool(before and after and (before.isascii() and before.isalnum() or after.isascii() and after.isalnum())
                and " " in m.group())


_NUMBER_SIGN = re.compile(r"\.?\s*\d")  # 「No.59」 is a number, not a no


def _english(m: re.Match) -> str:
    word = m.group()
    if word.lower() == "no" and _NUMBER_SIGN.match(m.string, m.end()):
        return word
    return _REPLACED + ENGLISH[word.lower()] + _REPLACED


def normalize(text: str) -> str:
    if not text or text.startswith("/"):  # button payloads (/affirm, /inform{…}) stay as sent
        return text or ""
    text = text.translate(_FULLWIDTH)
    if _THUMBS.fullmatch(text.strip()):
        return "是的"  # 👍 alone answers yes
    text = _EMOJI.sub(" ", text)
    simplified = _t2s().convert(text)
    if simplified != text:  # traditional input: Cantonese words first, then characters, then regional terms
        text = _t2s().convert(_CANTONESE_RE.sub(lambda m: CANTONESE[m.group()], text))
        text = _REGIONAL_RE.sub(lambda m: REGIONAL[m.group()], text)
    text = _CANTONESE_SIMPLIFIED_RE.sub(lambda m: CANTONESE_SIMPLIFIED[m.group()], text)
    text = _ENGLISH_RE.sub(_english, text)
    text = _US_RE.sub("美国", text)  # capitals only: 「客户在US」, not the pronoun
    text = _TYPOS_RE.sub(lambda m: TYPOS[m.group()], text)
    text = _DIALECT_RE.sub(lambda m: DIALECT[m.group()], text)
    text = _THIRD_PERSON_RE.sub(FIRST_PERSON, text)
    text = _REPORTED_QUESTION_RE.sub("请问", text)
    text = _ON_BEHALF_RE.sub(" ", text)
    text = _REPORTED_RE.sub("", text)
    # 人力资源 外包 → 人力资源外包 (English replaced inside Chinese); a space the firm typed between Chinese words
    # stays: it separates clauses the way a comma does (「没有 都是国内的银行」).
    text = _AROUND_REPLACED.sub(lambda m: " " if _ascii_edges(text, m) else "", text)
    return _SPACES.sub(" ", text).strip()
