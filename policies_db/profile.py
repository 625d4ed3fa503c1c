"""The firm profile contract: field names, types, Chinese labels, normalization.

A profile is a plain dict. A missing key (or None) means *unknown*, never false.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .places import AMBIGUOUS, PROVINCE_ONLY, RESOLVED, canonical_cities, resolve

SERVICE_TYPES = {"ITO": "信息技术外包（ITO）", "BPO": "业务流程外包（BPO）", "KPO": "知识流程外包（KPO）"}

FIELD_VALUES = {
    "software_it": "软件与信息技术服务",
    "digital_tech": "人工智能、大数据等数字技术",
    "pharma_rd": "医药研发",
    "design": "设计服务",
    "accounting_legal": "会计、法律服务",
    "business_operations": "业务运营服务（呼叫中心、供应链、金融后台等）",
    "producer_services": "面向制造业的生产性服务（研发、设计、营销）",
    "training": "人才培训",
}


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


FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        Field("city", "city", "所在地"),
        # Set when the firm names only its province (浙江): measures of the whole province can be judged.
        Field("province", "province", "所在省份"),
        Field("foreign_invested", "bool", "是否外资企业", "外商投资企业", "非外商投资企业"),
        Field("service_types", "list", "服务外包业务类型", choices=SERVICE_TYPES, empty="未从事服务外包业务"),
        Field("offshore", "bool", "是否承接离岸业务", "已承接离岸业务", "暂无离岸业务"),
        Field("onshore", "bool", "是否承接在岸业务", "已承接在岸业务", "暂无在岸业务"),
        Field("fields", "list", "业务领域", choices=FIELD_VALUES, empty="不涉及所列业务领域"),
        Field("tech_advanced_certified", "bool", "是否技术先进型服务企业", "已认定为技术先进型服务企业", "尚未认定为技术先进型服务企业"),
        Field("hires_foreign_talent", "bool", "是否聘用外籍人才", "聘用或计划聘用外籍人才", "暂无外籍人才"),
        Field("recruits_senior_talent", "bool", "是否引进高级人才", "计划引进高级人才", "暂无引进高级人才的计划"),
        Field("provides_training", "bool", "是否开展人才培训", "开展服务外包人才培训", "未开展服务外包人才培训"),
        Field("financial_institution", "bool", "是否金融机构", "银行或金融机构", "非金融机构"),
        Field("in_bonded_zone", "bool", "是否位于综合保税区", "位于综合保税区内", "不在综合保税区内"),
        Field("plans_listing", "bool", "是否计划上市", "有上市计划", "暂无上市计划"),
        Field("overseas_expansion", "bool", "是否计划海外设点", "计划设立海外机构", "暂无海外设点计划"),
        Field("employees", "int", "员工人数"),
        # Facts the texts make decisive (issue 11); unknown keeps such a measure undetermined.
        Field("is_sme", "bool", "是否中小企业", "中小企业", "非中小企业"),
        Field("leading_firm", "bool", "是否行业头部（龙头）企业", "行业头部（龙头）企业", "非行业头部企业"),
        Field("runs_platform", "bool", "是否运营服务外包公共服务平台", "运营服务外包公共服务平台", "未运营公共服务平台"),
        Field("runs_park", "bool", "是否运营服务外包园区或基地", "运营服务外包园区或基地", "未运营园区或基地"),
        Field("in_pilot_zone", "bool", "是否位于自贸试验区或开放试点区域", "位于自贸试验区或开放试点区域", "不在自贸试验区或开放试点区域"),
        Field("is_school", "bool", "是否高校或职业学校", "高校或职业学校", "非高校或职业学校"),
        Field("soe_or_hospital", "bool", "是否市管国有企业或医疗机构", "市管国有企业或医疗机构", "非市管国有企业或医疗机构"),
        # Facts a single measure's sentence makes decisive (second reading of issue 11).
        Field("covid_commissioned", "bool", "是否疫情期间受委托开展新冠药物研发等服务",
              "新冠肺炎疫情期间受委托开展过药物研发、疫苗研究等服务", "疫情期间未受委托开展相关服务"),
        Field("training_demo_recognized", "bool", "是否经认定的服务外包人才培训示范机构",
              "经认定的服务外包人才培训示范机构", "尚未认定为服务外包人才培训示范机构"),
        Field("supports_first_projects", "bool", "是否支持首创模式、首拓市场、首发新品",
              "支持过首创模式、首拓市场或首发新品", "未支持首创模式、首拓市场或首发新品"),
        Field("overseas_qualification", "bool", "人才是否持有境外职业资格",
              "有持境外职业资格的人才", "暂无持境外职业资格的人才"),
    ]
}

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
