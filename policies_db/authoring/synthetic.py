"""Synthetic catalogues and profiles of any size, for benchmarks and randomized tests.

Measures look like real ones: a region condition, then one to four conditions on profile
fields, sometimes nested any / not, sometimes an extra benefit. Seeded, so reproducible.
The regions are places like the real catalogue's (a province and a city of another province);
profiles name covered and uncovered cities, provinces alone, districts and development zones.
"""
from __future__ import annotations

import datetime as dt
import random

from policies_db.authoring.schema import CATEGORIES, Catalogue, Contact, Document, ExtraBenefit, Measure, Node, Source
from policies_db.evaluation.coverage import requirement
from policies_db.profile import FIELDS

_BOOL_FIELDS = [f.name for f in FIELDS.values() if f.kind == "bool"]


def random_leaf(rng: random.Random) -> Node:
    roll = rng.random()
    if roll < 0.55:
        name = rng.choice(_BOOL_FIELDS)
        value = rng.random() < 0.85
        return Node("leaf", field=name, op="eq", value=value, text=f"{FIELDS[name].label}为{'是' if value else '否'}")
    if roll < 0.85:
        name = rng.choice(["fields", "service_types"])
        choices = list(FIELDS[name].choices)
        if rng.random() < 0.6:
            value = rng.choice(choices)
            return Node("leaf", field=name, op="has", value=value, text=f"从事{FIELDS[name].choices[value]}")
        value = tuple(rng.sample(choices, 2))
        return Node("leaf", field=name, op="has_any", value=value, text="从事" + "或".join(FIELDS[name].choices[v] for v in value))
    if roll < 0.93:
        return Node("leaf", field="service_types", op="nonempty", text="从事服务外包业务")
    op = rng.choice(["gte", "lte"])
    value = rng.choice([20, 50, 100, 300, 1000])
    return Node("leaf", field="employees", op=op, value=value, text=f"员工{'不少于' if op == 'gte' else '不超过'}{value}人")


def random_tree(rng: random.Random, depth: int = 0) -> Node:
    roll = rng.random()
    if depth >= 2 or roll < 0.55:
        return random_leaf(rng)
    if roll < 0.9:
        kind = rng.choice(["all", "any"])
        return Node(kind, tuple(random_tree(rng, depth + 1) for _ in range(rng.randint(2, 3))))
    return Node("not", (random_tree(rng, depth + 1),), text="不属于所列情形")


REGIONS = {"sa": "浙江省", "sb": "武汉市"}  # id prefix → jurisdiction
# Where synthetic firms are: inside, outside, a province alone (decides 浙江省, not 武汉市), zones.
PLACES = ["杭州", "宁波", "温州", "义乌", "武汉", "东湖高新区", "杭州湾新区", "浙江", "湖北", "上海", "成都",
          "包头", "三门峡"]


def synthetic_catalogue(n: int, seed: int = 7, regions: dict[str, str] | None = None) -> Catalogue:
    rng = random.Random(seed)
    catalogue = Catalogue()
    docs = []
    for prefix, key in (regions or REGIONS).items():
        doc = Document(id=f"synthetic-{prefix}", issuer="（合成数据）", title=f"合成政策汇编（{key}）", jurisdiction=key,
                       valid_from=dt.date(2023, 1, 1), valid_to=dt.date(2027, 12, 31), number_note="合成数据")
        catalogue.documents[doc.id] = doc
        docs.append((prefix, doc))
    categories = list(CATEGORIES)
    for i in range(n):
        prefix, doc = docs[i % len(docs)]
        region_leaf = Node("leaf", field="city", op="in_region", value=doc.jurisdiction, text=requirement(doc.jurisdiction))
        body = Node("all", tuple(random_tree(rng) for _ in range(rng.randint(1, 3))))
        extras = ()
        if rng.random() < 0.1:
            extras = (ExtraBenefit("附加支持", Node("all", (random_leaf(rng),))),)
        catalogue.measures.append(Measure(
            id=f"{prefix}-synthetic-{i}", document_id=doc.id,
            title=f"合成措施 {i}", summary="合成数据", benefit="合成数据", category=rng.choice(categories),
            criteria=Node("all", (region_leaf, body)), contacts=(Contact("合成部门"),),
            source=Source("合成", "合成数据"), extra_benefits=extras,
        ))
    return catalogue


def random_profile(rng: random.Random, known: float = 0.6) -> dict:
    """A profile where each field is known with probability `known`."""
    profile = {}
    for name, spec in FIELDS.items():
        if rng.random() > known:
            continue
        if spec.kind == "city":
            profile[name] = rng.choice(PLACES)
        elif spec.kind == "province":
            continue  # the city (or a province typed as the city) says where the firm is
        elif spec.kind == "bool":
            profile[name] = rng.random() < 0.5
        elif spec.kind == "list":
            profile[name] = rng.sample(list(spec.choices), rng.randint(0, 3))
        else:
            profile[name] = rng.choice([5, 40, 150, 800, 5000])
    return profile
