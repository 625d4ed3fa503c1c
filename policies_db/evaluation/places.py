"""Where a firm is: any place name typed in China → province → city → district.

The administrative divisions come from cpca 0.5.5's data file (adcodes.csv, read directly: importing
cpca itself builds its own matcher and pulls in pkg_resources). cpca's own matcher is not used: it
picks the first of several same-named districts silently (a bare 普陀区 becomes Shanghai's), while a
firm in 舟山 must be asked. Our own alias list (gazetteer.yml) adds development zones, 综合保税区 and
names the data predates or no longer uses. Pure Python, no Rasa import; the index is built once.

    resolve("我们在成都龙泉驿区")  → resolved, 四川省 成都市 龙泉驿区
    resolve("青山区")              → ambiguous: 武汉市青山区, 包头市青山区
    resolve("浙江省")              → province_only
"""
from __future__ import annotations

import csv
import functools
import importlib.util
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

import yaml

ALIASES_FILE = Path(__file__).with_name("gazetteer.yml")
TOWNS_FILE = Path(__file__).with_name("towns.yml")  # generated: scripts/towns_from_division_data.py
TOWN_DEPTH = 3  # a town's short name (店口 of 店口镇) stands for its district, read only as a whole name
RESOLVED, AMBIGUOUS, PROVINCE_ONLY, UNKNOWN, ABROAD = "resolved", "ambiguous", "province_only", "unknown", "abroad"
MAX_CANDIDATES = 6

# Names in the data that are not places a firm is in.
_SKIP_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Real district names that are also plain words (城区 of 阳泉, 郊区 of 铜陵…): matched only in full
# context, never offered to the NLU dictionary on their own.
GENERIC_NAMES = {"城区", "郊区", "矿区", "东区", "西区"}
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "林区", "特区",
             "省", "市", "区", "县", "旗", "盟")


@dataclass(frozen=True)
class Place:
    """A place at some depth: a province, a city, or a district/county (full official names)."""

    province: str
    city: Optional[str] = None
    district: Optional[str] = None
    zone: Optional[str] = None  # 东湖新技术开发区, 杭州综合保税区… when the firm named one
    province_code: str = ""  # 2 digits
    city_code: Optional[str] = None  # 4 digits (municipalities: the province's)

    @property
    def depth(self) -> int:
        return 0 if self.city is None else 1 if self.district is None else 2

    @property
    def label(self) -> str:
        """How the assistant names it back: 浙江省 / 杭州市 / 武汉市青山区 / 北京市朝阳区."""
        if self.city is None:
            return self.province
        return self.city + (self.district or "")

    @property
    def city_name(self) -> Optional[str]:
        """The canonical city value of the profile (杭州, 武汉, 成都…), or None for a province."""
        return _index().canonical_city.get(self.city_code) if self.city_code else None

    @property
    def province_name(self) -> str:
        """The canonical province value of the profile (浙江, 湖北, 北京…)."""
        return _index().canonical_province[self.province_code]

    def contains(self, other: "Place") -> bool:
        """Is `other` this place or inside it?"""
        return _related(self, other) and other.depth >= self.depth

    def _key(self) -> tuple:
        return (self.province_code, self.city_code, self.district)


@dataclass(frozen=True)
class Resolution:
    status: str  # resolved | ambiguous | province_only | unknown | abroad
    text: str
    place: Optional[Place] = None  # resolved and province_only
    candidates: tuple[Place, ...] = ()  # ambiguous
    bonded_zone: bool = False  # the text names a 综合保税区
    abroad: Optional[str] = None  # the foreign place named (东京, 吉隆坡, 德国)

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.candidates]


def _related(a: Place, b: Place) -> bool:
    """Same place, or one inside the other."""
    if a.province_code != b.province_code:
        return False
    if a.city_code and b.city_code and a.city_code != b.city_code:
        return False
    return not (a.district and b.district and a.district != b.district)


