"""Read catalogue/*.yml into schema objects, validating every field.

A bad file fails with file name, measure id and field path, e.g.
  wuhan-2021.yml: measure wh-design: criteria.all[0].value: 'desgin' 不是 fields 的有效取值…
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import yaml

from policies_db.authoring.schema import (
    CATEGORIES,
    CITY_COMMERCE_BUREAU,
    CITY_COMMERCE_BUREAU_NAME,
    KINDS,
    OPERATORS,
    Catalogue,
    Contact,
    Document,
    ExtraBenefit,
    Measure,
    Node,
    Source,
)
from policies_db.evaluation.coverage import CoverageError, region_place, requirement
from policies_db.profile import FIELDS

# The live catalogue folder: the repository's, or POLICIES_CATALOGUE_DIR (a deployment's own, the workbench's
# publishing target; its texts and coverage files sit in ../sources beside it).
CATALOGUE_DIR = Path(os.environ.get("POLICIES_CATALOGUE_DIR") or Path(__file__).resolve().parent.parent / "catalogue")
# A measure id: the document's prefix (document.id_prefix, e.g. zj / wh), then words: zj-offshore-zero-rate.
ID_PATTERN = re.compile(r"^[a-z]+(-[a-z0-9]+)+$")
DOCUMENT_KEYS = {
    "id", "issuer", "number", "number_note", "title", "title_note", "issued_on", "date_note",
    "valid_from", "valid_to", "validity_note", "jurisdiction", "addressed_to", "source_text",
    "default_contacts", "responsible_units", "local_prefix", "id_prefix",
}
MEASURE_KEYS = {
    "id", "title", "summary", "benefit", "category", "criteria", "contacts", "source",
    "conditions_to_confirm", "extra_benefits", "keywords", "kind",
}
REQUIRED_MEASURE_KEYS = {"id", "title", "summary", "benefit", "category", "kind", "criteria", "source"}
CONTACT_KEYS = {"name", "listed_as", "current_name", "note"}


class CatalogueError(Exception):
    """One or more problems in the catalogue files; str() lists them all."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("政策目录校验失败 / catalogue validation failed:\n  " + "\n  ".join(problems))


class _Problems:
    def __init__(self):
        self.items: list[str] = []

    def add(self, where: str, path: str, message: str):
        self.items.append(f"{where}: {path}: {message}" if path else f"{where}: {message}")


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    raise ValueError(f"应为日期 YYYY-MM-DD，收到 {value!r}")


def _parse_node(raw: Any, path: str, where: str, problems: _Problems) -> Node | None:
    if not isinstance(raw, dict):
        problems.add(where, path, f"应为条件对象（all / any / not / field），收到 {raw!r}")
        return None
    if "all" in raw or "any" in raw:
        kind = "all" if "all" in raw else "any"
        extra = set(raw) - {kind}
        items = raw[kind]
        if extra:
            problems.add(where, path, f"多余的键：{', '.join(sorted(extra))}")
        if not isinstance(items, list) or not items:
            problems.add(where, f"{path}.{kind}", "应为非空列表")
            return None
        children = [_parse_node(c, f"{path}.{kind}[{i}]", where, problems) for i, c in enumerate(items)]
        return Node(kind, tuple(c for c in children if c)) if all(children) else None
    if "not" in raw:
        if not _text(raw.get("text")):
            problems.add(where, f"{path}.text", "not 条件须写明要求（text）")
        child = _parse_node(raw["not"], f"{path}.not", where, problems)
        return Node("not", (child,), text=raw.get("text")) if child else None
    return _parse_leaf(raw, path, where, problems)


