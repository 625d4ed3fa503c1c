"""City names → canonical city and covered region (zhejiang / wuhan)."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

GAZETTEER_FILE = Path(__file__).with_name("gazetteer.yml")
_STRIP_PREFIXES = ("中国", "浙江省", "湖北省")


@dataclass(frozen=True)
class Region:
    key: str
    name: str
    requirement: str
    cities: tuple[str, ...]


@dataclass(frozen=True)
class Gazetteer:
    regions: dict[str, Region]
    aliases: dict[str, str]  # any known name → canonical city
    city_region: dict[str, str]  # canonical city → region key

    def resolve(self, text: str) -> str:
        """Canonical city for a place name; unknown places come back trimmed (上海市 → 上海)."""
        name = "".join(str(text).split())
        for prefix in _STRIP_PREFIXES:
            if name.startswith(prefix) and len(name) > len(prefix):
                name = name[len(prefix):]
        if name in self.aliases:
            return self.aliases[name]
        # Longest known name inside the text: 杭州市滨江区 → 杭州, 武汉东湖高新区 → 武汉.
        found = [a for a in self.aliases if a in name]
        if found:
            return self.aliases[max(found, key=len)]
        return name[:-1] if name.endswith("市") and len(name) > 1 else name

    def region_of(self, city: str | None) -> str | None:
        return self.city_region.get(city) if city else None

    def all_names(self) -> list[str]:
        """Every name the gazetteer knows, for NLU dictionaries."""
        return sorted(self.aliases)


@functools.lru_cache(maxsize=None)
def load_gazetteer(path: Path = GAZETTEER_FILE) -> Gazetteer:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    regions, aliases, city_region = {}, {}, {}
    for key, spec in raw["regions"].items():
        regions[key] = Region(key, spec["name"], spec["requirement"], tuple(spec["cities"]))
        for city, names in spec["cities"].items():
            city_region[city] = key
            for alias in [city, *names]:
                if alias in aliases and aliases[alias] != city:
                    raise ValueError(f"{path.name}: '{alias}' is listed under both {aliases[alias]} and {city}")
                aliases[alias] = city
    return Gazetteer(regions, aliases, city_region)