def _deeper(a: Place, b: Place) -> Place:
    """Two related places → the more precise one, keeping a zone named by either."""
    deep, other = (a, b) if a.depth >= b.depth else (b, a)
    return replace(deep, zone=deep.zone or other.zone)


def short_name(name: str, nations: tuple[str, ...] = ()) -> str:
    """浙江省 → 浙江, 杭州市 → 杭州, 恩施土家族苗族自治州 → 恩施, 浦东新区 → 浦东; at least two characters."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if suffix in ("特别行政区", "自治区", "自治州", "自治县", "自治旗"):
                changed = True
                while changed:  # 黔东南苗族侗族 → 黔东南; 克孜勒苏柯尔克孜 → 克孜勒苏
                    changed = False
                    for nation in nations:
                        for form in (nation, nation.rstrip("族")):
                            if stem.endswith(form) and len(stem) - len(form) >= 2:
                                stem, changed = stem[: -len(form)], True
                if suffix in ("自治县", "自治旗") and stem == name[: -len(suffix)]:
                    return name  # 鄂温克族自治旗: no shorter name
            return stem
    return name


@dataclass
class _Index:
    names: dict[str, list[Place]]  # every name (full, short, alias) → the places it can mean
    full_names: set[str]
    short_names: dict[str, int]  # short name → depth of the unit it shortens (for the NLU list)
    alias_names: set[str]
    bonded_aliases: set[str]
    provinces: dict[str, Place]  # province code → place
    cities: dict[str, Place]  # city code → place
    canonical_city: dict[str, str] = field(default_factory=dict)
    canonical_province: dict[str, str] = field(default_factory=dict)
    jurisdictions: dict[str, str] = field(default_factory=dict)  # legacy region keys → place names
    abroad: set[str] = field(default_factory=set)  # foreign countries and cities (gazetteer.yml)
    abroad_cities: set[str] = field(default_factory=set)
    not_in_dictionary: set[str] = field(default_factory=set)  # county-level city names that are plain words
    may_follow: str = ""  # characters a district's short name may stand after
    may_not_precede: tuple[str, ...] = ()  # what may not follow a district's short name
    max_len: int = 0
    after_place: set[str] = field(default_factory=set)  # town names other provinces share: only after a place


def _data_dir() -> Path:
    spec = importlib.util.find_spec("cpca")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cpca is not installed (requirements.in pins cpca==0.5.5)")
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


def _division_units(data: Path) -> list[tuple[str, str]]:
    with (data / "adcodes.csv").open(encoding="utf-8") as f:
        return [(row["adcode"][:6], row["name"]) for row in csv.DictReader(f)]


@functools.lru_cache(maxsize=None)
def _index() -> _Index:
    data = _data_dir()
    nations = tuple(line.strip() for line in (data / "56_nations.csv").read_text(encoding="utf-8").splitlines()
                    if line.strip())
    units = sorted(_division_units(data))
    provinces: dict[str, Place] = {}
    cities: dict[str, Place] = {}
    places: list[tuple[str, Place, int]] = []  # (official name, place, depth)
    # Provinces; then cities (municipalities and SARs are their own city); then districts and counties.
    with_cities = {c[:2] for c, n in units if c.endswith("00") and not c.endswith("0000") and n not in _SKIP_NAMES}
    for code, name in units:
        if code.endswith("0000"):
            provinces[code[:2]] = Place(name, province_code=code[:2])
    for code, name in units:
        p = provinces[code[:2]]
        if code.endswith("0000"):
            if code[:2] in with_cities:
                places.append((name, p, 0))
            else:  # 北京市, 上海市, 天津市, 重庆市, 香港, 澳门: the province is the city
                cities[code[:2] + "00"] = replace(p, city=name, city_code=code[:2] + "00")
                places.append((name, cities[code[:2] + "00"], 1))
        elif code.endswith("00") and name not in _SKIP_NAMES:
            cities[code[:4]] = replace(p, city=name, city_code=code[:4])
            places.append((name, cities[code[:4]], 1))
    for code, name in units:
        if code.endswith("00") or name in _SKIP_NAMES:
            continue
        parent = cities.get(code[:4]) or cities.get(code[:2] + "00")
        if parent is None:  # 省直辖县级行政区划 (仙桃, 石河子…): the county-level city is the city
            cities[code] = replace(provinces[code[:2]], city=name, city_code=code)
            places.append((name, cities[code], 1))
            continue
        places.append((name, replace(parent, district=name), 2))

    names: dict[str, list[Place]] = {}
    full_names, short_names = set(), {}
    for name, place, depth in places:
        full_names.add(name)
        names.setdefault(name, []).append(place)
        short = short_name(name, nations)
        if short != name:
            short_names[short] = min(depth, short_names.get(short, depth))
            names.setdefault(short, []).append(place)

    # Our own list: development zones, 综合保税区, renamed and new units. An alias replaces what the
    # data says for the same name (莱芜 is now part of 济南).
    raw = yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8"))
    alias_names, bonded = set(), set()
    for entry in raw["aliases"]:
        parts = entry["place"].split()
        prov = next((p for p in provinces.values() if p.province == parts[0]), None)
        if prov is None:
            raise ValueError(f"{ALIASES_FILE.name}: unknown province {parts[0]!r} in {entry}")
        place = prov
        if len(parts) > 1:
            place = next((c for c in cities.values() if c.province_code == prov.province_code and c.city == parts[1]), None)
            if place is None:
                raise ValueError(f"{ALIASES_FILE.name}: unknown city {parts[1]!r} in {entry}")
        if len(parts) > 2:
            place = replace(place, district=parts[2])
        place = replace(place, zone=entry.get("zone"))
        for alias in entry["names"]:
            if alias in alias_names:
                raise ValueError(f"{ALIASES_FILE.name}: '{alias}' is listed twice")
            alias_names.add(alias)
            names[alias] = [place] if entry.get("replace") else names.get(alias, []) + [place]
            if "综合保税区" in (entry.get("zone") or "") or "综保区" in alias:
                bonded.add(alias)

    abroad = {n for group in (raw.get("abroad") or {}).values() for n in group}
    after_place: set[str] = set()
    _add_towns(names, full_names, short_names, cities, taken=set(names) | abroad, after_place=after_place)
    index = _Index(names, full_names, short_names, alias_names, bonded, provinces, cities,
                   jurisdictions=dict(raw.get("jurisdictions") or {}), abroad=abroad,
                   abroad_cities=set((raw.get("abroad") or {}).get("cities") or ()),
                   not_in_dictionary=set(raw.get("not_in_dictionary") or ()),
                   may_follow=raw.get("short_name_may_follow", ""),
                   may_not_precede=tuple(raw.get("short_name_may_not_precede") or ()),
                   max_len=max(len(n) for n in [*names, *abroad]), after_place=after_place)
    index.canonical_province = {code: short_name(p.province, nations) for code, p in provinces.items()}
    # The profile's city value: the short name (杭州) unless it would read back as something else
    # (吉林 is a province too: 吉林市 stays 吉林市).
    for code, city in cities.items():
        short = short_name(city.city, nations)
        found = _candidates(index, short)
        index.canonical_city[code] = short if len(found) == 1 and found[0].depth == 1 and found[0].city_code == code else city.city
    return index


def _add_towns(names: dict, full_names: set, short_names: dict, cities: dict, taken: set, after_place: set) -> None:
    """Towns and 街道 of the covered provinces stand for their district: 店口镇 (and 店口) → 诸暨市. A short
    name that is already another place's name (望江 of 望江街道 is 安徽's 望江县) is not a town's."""
    if not TOWNS_FILE.exists():
        return
    by_name = {(c.province, c.city): c for c in cities.values()}
    for key, towns in (yaml.safe_load(TOWNS_FILE.read_text(encoding="utf-8")) or {}).items():
        province, city, district = key.split()
        if city in _SKIP_NAMES:  # 仙桃市 and the other county-level cities under the province: they are the city
            city, district = district, None
        if (province, city) not in by_name:
            raise ValueError(f"{TOWNS_FILE.name}: unknown city {province} {city}")
        place = replace(by_name[(province, city)], district=district)
        for item in towns:
            full, _, short = item.partition("|")
            if full.startswith("~"):  # other provinces have a town of this name: read only after its place
                full = full[1:]
                after_place.add(full)
            full_names.add(full)
            names.setdefault(full, []).append(place)
            if short and short not in taken:
                short_names[short] = TOWN_DEPTH
                names.setdefault(short, []).append(place)