def _parse_leaf(raw: dict, path: str, where: str, problems: _Problems) -> Node | None:
    ok = True
    extra = set(raw) - {"field", "op", "value", "text"}
    if extra:
        problems.add(where, path, f"多余的键：{', '.join(sorted(extra))}")
        ok = False
    name = raw.get("field")
    if name not in FIELDS:
        problems.add(where, f"{path}.field", f"未知字段 {name!r}（可用：{', '.join(FIELDS)}）")
        return None
    spec = FIELDS[name]
    op = raw.get("op")
    allowed = OPERATORS.get(spec.kind, {})
    if op not in allowed:
        problems.add(where, f"{path}.op", f"字段 {name} 不支持运算 {op!r}（可用：{', '.join(allowed)}）")
        return None
    if not _text(raw.get("text")):
        problems.add(where, f"{path}.text", "缺少条件说明（text），原因说明要用到它")
        ok = False
    value, expected = raw.get("value"), allowed[op]
    bad = None
    if expected is None and value is not None:
        bad = f"运算 {op} 不需要 value"
    elif expected == "bool" and not isinstance(value, bool):
        bad = f"应为 true 或 false，收到 {value!r}"
    elif expected == "int" and (isinstance(value, bool) or not isinstance(value, int)):
        bad = f"应为整数，收到 {value!r}"
    elif expected == "choice" and value not in spec.choices:
        bad = f"{value!r} 不是 {name} 的有效取值（可选：{', '.join(spec.choices)}）"
    elif expected == "choices" and (not isinstance(value, list) or not value or any(v not in spec.choices for v in value)):
        bad = f"应为 {name} 取值的非空列表（可选：{', '.join(spec.choices)}），收到 {value!r}"
    elif expected == "region":
        bad = _region_problem(value)
    if bad:
        problems.add(where, f"{path}.value", bad)
        ok = False
    if isinstance(value, list):
        value = tuple(value)
    return Node("leaf", field=name, op=op, value=value, text=raw.get("text")) if ok else None


def _parse_contacts(raw: Any, path: str, where: str, problems: _Problems, prefix: str | None) -> tuple[Contact, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add(where, path, "应为非空的联系部门列表")
        return ()
    contacts = []
    for i, item in enumerate(raw):
        if isinstance(item, str) and item.strip():
            listed = item.strip()
            # 武汉 text writes its own departments as 市X局: show them as 武汉市X局.
            name = prefix + listed if prefix and listed.startswith("市") else listed
            contacts.append(Contact(name, listed if name != listed else None))
        elif isinstance(item, dict) and _text(item.get("name")) and set(item) <= CONTACT_KEYS:
            if item.get("current_name") and not _text(item.get("note")):
                problems.add(where, f"{path}[{i}].note", "写了现名（current_name）须在 note 中说明机构改革依据")
            listed = item.get("listed_as")
            name = prefix + item["name"] if prefix and item["name"].startswith("市") else item["name"]
            listed = listed or (item["name"] if name != item["name"] else None)
            contacts.append(Contact(name, listed, current_name=item.get("current_name"), note=item.get("note")))
        elif isinstance(item, dict) and item.get("resolve") == CITY_COMMERCE_BUREAU and len(item) == 1:
            contacts.append(Contact(CITY_COMMERCE_BUREAU_NAME, resolve=CITY_COMMERCE_BUREAU))
        else:
            problems.add(where, f"{path}[{i}]", f"无法识别的联系部门 {item!r}（部门名称，或 resolve: {CITY_COMMERCE_BUREAU}）")
    return tuple(contacts)


def _parse_document(raw: Any, where: str, problems: _Problems) -> tuple[Document | None, dict]:
    if not isinstance(raw, dict):
        problems.add(where, "document", "缺少文件信息（document）")
        return None, {}
    for key in sorted(set(raw) - DOCUMENT_KEYS):
        problems.add(where, f"document.{key}", "未知的键")
    for key in ("id", "issuer", "title", "jurisdiction"):
        if not _text(raw.get(key)):
            problems.add(where, f"document.{key}", "必填")
    if _text(raw.get("jurisdiction")) and _region_problem(raw["jurisdiction"]):
        problems.add(where, "document.jurisdiction", _region_problem(raw["jurisdiction"]))
    prefix = raw.get("id_prefix")
    if prefix is not None and not (isinstance(prefix, str) and re.fullmatch(r"[a-z]+", prefix)):
        problems.add(where, "document.id_prefix", f"措施编号前缀应为小写字母（如 zj、wh），收到 {prefix!r}")
    if not raw.get("number") and not _text(raw.get("number_note")):
        problems.add(where, "document.number", "原文无文号时请在 number_note 中说明")
    dates = {}
    for key in ("issued_on", "valid_from", "valid_to"):
        try:
            dates[key] = _date(raw.get(key))
        except ValueError as exc:
            problems.add(where, f"document.{key}", str(exc))
            dates[key] = None
    if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] < dates["valid_from"]:
        problems.add(where, "document.valid_to", "截止日期早于起始日期")
    if not dates["valid_to"] and not _text(raw.get("validity_note")):
        problems.add(where, "document.validity_note", "原文未规定截止日期时请在 validity_note 中说明")
    fields = {k: raw.get(k) for k in ("number", "number_note", "title_note", "date_note", "validity_note", "addressed_to", "source_text")}
    doc = Document(
        id=raw.get("id"), issuer=raw.get("issuer"), title=raw.get("title"), jurisdiction=raw.get("jurisdiction"),
        valid_from=dates["valid_from"], valid_to=dates["valid_to"], issued_on=dates["issued_on"], **fields,
    )
    if _region_problem(raw.get("jurisdiction")):  # its measures cannot carry a region condition
        return None, raw
    return doc, raw


