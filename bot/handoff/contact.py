"""A phone number or WeChat id a firm leaves for hotline staff: found in free text, validated, masked.

Pure functions (the action server and the console both use them). Formats accepted:
- mainland mobile: 1[3-9] + 9 digits, with spaces/dashes and an optional +86;
- landline with its area code: 010 / 02X + 8 digits, 0[3-9]XX + 7–8 digits, optional extension (转123);
- WeChat id (微信号): 6–20 characters, starting with a letter, then letters, digits, _ or -.
  In free text it needs a 微信 / wx / vx label; as the answer to "请留下联系方式" a bare id is enough.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KIND_LABELS = {"mobile": "手机", "landline": "座机", "wechat": "微信"}

_MOBILE = re.compile(r"(?<![\d])(?:\+?86[-\s]?)?(1[3-9]\d(?:[-\s]?\d){8})(?![\d])")
_LANDLINE = re.compile(r"(?<![\d])(0\d{2,3})[-\s]?([2-9]\d{2,3}[-\s]?\d{4})(?:\s*(?:转|-|ext\.?|分机)\s*(\d{1,6}))?(?![\d])",
                       re.IGNORECASE)
_WECHAT_ID = r"[A-Za-z][-_A-Za-z0-9]{5,19}"
_WECHAT_LABELLED = re.compile(
    r"(?:(?:微信|威信|v信|V信)(?:号码|号|id|ID)?|(?<![A-Za-z0-9_])(?:wechat|weixin|wx|vx)(?:\s*id)?(?=[\s:：]))"
    r"\s*[:：是为]?\s*(" + _WECHAT_ID + r")(?![-_A-Za-z0-9])", re.IGNORECASE)
_WXID = re.compile(r"(?<![A-Za-z0-9_])(wxid_[A-Za-z0-9_-]{4,30})(?![-_A-Za-z0-9])")  # system-assigned ids
_WECHAT_BARE = re.compile(r"^" + _WECHAT_ID + r"$")


@dataclass(frozen=True)
class Contact:
    kind: str  # mobile / landline / wechat
    value: str  # normalized: 13812345678, 0571-88886666(-123), wxid_abc123

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def masked(self) -> str:
        return mask(self.value)

    def describe(self) -> str:
        return f"{self.label} {self.value}"


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _landline(area: str, number: str, ext: str | None) -> str | None:
    digits = re.sub(r"\D", "", number)
    if len(area) == 3 and not (area == "010" or area.startswith("02")):
        return None  # the only three-digit area codes are 010 and 02X
    if len(area) == 4 and area[1] in "12":
        return None
    if len(area) == 3 and len(digits) != 8:
        return None
    if len(digits) not in (7, 8):
        return None
    return f"{area}-{digits}" + (f"-{ext}" if ext else "")


def find_contact(text: str, bare: bool = False) -> Contact | None:
    """The first phone number or WeChat id in `text`; `bare`: the text answers "your phone or WeChat?",
    so an unlabelled WeChat id counts too."""
    t = _clean(text)
    if not t:
        return None
    if m := _MOBILE.search(t):
        digits = re.sub(r"\D", "", m.group(1))
        if len(digits) == 11:
            return Contact("mobile", digits)
    for m in _LANDLINE.finditer(t):
        if value := _landline(m.group(1), m.group(2), m.group(3)):
            return Contact("landline", value)
    if m := _WXID.search(t) or _WECHAT_LABELLED.search(t):
        return Contact("wechat", m.group(1))
    if bare and _WECHAT_BARE.match(t):
        return Contact("wechat", t)
    return None


def looks_like_contact_attempt(text: str) -> bool:
    """Digits or a WeChat label: the firm tried to give a contact (so a bad format deserves a hint)."""
    t = _clean(text)
    return len(re.sub(r"\D", "", t)) >= 5 or bool(re.search(r"微信|wechat|wx|vx", t, re.IGNORECASE))


def mask(value: str) -> str:
    """138****5678, 0571-****6666, wx****23: enough for the firm to recognise, not to reuse."""
    if not value:
        return ""
    if re.fullmatch(r"1\d{10}", value):
        return f"{value[:3]}****{value[-4:]}"
    if m := re.fullmatch(r"(0\d{2,3})-(\d{7,8})(-\d+)?", value):
        return f"{m.group(1)}-****{m.group(2)[-4:]}"
    keep = 2 if len(value) >= 6 else 1
    return f"{value[:keep]}****{value[-keep:]}"


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", _clean(text))


REDACTED = "［已删除］"


def redact(text: str) -> str:
    """Every phone number and labelled WeChat id in `text` replaced by ［已删除］ (retention of transcripts)."""
    if not text:
        return text
    t = unicodedata.normalize("NFKC", text)
    if t != text and not any(p.search(t) for p in (_MOBILE, _LANDLINE, _WXID, _WECHAT_LABELLED)):
        return text  # keep the firm's own characters when there is nothing to remove
    t = _MOBILE.sub(REDACTED, t)
    t = _LANDLINE.sub(lambda m: REDACTED if _landline(m.group(1), m.group(2), m.group(3)) else m.group(0), t)
    t = _WXID.sub(REDACTED, t)
    return _WECHAT_LABELLED.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + REDACTED, t)
