"""Evaluate a firm profile against the whole catalogue.

Every criteria tree is flattened into numpy arrays once (CompiledCatalogue). Evaluating a
profile computes each *distinct* leaf once in Python, then combines the trees level by
level with min/max reductions (Kleene logic, see logic.py). The result objects and their
wording are in results.py; reasons and what-if are computed per measure only when asked
for, by the reference evaluator in explain.py.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from policies_db.authoring.schema import Catalogue, Document, Measure, Node
from policies_db.evaluation.logic import FALSE, TRUE, UNKNOWN, leaf_value
from policies_db.evaluation.results import Evaluation
from policies_db.profile import FIELD_INDEX, FIELD_ORDER, normalize_profile

__all__ = ["CompiledCatalogue", "evaluate_compiled"]

_KIND = {"leaf": 0, "all": 1, "any": 2, "not": 3}
_FIELD_BITS = 1 << np.arange(len(FIELD_ORDER), dtype=np.int64)


@lru_cache(maxsize=4096)
def _fields_of_mask(mask: int) -> tuple[str, ...]:
    return tuple(name for j, name in enumerate(FIELD_ORDER) if mask >> j & 1)


class CompiledCatalogue:
    """A catalogue flattened for fast evaluation. Build once, evaluate many profiles."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.measures: list[Measure] = list(catalogue.measures)
        self.index = {m.id: i for i, m in enumerate(self.measures)}
        self.documents: dict[str, Document] = catalogue.documents

        kinds, parents, depths, owners, leaf_keys_of_node, roots = [], [], [], [], [], []
        leaf_keys: dict[tuple, int] = {}
        extra_roots: list[tuple[int, int]] = []  # (node index, measure index)

        def flatten(node: Node, parent: int, depth: int, owner: int) -> int:
            i = len(kinds)
            kinds.append(_KIND[node.kind])
            parents.append(parent)
            depths.append(depth)
            owners.append(owner)
            if node.kind == "leaf":
                key = (node.field, node.op, node.value)
                leaf_keys_of_node.append(leaf_keys.setdefault(key, len(leaf_keys)))
            else:
                leaf_keys_of_node.append(-1)
            for child in node.children:
                flatten(child, i, depth + 1, owner)
            return i

        for mi, measure in enumerate(self.measures):
            roots.append(flatten(measure.criteria, -1, 0, mi))
        for mi, measure in enumerate(self.measures):
            for extra in measure.extra_benefits:
                extra_roots.append((flatten(extra.when, -1, 0, mi), mi))

        self.kinds = np.array(kinds, dtype=np.int8)
        self.parents = np.array(parents, dtype=np.int64)
        self.owners = np.array(owners, dtype=np.int64)
        self.roots = np.array(roots, dtype=np.int64)
        self.extra_roots = np.array([r for r, _ in extra_roots], dtype=np.int64)
        self.leaf_keys = list(leaf_keys)
        node_keys = np.array(leaf_keys_of_node, dtype=np.int64)
        self.leaf_nodes = np.nonzero(node_keys >= 0)[0]
        self.leaf_key_of_leaf = node_keys[self.leaf_nodes]
        self.leaf_field = np.array([FIELD_INDEX[k[0]] for k in self.leaf_keys], dtype=np.int64)[self.leaf_key_of_leaf]
        # Main-criteria leaves count towards their measure; extra-benefit leaves only while the measure can still apply.
        in_extra = np.zeros(len(kinds), dtype=bool)
        for root, _ in extra_roots:
            end = root + 1
            while end < len(kinds) and parents[end] != -1:
                end += 1
            in_extra[root:end] = True
        self.leaf_in_extra = in_extra[self.leaf_nodes]

        depth_arr = np.array(depths, dtype=np.int64)
        self.max_depth = int(depth_arr.max()) if len(depths) else 0
        # Bottom-up plan: per depth, per operator, the nodes and their children grouped by parent.
        self.plan = []
        for d in range(self.max_depth - 1, -1, -1):
            children = np.nonzero(depth_arr == d + 1)[0]
            child_parents = self.parents[children]
            order = np.argsort(child_parents, kind="stable")
            children, child_parents = children[order], child_parents[order]
            steps = []
            for kind in (_KIND["all"], _KIND["any"], _KIND["not"]):
                mask = self.kinds[child_parents] == kind
                if not mask.any():
                    continue
                group_children, group_parents = children[mask], child_parents[mask]
                starts = np.concatenate(([0], np.nonzero(np.diff(group_parents))[0] + 1))
                steps.append((kind, group_parents[starts], group_children, starts))
            self.plan.append(steps)
        # Top-down plan for "does this UNKNOWN node still matter": nodes by depth with their parents.
        self.by_depth = [np.nonzero(depth_arr == d)[0] for d in range(1, self.max_depth + 1)]

    # -- core --------------------------------------------------------------------------

    def node_values(self, profile: dict) -> np.ndarray:
        leaf_vals = np.fromiter((leaf_value(f, op, v, profile) for f, op, v in self.leaf_keys),
                                dtype=np.int8, count=len(self.leaf_keys))
        vals = np.empty(len(self.kinds), dtype=np.int8)
        vals[self.leaf_nodes] = leaf_vals[self.leaf_key_of_leaf]
        for steps in self.plan:
            for kind, parents, children, starts in steps:
                child_vals = vals[children]
                if kind == _KIND["all"]:
                    vals[parents] = np.minimum.reduceat(child_vals, starts)
                elif kind == _KIND["any"]:
                    vals[parents] = np.maximum.reduceat(child_vals, starts)
                else:
                    vals[parents] = TRUE - child_vals
        return vals

    def missing_matrices(self, vals: np.ndarray, statuses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """measures × fields: unknown fields that still decide each measure's criteria; and its extra benefits."""
        relevant = vals == UNKNOWN
        for nodes in self.by_depth:
            relevant[nodes] &= relevant[self.parents[nodes]]
        leaf_relevant = relevant[self.leaf_nodes]
        owners = self.owners[self.leaf_nodes]
        shape = (len(self.measures), len(FIELD_ORDER))
        main, extra = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
        in_main = leaf_relevant & ~self.leaf_in_extra
        main[owners[in_main], self.leaf_field[in_main]] = True
        # Extra-benefit facts matter only while the measure itself can still apply.
        in_extra = leaf_relevant & self.leaf_in_extra & (statuses[owners] != FALSE)
        extra[owners[in_extra], self.leaf_field[in_extra]] = True
        return main, extra

    def fields_of_rows(self, matrix: np.ndarray) -> list[tuple[str, ...]]:
        """Rows of a measures × fields boolean matrix → field-name tuples in profile order."""
        return [_fields_of_mask(m) for m in (matrix @ _FIELD_BITS).tolist()]


def evaluate_compiled(compiled: CompiledCatalogue, profile: dict | None, as_of: dt.date | None = None, *,
                      normalized: bool = False) -> Evaluation:
    """normalized=True: the caller already put the profile through normalize_profile (the actions do,
    field by field from the slots), so it is not validated a second time."""
    profile = (profile or {}) if normalized else normalize_profile(profile)
    as_of = as_of or dt.date.today()
    vals = compiled.node_values(profile)
    return Evaluation(compiled, profile, as_of, vals[compiled.roots], vals)
