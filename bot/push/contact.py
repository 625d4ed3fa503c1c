"""How a firm on the website asks to be reached: an e-mail address, a mainland mobile number (SMS), or its
企业微信 account (the member's UserID in the bureau's WeCom, written with a 企业微信 label)."""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}")
MOBILE = re.compile(r"(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)")
WECOM = re.compile(r"(?:企业微信|企微|wecom)\s*(?:账号|帐号|用户名|UserID|ID)?\s*[:：是为]?\s*"
                   r"([A-Za-z0-9][A-Za-z0-9_\-@.]{0,63})", re.IGNORECASE)

LABELS = {"email": "电子邮箱", "sms": "手机短信", "wecom_app": "企业微信"}


def parse(text: str) -> Optional[tuple[str, str]]:
    """(channel, address) for the first contact found, or None."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if m := WECOM.search(text):
        return "wecom_app", m.group(1)
    if m := EMAIL.search(text):
        name, _, domain = m.group(0).rpartition("@")
        return "email", f"{name}@{domain.lower()}"  # the domain is case-insensitive, the name may not be
    compact = re.sub(r"[\s-]", "", text)
    if m := MOBILE.search(compact):
        return "sms", m.group(1)
    return None


def masked(channel: str, address: str) -> str:
    """For messages shown back to the firm or to staff: enough to recognise, not to copy."""
    if channel == "email":
        name, _, domain = address.partition("@")
        return f"{name[:2]}***@{domain}"
    if channel == "sms":
        return f"{address[:3]}****{address[-4:]}"
    return address