def _region_problem(key: Any) -> str | None:
    """A jurisdiction must name one province or city of China (浙江省, 武汉市)."""
    try:
        region_place(str(key))
    except CoverageError as exc:
        return str(exc)
    return None


def _region_leaf(region_key: str) -> Node:
    return Node("leaf", field="city", op="in_region", value=region_key, text=requirement(region_key))


def _parse_measure(raw: Any, index: int, file: str, doc: Document, doc_raw: dict, problems: _Problems) -> Measure | None:
    if not isinstance(raw, dict):
        problems.add(file, f"measures[{index}]", "应为措施对象")
        return None
    mid = raw.get("id")
    where = f"{file}: measure {mid}" if _text(mid) else f"{file}: measures[{index}]"
    before = len(problems.items)
    id_prefix = doc_raw.get("id_prefix")
    if not isinstance(mid, str) or not ID_PATTERN.match(mid):
        problems.add(where, "id", f"编号应形如 {id_prefix or 'zj'}-…（小写字母、数字、连字符），收到 {mid!r}")
    elif isinstance(id_prefix, str) and not mid.startswith(id_prefix + "-"):
        problems.add(where, "id", f"本文件的措施编号应以 {id_prefix}- 开头（document.id_prefix），收到 {mid!r}")
    for key in sorted(REQUIRED_MEASURE_KEYS - set(raw)):
        problems.add(where, key, "必填")
    for key in sorted(set(raw) - MEASURE_KEYS):
        problems.add(where, key, "未知的键")
    for key in ("title", "summary", "benefit"):
        if key in raw and not _text(raw[key]):
            problems.add(where, key, "应为非空文本")
    if "category" in raw and raw["category"] not in CATEGORIES:
        problems.add(where, "category", f"未知类别 {raw['category']!r}（可选：{', '.join(CATEGORIES)}）")
    if "kind" in raw and raw["kind"] not in KINDS:
        problems.add(where, "kind", f"未知类型 {raw['kind']!r}（可选：{', '.join(KINDS)}）")

    criteria = _parse_node(raw["criteria"], "criteria", where, problems) if "criteria" in raw else None

    source_raw = raw.get("source")
    source = None
    if not isinstance(source_raw, dict) or not _text(source_raw.get("section")) or not _text(source_raw.get("excerpt")):
        problems.add(where, "source", "须包含 section（章节/任务）和 excerpt（原文摘录）")
    elif set(source_raw) - {"section", "excerpt", "also", "task"}:
        problems.add(where, "source", f"未知的键：{', '.join(sorted(set(source_raw) - {'section', 'excerpt', 'also', 'task'}))}")
    else:
        source = Source(source_raw["section"], source_raw["excerpt"].strip(), source_raw.get("also"), source_raw.get("task"))

    prefix = doc_raw.get("local_prefix")
    in_text = True
    if "contacts" in raw:
        contacts = _parse_contacts(raw["contacts"], "contacts", where, problems, prefix)
    elif source and source.task is not None:
        units = (doc_raw.get("responsible_units") or {}).get(source.task)
        if units is None:
            problems.add(where, "source.task", f"文件中没有任务 {source.task} 的责任单位（responsible_units）")
        contacts = _parse_contacts(units or [], f"responsible_units[{source.task}]", where, problems, prefix) if units else ()
    elif doc_raw.get("default_contacts"):
        contacts = _parse_contacts(doc_raw["default_contacts"], "document.default_contacts", where, problems, prefix)
        in_text = False
    else:
        problems.add(where, "contacts", "未写联系部门，文件也没有 default_contacts 或 responsible_units")
        contacts = ()

    confirm = raw.get("conditions_to_confirm") or []
    if not isinstance(confirm, list) or not all(_text(c) for c in confirm):
        problems.add(where, "conditions_to_confirm", "应为文本列表")
        confirm = []

    keywords = raw.get("keywords") or []
    if not isinstance(keywords, list) or not all(_text(k) for k in keywords):
        problems.add(where, "keywords", "应为文本列表")
        keywords = []

    extras = []
    for i, item in enumerate(raw.get("extra_benefits") or []):
        if not isinstance(item, dict) or not _text(item.get("text")) or "when" not in item:
            problems.add(where, f"extra_benefits[{i}]", "须包含 text 和 when")
            continue
        when = _parse_node(item["when"], f"extra_benefits[{i}].when", where, problems)
        if when:
            extras.append(ExtraBenefit(item["text"], when))

    if len(problems.items) > before or criteria is None or source is None:
        return None
    full = Node("all", (_region_leaf(doc.jurisdiction), criteria))
    return Measure(
        id=mid, document_id=doc.id, title=raw["title"], summary=raw["summary"], benefit=raw["benefit"],
        category=raw["category"], criteria=full, contacts=contacts, source=source,
        conditions_to_confirm=tuple(confirm), extra_benefits=tuple(extras), keywords=tuple(str(k) for k in keywords),
        kind=raw["kind"], contacts_in_text=in_text,
    )


