"""Which regions the assistant covers — read from the documents' metadata, never written in code.

Each document's `jurisdiction` is a place name (浙江省, 武汉市) resolved by places.py. A policy officer
who adds a third document (say 成都市's measures, `jurisdiction: 成都市`) adds a covered region: the
matching, the region condition of its measures, the contacts and every sentence below follow.
Pure Python, no Rasa import.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Iterable, Optional

from policies_db.authoring.schema import Document
from policies_db.evaluation.places import Place, cities_of, department_named, jurisdiction_place, place_of

TOPIC = "服务外包扶持政策"


class CoverageError(ValueError):
    """A jurisdiction that names no single province or city."""


@functools.lru_cache(maxsize=256)
def region_place(key: str) -> Place:
    """The place a jurisdiction names: a province or a city (a district is too fine: the profile
    keeps the firm's city)."""
    place = jurisdiction_place(key)
    if place is None:
        raise CoverageError(f"地区 {key!r} 不是一个明确的省或城市名称（例如 浙江省、武汉市）")
    if place.district is not None or place.zone is not None:
        raise CoverageError(f"地区 {key!r} 是区县或园区；文件适用地区须写到省或城市（例如 {place.city}）")
    return place


def region_name(key: str) -> str:
    """浙江省, 武汉市."""
    return region_place(key).label


def region_short(key: str) -> str:
    """浙江, 武汉: for labels such as 【浙江】."""
    place = region_place(key)
    return place.province_name if place.city is None else place.city_name


def requirement(key: str) -> str:
    """The region condition every measure of the document carries, as its reasons read it."""
    place = region_place(key)
    return f"在{place.label}内注册经营" if place.city is None else f"在{place.label}注册经营"


def example_city(key: str) -> str:
    """A city inside the region (the profile's value), for what-if answers."""
    place = region_place(key)
    return place.city_name if place.city else cities_of(place)[0].city_name


def firm_place(profile: dict) -> Optional[Place]:
    """Where the profile puts the firm: its city, else its province (浙江 said without a city)."""
    return place_of(profile.get("city")) or (place_of(profile.get("province")) if not profile.get("city") else None)


def firm_in(profile: dict, key: str) -> Optional[bool]:
    """Is the firm inside the jurisdiction? None when only its province is known and the
    jurisdiction is one city of that province (湖北 for a 武汉 document)."""
    city, province = profile.get("city"), profile.get("province")
    if city is None and province is None:
        return None
    region = region_place(key)
    firm = place_of(city) if city else place_of(province)
    if firm is None:  # a foreign or unknown place: outside every region
        return False
    if region.contains(firm):
        return True
    if firm.contains(region):  # the firm gave a wider place than the document's
        return None
    return False


def city_bureau(profile: dict, key: str) -> Optional[str]:
    """The firm's own city commerce bureau (杭州市商务局) when its city is inside the jurisdiction.

    Only for documents that address 各市商务局 (the Zhejiang plan): the loader's `resolve:
    city_commerce_bureau` contact; the text itself names these bureaus."""
    city = profile.get("city")
    place = place_of(city) if city else None
    if place is None or not firm_in(profile, key):
        return None
    return f"{place.city}商务局"


# ---- the covered regions and the sentences that name them ----------------------------------

@dataclass(frozen=True)
class Region:
    key: str
    place: Place
    documents: tuple[Document, ...]

    @property
    def name(self) -> str:
        return self.place.label

    @property
    def cities(self) -> list[Place]:
        return cities_of(self.place) if self.place.city is None else [self.place]


def _documents(source) -> Iterable[Document]:
    documents = getattr(source, "documents", source)
    return documents.values() if isinstance(documents, dict) else documents


def regions(source) -> list[Region]:
    """The covered regions in the order of the division codes (浙江 33 before 湖北 42); `source` is a
    Catalogue, CompiledCatalogue or documents."""
    grouped: dict[str, list[Document]] = {}
    for doc in _documents(source):
        grouped.setdefault(region_place(doc.jurisdiction).label, []).append(doc)
    out = []
    for docs in grouped.values():
        out.append(Region(docs[0].jurisdiction, region_place(docs[0].jurisdiction), tuple(docs)))
    return sorted(out, key=lambda r: (r.place.province_code, r.place.city_code or ""))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]


