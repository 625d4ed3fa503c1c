"""Why a measure fails, and the smallest change of facts that would make it apply."""
from __future__ import annotations

import copy
from typing import Any, Optional

from policies_db.authoring.schema import Node
from policies_db.evaluation.coverage import example_city
from policies_db.evaluation.logic import FALSE, TRUE, UNKNOWN, tri
from policies_db.profile import FIELDS


def _describe(field: str, profile: dict) -> str:
    if field == "city" and profile.get("city") is None and profile.get("province"):
        return FIELDS["province"].describe(profile["province"])  # 浙江 said without a city
    return FIELDS[field].describe(profile.get(field))


def _false_phrase(node: Node, profile: dict) -> str:
    """A FALSE node as 「requirement（贵公司：value）」, without the leading 需."""
    if node.kind == "leaf":
        return f"{node.text}（贵公司：{_describe(node.field, profile)}）"
    if node.kind == "not":
        facts = "、".join(_describe(leaf.field, profile) for leaf in node.children[0].leaves()
                         if tri(leaf, profile) == TRUE) or "不符合"
        return f"{node.text}（贵公司：{facts}）"
    failing = [c for c in node.children if tri(c, profile) == FALSE]
    if node.kind == "all":
        return "；".join(_false_phrase(c, profile) for c in failing)
    return "满足以下任一条件：" + "；或".join(_false_phrase(c, profile) for c in failing)


def reasons(node: Node, profile: dict) -> list[str]:
    """Plain-Chinese reasons a FALSE criteria tree fails, one per failing requirement."""
    if tri(node, profile) != FALSE:
        return []
    if node.kind == "all":
        out: list[str] = []
        for child in node.children:
            out += reasons(child, profile)
        return out
    return ["需" + _false_phrase(node, profile)]


# ---- what-if -------------------------------------------------------------------------

def _fixes(node: Node, want: bool, profile: dict, label: Optional[str] = None) -> Optional[list[tuple]]:
    """Leaf changes (leaf, want, label) that make `node` evaluate to `want`; the fewest found."""
    target = TRUE if want else FALSE
    if tri(node, profile) == target:
        return []
    if node.kind == "leaf":
        return [(node, want, label)]
    if node.kind == "not":
        return _fixes(node.children[0], not want, profile, node.text)
    conjunctive = (node.kind == "all") == want  # every child must move, else one is enough
    options = [_fixes(c, want, profile, label) for c in node.children]
    if conjunctive:
        if any(o is None for o in options):
            return None
        return [change for option in options for change in option]
    possible = [o for o in options if o is not None]
    return min(possible, key=len) if possible else None


def _apply(profile: dict, leaf: Node, want: bool) -> Any:
    """The value this leaf's field takes after the change."""
    spec, current = FIELDS[leaf.field], profile.get(leaf.field)
    if leaf.op == "eq":
        return leaf.value if want else (not leaf.value)
    if leaf.op in ("has", "has_any"):
        items = list(current or [])
        wanted = [leaf.value] if leaf.op == "has" else list(leaf.value)
        if want:
            return items + [wanted[0]] if not set(wanted) & set(items) else items
        return [v for v in items if v not in wanted]
    if leaf.op == "nonempty":
        return (list(current) if current else [next(iter(spec.choices))]) if want else []
    if leaf.op in ("gte", "lte"):
        ok = (leaf.op == "gte") == want
        return leaf.value if ok else leaf.value + (-1 if leaf.op == "gte" else 1)
    if leaf.op == "in_region":
        return example_city(leaf.value) if want else "（其他地区）"
    raise ValueError(f"unknown operator {leaf.op!r}")


def what_if(node: Node, profile: dict) -> Optional[dict]:
    """The smallest change of facts that makes the tree TRUE, or None if none can (or it already is)."""
    if tri(node, profile) == TRUE:
        return None
    fixes = _fixes(node, True, profile)
    if fixes is None:
        return None
    changed = copy.deepcopy(profile)
    changes = []
    for leaf, want, label in fixes:
        changed[leaf.field] = _apply(changed, leaf, want)
        changes.append({
            "field": leaf.field,
            "from": profile.get(leaf.field),
            "to": changed[leaf.field],
            "text": label or leaf.text,
            # Unknown, not wrong: a missing fact (湖北 alone for a 武汉 measure too; 浙江 alone is outside it).
            "confirm_only": tri(leaf, profile) == UNKNOWN,
        })
    if tri(node, changed) != TRUE:  # conflicting requirements on one field
        return None
    to_change = [c["text"] for c in changes if not c["confirm_only"]]
    to_confirm = [c["text"] for c in changes if c["confirm_only"]]
    parts = []
    if to_change:
        parts.append("若贵公司" + "，并且".join(to_change))
    if to_confirm:
        parts.append(("并确认" if to_change else "经确认贵公司") + "、".join(to_confirm))
    region_only = any(c["field"] == "city" and not c["confirm_only"] for c in changes)
    return {
        "changes": changes,
        "region_only": region_only,
        "summary": "本措施仅适用于" + next(c["text"] for c in changes if c["field"] == "city") + "的企业。"
        if region_only else "，".join(parts) + "，即可符合条件。",
    }