def load_file(path: Path, problems: _Problems | None = None) -> Catalogue:
    own = problems is None
    problems = problems or _Problems()
    catalogue = Catalogue()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.add(path.name, "", f"YAML 语法错误：{exc}")
        raw = None
    except OSError as exc:
        problems.add(path.name, "", f"无法读取：{exc}")
        raw = None
    if raw is not None and not isinstance(raw, dict):
        problems.add(path.name, "", "顶层应包含 document 和 measures")
    elif raw is not None:
        doc, doc_raw = _parse_document(raw.get("document"), path.name, problems)
        measures = raw.get("measures")
        if not isinstance(measures, list) or not measures:
            problems.add(path.name, "measures", "应为非空的措施列表")
        elif doc:
            catalogue.documents[doc.id] = doc
            for i, m in enumerate(measures):
                measure = _parse_measure(m, i, path.name, doc, doc_raw, problems)
                if measure:
                    catalogue.measures.append(measure)
    if own and problems.items:
        raise CatalogueError(problems.items)
    return catalogue


def check_measure(document_raw: dict, measure_raw: dict) -> list[str]:
    """The problems of one measure under a document, as loading the file would report them (the workbench
    validates an officer's edit with this before storing it)."""
    problems = _Problems()
    doc, doc_raw = _parse_document(document_raw, "document", problems)
    if doc is not None:
        _parse_measure(measure_raw, 0, "措施", doc, doc_raw, problems)
    return list(problems.items)


def load_catalogue(directory: Path = CATALOGUE_DIR) -> Catalogue:
    """Load and validate every *.yml in the directory (sub-folders such as cases/ are not catalogue)."""
    problems = _Problems()
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise CatalogueError([f"{directory}: 没有找到任何 *.yml 政策文件"])
    catalogue = Catalogue()
    seen: dict[str, str] = {}
    for path in files:
        part = load_file(path, problems)
        for doc_id in part.documents:
            if doc_id in catalogue.documents:
                problems.add(path.name, "document.id", f"文件编号 {doc_id} 与其他文件重复")
        catalogue.documents.update(part.documents)
        for measure in part.measures:
            if measure.id in seen:
                problems.add(f"{path.name}: measure {measure.id}", "id", f"编号重复（已在 {seen[measure.id]} 中使用）")
                continue
            seen[measure.id] = path.name
            catalogue.measures.append(measure)
    if problems.items:
        raise CatalogueError(problems.items)
    return catalogue