def _candidates(index: _Index, name: str, top_only: bool = True) -> list[Place]:
    """What one name can mean. The higher level wins: a province name means the province (海南, not
    青海's 海南州), a city name the city (西安, not 牡丹江's 西安区); a place inside another candidate
    gives way to it (吉林 → 吉林省, not also 吉林市). Same-level names stay ambiguous (青山区)."""
    found = list(dict.fromkeys(index.names.get(name, [])))
    if found and top_only:
        top = min(p.depth for p in found)
        found = [p for p in found if p.depth == top]
    return [p for p in found if not any(q is not p and q.depth < p.depth and _related(q, p) for q in found)]


def _inside_a_longer_name(index: _Index, text: str, start: int, name: str, after_mention: bool) -> bool:
    """A district's short name glued to other characters is part of a name we do not know: 钱江新城 is not
    新城区, 南湖路 not 南湖区. Full names, aliases and city or province names are always whole names."""
    if index.short_names.get(name, 0) < 2 or name in index.full_names or name in index.alias_names:
        return False
    before = text[start - 1] if start > 0 else ""
    if before and not after_mention and before not in index.may_follow and "\u4e00" <= before <= "\u9fff":
        return True
    rest = text[start + len(name):]
    return any(rest.startswith(word) for word in index.may_not_precede)


