"""A task's 责任单位 parenthesis → the departments a firm contacts, in full names.

「市商务局市市场监管局、市卫健委、武汉海关」 (the OCR lost a 、) → 武汉市商务局, 武汉市市场监管局, 武汉市卫健委,
武汉海关. 市X → <city>X and 省X → <province>X for the document's place; 各区政府 → 所在区人民政府 (the firm calls
its own).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from policies_db.authoring.drafting.cues import cues

SEPARATORS = re.compile(r"[、，,；;\s]+")


@dataclass(frozen=True)
class Unit:
    name: str  # as a firm would look it up: 武汉市商务局
    listed_as: str  # as the text writes it: 市商务局
    guess: bool = False  # the name was completed or cut by the drafter

    def to_dict(self) -> dict:
        out = {"name": self.name, "listed_as": self.listed_as}
        if self.guess:
            out["guess"] = True
        return out


def _cut_joined(piece: str) -> list[str]:
    """「市商务局市市场监管局」 → [市商务局, 市市场监管局]: cut after a unit ending when a unit start follows."""
    endings = sorted(cues()["unit_endings"], key=len, reverse=True)
    starts = cues()["unit_starts"]
    pattern = re.compile("(?:" + "|".join(map(re.escape, endings)) + ")(?=(?:" + "|".join(map(re.escape, starts)) + "))")
    out, start = [], 0
    for match in pattern.finditer(piece):
        rest = piece[match.end():]
        # 市场监管局 starts with 市 but is a name's middle: only cut when the rest itself ends like a unit.
        if any(rest.startswith(s) for s in starts) and _ends_like_unit(rest):
            out.append(piece[start:match.end()])
            start = match.end()
    out.append(piece[start:])
    return [p for p in out if p]


def _ends_like_unit(text: str) -> bool:
    return any(text.endswith(e) or re.search(re.escape(e) + r"(?=[市省区县各中国人])", text)
               for e in cues()["unit_endings"])


def _pattern_name(name: str) -> str:
    for pattern, template in cues()["unit_patterns"].items():
        if m := re.match(pattern, name):
            return template.format(**m.groupdict())
    return name


def units_in_text(text: str) -> list[str]:
    """Departments a sentence names in passing (由市科技局会同市商务局、市财政局…组织开展) → [市科技局, 市商务局, 市财政局]."""
    starts = "|".join(map(re.escape, cues()["inline_unit_starts"]))
    endings = "|".join(map(re.escape, sorted(cues()["inline_unit_endings"], key=len, reverse=True)))
    found = re.findall(rf"(?:{starts})[\u4e00-\u9fff]{{1,12}}?(?:{endings})", text)
    return list(dict.fromkeys(f for u in found for f in _cut_joined(u)))


def starts_with_unit(text: str, followers: tuple[str, ...]) -> Optional[str]:
    """The department a sentence opens with when one of `followers` comes right after it
    (市人力资源社会保障局要… → 市人力资源社会保障局), or None."""
    if not text.startswith(tuple(cues()["unit_starts"])):
        return None
    endings = tuple(cues()["unit_endings"])
    for end in range(2, min(len(text), 20)):
        if text[:end].endswith(endings) and text[end:].startswith(followers):
            return text[:end]
    return None


def parse_units(raw: list[str], city: Optional[str], province: Optional[str]) -> list[Unit]:
    """Every 责任单位 parenthesis of a task → its units, in order, without repeats."""
    own = cues()["own_units"]
    prefixes = cues()["local_prefixes"]
    places = {"city": city, "province": province}
    out: list[Unit] = []
    for text in raw:
        for piece in SEPARATORS.split(text.strip()):
            parts = _cut_joined(piece) if piece else []
            for name in parts:
                cut = len(parts) > 1
                if name in own:
                    out.append(Unit(own[name], name, guess=cut))
                    continue
                full = _pattern_name(name)
                official = cues()["unit_full_names"].get(full)
                if official:
                    full = official.format(city=city) if city or "{city}" not in official else full
                for prefix, which in prefixes.items():
                    place = places.get(which)
                    if place and full.startswith(prefix) and not full.startswith(place):
                        full = place + full[len(prefix):]
                        break
                out.append(Unit(full, name, guess=cut))
    seen, unique = set(), []
    for unit in out:
        if unit.name not in seen:
            seen.add(unit.name)
            unique.append(unit)
    return unique
