"""The firm profile contract: field names, types, Chinese labels, normalization.

A profile is a plain dict. A missing key (or None) means *unknown*, never false.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from policies_db.evaluation.places import AMBIGUOUS, PROVINCE_ONLY, RESOLVED, canonical_cities, resolve


class ProfileError(ValueError):
    """A profile value of the wrong type or outside the contract."""


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "city" | "province" | "bool" | "list" | "int"
    label: str  # what the field asks, as a noun phrase
    yes: str = ""  # describes a true bool value for reasons (贵公司：…)
    no: str = ""
    choices: dict[str, str] = field(default_factory=dict)  # list fields: value → Chinese label
    empty: str = ""  # describes a known empty list

    def describe(self, value: Any) -> str:
        """The firm's value in plain Chinese, for 「（贵公司：…）」."""
        if value is None:
            return "尚未提供"
        if self.kind == "bool":
            return self.yes if value else self.no
        if self.kind == "list":
            return "从事" + "、".join(self.choices.get(v, v) for v in value) if value else self.empty
        if self.kind == "int":
            return f"员工{value}人"
        return f"位于{value}"


FIELDS_FILE = Path(__file__).with_name("profile_fields.yml")


def _load_fields(path: Path = FIELDS_FILE) -> dict[str, Field]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["fields"]
    out = {}
    for item in raw:
        field_ = Field(item["name"], item["kind"], item["label"], item.get("yes", ""), item.get("no", ""),
                       dict(item.get("choices") or {}), item.get("empty", ""))
        if field_.kind not in ("city", "province", "bool", "list", "int") or field_.name in out:
            raise ValueError(f"{path.name}: 字段 {field_.name} 的类型 {field_.kind} 无效或重复")
        out[field_.name] = field_
    return out


# The profile's facts, read from profile_fields.yml (data: a new fact needs no Python).
FIELDS: dict[str, Field] = _load_fields()
SERVICE_TYPES = FIELDS["service_types"].choices
FIELD_VALUES = FIELDS["fields"].choices

FIELD_ORDER = list(FIELDS)  # also the tie-break order of next_question
FIELD_INDEX = {name: i for i, name in enumerate(FIELD_ORDER)}  # field → column of the engine's matrices

_TRUE = {"true", "yes", "y", "1", "是", "有", "对"}
_FALSE = {"false", "no", "n", "0", "否", "无", "没有", "不是"}


def _to_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ProfileError(f"字段 {name} 应为 true/false，收到：{value!r}")


def _to_list(name: str, value: Any, choices: dict[str, str]) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise ProfileError(f"字段 {name} 应为列表，收到：{value!r}")
    out = []
    for item in items:
        key = str(item).strip()
        key = key.upper() if name == "service_types" else key
        if key not in choices:
            raise ProfileError(f"字段 {name} 的取值 {item!r} 无效，可选：{', '.join(choices)}")
        if key not in out:
            out.append(key)
    return out


def _to_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ProfileError(f"字段 {name} 应为整数，收到：{value!r}")
    try:
        number = int(float(value))
    except ValueError:
        raise ProfileError(f"字段 {name} 应为整数，收到：{value!r}") from None
    if number < 0:
        raise ProfileError(f"字段 {name} 不能为负数：{value!r}")
    return number


def _normalize_place(name: str, value: str, profile: dict[str, Any]) -> None:
    """Whatever the firm typed (成都龙泉驿区, 浙江省, 光谷) → the canonical city (成都), or the province
    alone (浙江) when no city is given. A name several places share must be settled first."""
    text = "".join(value.split())
    if name == "city" and text in canonical_cities():  # already canonical: no resolving
        profile["city"] = text
        return
    found = resolve(text)
    if found.status == RESOLVED:
        profile["city"] = found.place.city_name
    elif found.status == PROVINCE_ONLY:
        profile["province"] = found.place.province_name
    elif found.status == AMBIGUOUS:
        raise ProfileError(f"“{text}”有多处：{'、'.join(found.labels)}；请写明所在城市")
    elif name == "province":
        raise ProfileError(f"字段 province 应为省份名称，收到：{value!r}")
    else:  # not a place in China (境外、笔误): kept as typed; outside every covered region
        profile["city"] = text[:-1] if text.endswith("市") and len(text) > 1 else text


def normalize_profile(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Validate and normalize a profile. Unknown keys are rejected so typos don't pass as 'unknown'."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ProfileError(f"企业画像应为 JSON 对象，收到：{type(raw).__name__}")
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise ProfileError(f"未知字段：{', '.join(unknown)}；可用字段：{', '.join(FIELD_ORDER)}")
    profile: dict[str, Any] = {}
    for name, value in raw.items():
        if value is None:
            continue
        spec = FIELDS[name]
        if spec.kind in ("city", "province"):
            if not isinstance(value, str) or not value.strip():
                raise ProfileError(f"字段 {name} 应为地名，收到：{value!r}")
            _normalize_place(name, value, profile)
        elif spec.kind == "bool":
            profile[name] = _to_bool(name, value)
        elif spec.kind == "list":
            profile[name] = _to_list(name, value, spec.choices)
        else:
            profile[name] = _to_int(name, value)
    return profile