def _mentions(index: _Index, text: str) -> list[tuple[int, str]]:
    """Place names in the text, leftmost-longest, not overlapping: 成都|龙泉驿区, 三门峡 (not 三门); foreign
    names too, so 吉隆坡 is never 吉隆县."""
    out, i, last_end = [], 0, -1
    while i < len(text):
        for length in range(min(index.max_len, len(text) - i), 1, -1):
            name = text[i:i + length]
            if (name in index.names or name in index.abroad) and not _inside_a_longer_name(
                    index, text, i, name, after_mention=last_end == i):
                out.append((i, name))
                i += length
                last_end = i
                break
        else:
            i += 1
    return out


def _clean(text: str) -> str:
    return "".join(str(text).split()).replace("中华人民共和国", "").replace("（", "(").replace("）", ")")


@functools.lru_cache(maxsize=8192)
def resolve(text: str, context: str = "") -> Resolution:
    """Where the text says the firm is. `context` (e.g. the whole message) settles an ambiguous
    name when it names the city too: value 青山区 in 「我们在武汉的青山区」."""
    index = _index()
    cleaned = _clean(text)
    chains: list[list[Place]] = []
    abroad, abroad_end = None, -1
    for start, name in _mentions(index, cleaned):
        if name in index.abroad or start == abroad_end:  # 首尔江南区: the district is Seoul's, not 南宁's
            abroad = abroad or name
            abroad_end = start + len(name)
            continue
        if name in index.after_place and not chains:
            continue
        found = _candidates(index, name)
        if chains:  # after a place, every meaning of the name counts: 北京|朝阳 is 北京's 朝阳区
            merged = [_deeper(a, b) for a in chains[-1] for b in _candidates(index, name, top_only=False)
                      if _related(a, b)]
            if merged:
                chains[-1] = list(dict.fromkeys(merged))
                continue
        chains.append(found)
    candidates = list(dict.fromkeys(p for chain in chains for p in chain))
    if len(candidates) > 1 and context:
        hints = [p for _, n in _mentions(index, _clean(context)) if n not in cleaned and n not in index.abroad
                 for p in _candidates(index, n, top_only=False)]
        narrowed = [c for c in candidates if any(_related(c, h) for h in hints)]
        if narrowed:
            candidates = list(dict.fromkeys(_deeper(c, h) for c in narrowed for h in hints if _related(c, h)))
    bonded = any(n in index.bonded_aliases for _, n in _mentions(index, cleaned)) or \
        "综合保税区" in cleaned or "综保区" in cleaned
    if not candidates:
        return Resolution(ABROAD, text, abroad=abroad) if abroad else Resolution(UNKNOWN, text, bonded_zone=bonded)
    if len(candidates) > 1:
        candidates.sort(key=lambda p: (p.province_code, p.city_code or "", p.district or ""))
        return Resolution(AMBIGUOUS, text, candidates=tuple(candidates[:MAX_CANDIDATES]), bonded_zone=bonded)
    place = candidates[0]
    return Resolution(PROVINCE_ONLY if place.city is None else RESOLVED, text, place, bonded_zone=bonded)


