"""Three-valued (Kleene) logic over criteria trees.

FALSE < UNKNOWN < TRUE, so `all` is min, `any` is max and `not` is 2 - x. A leaf on a
field the profile does not have is UNKNOWN. This module is the reference evaluator,
used for explanations of one measure; engine.py evaluates whole catalogues vectorized
and the tests check that both agree.
"""
from __future__ import annotations

from typing import Any

from policies_db.authoring.schema import Node
from policies_db.evaluation.coverage import firm_in

FALSE, UNKNOWN, TRUE = 0, 1, 2


def leaf_value(field: str, op: str, value: Any, profile: dict) -> int:
    if op == "in_region":  # the city, or the province alone when the firm gave no city
        inside = firm_in(profile, value)
        return UNKNOWN if inside is None else TRUE if inside else FALSE
    actual = profile.get(field)
    if actual is None:
        return UNKNOWN
    if op == "eq":
        ok = actual == value
    elif op == "has":
        ok = value in actual
    elif op == "has_any":
        ok = any(v in actual for v in value)
    elif op == "nonempty":
        ok = len(actual) > 0
    elif op == "gte":
        ok = actual >= value
    elif op == "lte":
        ok = actual <= value
    else:  # the loader rejects unknown operators; this guards hand-built trees
        raise ValueError(f"unknown operator {op!r}")
    return TRUE if ok else FALSE


def tri(node: Node, profile: dict) -> int:
    if node.kind == "leaf":
        return leaf_value(node.field, node.op, node.value, profile)
    if node.kind == "not":
        return 2 - tri(node.children[0], profile)
    values = [tri(c, profile) for c in node.children]
    return min(values) if node.kind == "all" else max(values)


def missing_fields(node: Node, profile: dict) -> set[str]:
    """Fields whose absence keeps this node UNKNOWN (empty when it is decided)."""
    if tri(node, profile) != UNKNOWN:
        return set()
    if node.kind == "leaf":
        return {node.field}
    out: set[str] = set()
    for child in node.children:
        out |= missing_fields(child, profile)
    return out
