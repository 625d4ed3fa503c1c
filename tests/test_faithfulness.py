"""No measure is eligible on a fact its sentence does not make sufficient (issue 11).

1. Property test over the real catalogue: for EVERY leaf condition of EVERY measure, a profile that
   meets the measure and fails only that condition → ineligible, with a reason naming the condition;
   the same profile with only that fact unknown → undetermined, with the field in `missing`.
2. The hand-written archetypes (catalogue/cases/archetypes.yml, written from the texts) give an
   expectation for every measure, so a new measure cannot skip them.
"""
from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
import yaml

from policies_db.authoring.loader import CATALOGUE_DIR, load_catalogue
from policies_db.evaluation.engine import evaluate_compiled
from policies_db.evaluation.logic import FALSE, TRUE, tri
from policies_db.profile import FIELDS

D = dt.date(2024, 6, 30)
CITIES = ["杭州", "宁波", "武汉", "上海"]  # candidates for a region leaf: one inside, one outside


def _leaf_paths(node, path=()):
    """(leaf, ancestors) for every leaf; ancestors from the root down."""
    if node.kind == "leaf":
        yield node, path
    for child in node.children:
        yield from _leaf_paths(child, path + (node,))


def _domain(field: str, leaves) -> list:
    """The values worth trying for one field, given the leaves that test it."""
    spec = FIELDS[field]
    if spec.kind == "bool":
        return [True, False]
    if spec.kind == "int":
        bounds = {leaf.value for leaf in leaves}
        return sorted({b + d for b in bounds for d in (-1, 0, 1) if b + d >= 0})
    if spec.kind == "list":
        named = []
        for leaf in leaves:
            for v in (leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)):
                if v is not None and v not in named:
                    named.append(v)
        other = next(c for c in spec.choices if c not in named)
        return [[], [other], *([v] for v in named), named]
    return CITIES  # city


def _profiles(measure):
    """Every combination of candidate values over the measure's fields (all known)."""
    by_field: dict[str, list] = {}
    for leaf in measure.criteria.leaves():
        by_field.setdefault(leaf.field, []).append(leaf)
    names = sorted(by_field)
    for values in itertools.product(*(_domain(n, by_field[n]) for n in names)):
        yield dict(zip(names, values))


def _requirement_text(leaf, ancestors) -> str:
    """The text a reason shows for this leaf: the nearest `not`'s text, else the leaf's."""
    for node in reversed(ancestors):
        if node.kind == "not":
            return node.text
    return leaf.text


def _cases():
    catalogue = load_catalogue()
    for measure in catalogue.measures:
        for n, (leaf, _ancestors) in enumerate(_leaf_paths(measure.criteria)):
            yield pytest.param(measure.id, n, id=f"{measure.id}#{n}:{leaf.field}")


def _witness(measure, leaf, ancestors):
    """A profile meeting the measure with this condition met, and the same profile with only leaf.field
    changed so that this condition is no longer met and the measure fails: (meets, fails)."""
    met = FALSE if sum(a.kind == "not" for a in ancestors) % 2 else TRUE  # under a `not`, met means false
    values = _domain(leaf.field, [x for x in measure.criteria.leaves() if x.field == leaf.field])
    for profile in _profiles(measure):
        if tri(measure.criteria, profile) != TRUE or tri(leaf, profile) != met:
            continue
        for value in values:
            changed = {**profile, leaf.field: value}
            if tri(leaf, changed) != met and tri(measure.criteria, changed) == FALSE:
                return profile, changed
    return None, None


@pytest.mark.parametrize("measure_id, n", list(_cases()))
def test_every_condition_decides(compiled, measure_id, n):
    measure = compiled.measures[compiled.index[measure_id]]
    leaf, ancestors = list(_leaf_paths(measure.criteria))[n]
    meets, fails = _witness(measure, leaf, ancestors)
    assert meets is not None, f"{measure_id}: condition「{leaf.text}」never decides the measure (dead condition?)"

    assert evaluate_compiled(compiled, meets, D).status_of(measure_id) == "eligible"

    failing = evaluate_compiled(compiled, fails, D).result(measure_id)
    assert failing.status == "ineligible"
    wanted = _requirement_text(leaf, ancestors)
    assert any(wanted in reason for reason in failing.reasons), (wanted, failing.reasons)

    unknown = {k: v for k, v in meets.items() if k != leaf.field}
    open_ = evaluate_compiled(compiled, unknown, D).result(measure_id)
    assert open_.status == "undetermined"
    assert leaf.field in open_.missing


# ---- archetypes ------------------------------------------------------------------------------

ARCHETYPES = yaml.safe_load((CATALOGUE_DIR / "cases" / "archetypes.yml").read_text(encoding="utf-8"))


def test_there_are_the_archetypes_the_issue_names():
    names = " ".join(a["name"] for a in ARCHETYPES)
    for who in ("制造企业", "外资制造企业", "银行", "高校", "义乌6人", "离岸ITO", "医药研发外包（CRO）", "培训机构"):
        assert who in names, who


@pytest.mark.parametrize("archetype", ARCHETYPES, ids=[a["name"][:12] for a in ARCHETYPES])
def test_every_archetype_has_an_expectation_for_every_measure(catalogue, archetype):
    assert set(archetype["expect"]) == {m.id for m in catalogue.measures}


@pytest.mark.parametrize("archetype", ARCHETYPES, ids=[a["name"][:12] for a in ARCHETYPES])
def test_archetypes(compiled, archetype):
    evaluation = evaluate_compiled(compiled, archetype["profile"], D)
    wrong = {mid: (want, evaluation.status_of(mid)) for mid, want in archetype["expect"].items()
             if evaluation.status_of(mid) != want}
    assert not wrong, wrong


def test_no_outsourcing_means_no_outsourcing_measure(compiled):
    """A firm with no outsourcing business gets only measures whose sentence names someone else
    (banks, schools, parks, platforms, trainers, foreign-talent employers)."""
    profile = {"city": "杭州", "service_types": [], "offshore": False, "onshore": False, "fields": [],
               **{name: True for name, spec in FIELDS.items()
                  if spec.kind == "bool" and name not in ("offshore", "onshore", "tech_advanced_certified")}}
    eligible = {r.id for r in evaluate_compiled(compiled, profile, D).eligible}
    assert eligible <= {"zj-foreign-talent", "zj-overseas-qualification", "zj-bank-risk-compensation"}, eligible


def test_catalogue_dir_is_the_real_one():
    assert Path(CATALOGUE_DIR).is_dir()