@functools.lru_cache(maxsize=4096)
def place_of(name: str | None) -> Optional[Place]:
    """The place a profile value names (杭州 → 杭州市; 浙江 → 浙江省), or None when it names none
    (foreign or unknown places) or several."""
    if not name:
        return None
    r = resolve(name)
    return r.place if r.status in (RESOLVED, PROVINCE_ONLY) else None


def jurisdiction_place(key: str) -> Optional[Place]:
    """A document's jurisdiction (a place name such as 浙江省 or 武汉市; older catalogues wrote
    zhejiang / wuhan, listed in gazetteer.yml) → the place, or None if it names no single place."""
    return place_of(_index().jurisdictions.get(key, key))


def cities_of(province: Place) -> list[Place]:
    """The cities of a province (浙江省 → its 11 设区市), in code order."""
    index = _index()
    return [c for code, c in sorted(index.cities.items()) if c.province_code == province.province_code]


def canonical_cities() -> set[str]:
    return set(_index().canonical_city.values())


@functools.lru_cache(maxsize=1)
def _no_department() -> frozenset[str]:
    return frozenset(yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8")).get("no_department_named") or [])


def department_named(place: Optional[Place]) -> bool:
    """Is a 商务主管部门 of this place named to a firm outside coverage? Not for 港澳台 (gazetteer.yml)."""
    return place is not None and place.province not in _no_department()


def is_place_name(name: str) -> bool:
    """Is the whole text one name of a place (浦东, 长沙市, 光谷) — not merely a text holding one?"""
    index = _index()
    return name in index.names or name in index.alias_names


def dictionary_names(covered: list[Place] = ()) -> list[str]:
    """Place names for the NLU dictionary: every full name, province and city short names, our
    aliases, and the short names of districts and counties inside the covered places (萧山, 义乌…).
    Elsewhere a district's short name is too often a plain word (平安, 东方, 和平)."""
    index = _index()
    out = {n for n in index.full_names if len(n) > 1 and n not in GENERIC_NAMES and n not in _SKIP_NAMES}
    out |= {n for n, depth in index.short_names.items() if depth < 2}
    out |= index.alias_names
    for name, depth in index.short_names.items():
        if depth >= 2 and any(any(c.contains(p) for c in covered) for p in index.names.get(name, [])):
            out.add(name)
    # County-level cities everywhere (汉川, 大冶 beside 武汉; 昆山, 江阴 outside coverage): names firms give as their
    # address, so a firm is placed in its own prefecture — except the names that are plain words too (甘肃's 合作),
    # listed in the gazetteer's not_in_dictionary. Foreign cities too (东京, 吉隆坡): a firm abroad.
    out |= {short_name(n) for n in index.full_names if n.endswith("市") and len(short_name(n)) >= 2
            and index.short_names.get(short_name(n)) == 2} - index.not_in_dictionary
    out |= index.abroad_cities
    return sorted(n for n in out if not re.search(r"\s", n))