def covered_names(source) -> str:
    """浙江省和武汉市."""
    return _join([r.name for r in regions(source)])


def coverage_sentence(source) -> str:
    """目前覆盖浙江省（杭州、宁波…）和武汉市的服务外包扶持政策 — provinces list their cities."""
    parts = []
    for r in regions(source):
        if r.place.city is None:
            parts.append(f"{r.name}（{'、'.join(c.city_name for c in r.cities)}）")
        else:
            parts.append(r.name)
    return f"目前覆盖{_join(parts)}的{TOPIC}"


def documents_sentence(source) -> str:
    """《浙江省服务外包提能升级三年行动计划（2023—2025年）》和《武汉市关于…的实施意见》."""
    return _join([f"《{d.title}》" for r in regions(source) for d in r.documents])


def city_hint(source) -> str:
    """目前支持浙江省11个设区市和武汉市 — for the city question."""
    parts = [f"{r.name}{len(r.cities)}个设区市" if r.place.city is None else r.name for r in regions(source)]
    return f"目前支持{_join(parts)}"


def local_department(profile: dict) -> str:
    """Where a firm outside coverage should ask: its own city's commerce department when the city is
    known (成都市商务主管部门; the exact name of that body differs from city to city), else 当地."""
    place = place_of(profile.get("city")) if profile.get("city") else None
    return f"{place.city}商务主管部门" if place else "当地商务主管部门"


def outside_text(source, profile: dict) -> str:
    """For a firm outside every covered region: its place as resolved, the documents covered and that they apply
    by registered place, its own city's (and province's) commerce department; a client's place changes nothing."""
    place = firm_place(profile)
    where = (place.province + place.label if place and place.city and place.province != place.city
             else place.label if place else (profile.get("city") or profile.get("province") or "贵公司所在地"))
    abroad = place is None and bool(profile.get("city"))
    ask = (f"{place.city}商务主管部门或{place.province}商务厅" if place and place.city and place.province != place.city
           else f"{place.label}商务主管部门" if place else "当地商务主管部门")
    documents = "；".join(f"{'、'.join(f'《{d.title}》' for d in r.documents)}适用于在{r.name}注册的企业"
                          for r in regions(source))
    return (f"抱歉，{coverage_sentence(source)}：{documents}，按企业注册地适用，客户或合作方在哪里不影响。"
            f"暂不包括{place.label if place else where}（贵公司在{where}{'，境外' if abroad else ''}）。"
            + (f"{where}的相关政策，建议咨询{ask}。" if not abroad and department_named(place) else "")
            + "如贵公司在上述地区另有注册主体，可以告诉我那里的城市，我按那家企业来查。")


def outside_noted_text(source, profile: dict) -> str:
    """A new fact from a firm already told it is outside coverage: one line, not the whole explanation again."""
    place = firm_place(profile)
    where = place.label if place else (profile.get("city") or profile.get("province") or "贵公司所在地")
    ask = (f"{place.city}商务主管部门" if place and place.city else f"{where}商务主管部门" if place else "当地商务主管部门")
    names = "、".join(r.name for r in regions(source))
    return (f"好的，已记下。不过这些文件按注册地适用，只覆盖{names}，贵公司在{where}，结论不变"
            + (f"；当地政策建议咨询{ask}。" if place is None or department_named(place) else "。"))


def is_covered(source, profile: dict) -> Optional[bool]:
    """Is the firm inside some covered region? None while unknown (no place, or a province that
    contains a covered city)."""
    answers = [firm_in(profile, r.key) for r in regions(source)]
    if any(a is True for a in answers):
        return True
    return None if any(a is None for a in answers) else False
