"""Write the catalogue to the database and read it back.

The default database is a SQLite file under build/; POLICIES_DB_URL selects another
(e.g. postgresql+psycopg2://postgres@127.0.0.1:5432/test).
"""
from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from itertools import count
from pathlib import Path

from sqlalchemy import create_engine, insert, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from policies_db.authoring.models import (
    Base,
    BuildInfoRow,
    ConfirmationRow,
    CriterionRow,
    DepartmentRow,
    DocumentRow,
    ExtraBenefitRow,
    MeasureContactRow,
    MeasureRow,
)
from policies_db.authoring.schema import (
    CITY_COMMERCE_BUREAU_NAME,
    Catalogue,
    Contact,
    Document,
    ExtraBenefit,
    Measure,
    Node,
    Source,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = REPO_ROOT / "build" / "policies.db"


class DatabaseError(RuntimeError):
    """The policy database is missing, unreachable or not built."""


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("POLICIES_DB_URL") or f"sqlite:///{DEFAULT_DB_PATH}"


def make_engine(url: str | None = None, **kwargs) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, future=True, **kwargs)


def _node_rows(node: Node, measure_id: str, ids, parent_id=None, position=0, extra_id=None) -> list[dict]:
    row_id = next(ids)
    value = list(node.value) if isinstance(node.value, tuple) else node.value
    rows = [dict(id=row_id, measure_id=measure_id, extra_benefit_id=extra_id, parent_id=parent_id, position=position,
                 kind=node.kind, field=node.field, op=node.op, value=value, text=node.text)]
    for i, child in enumerate(node.children):
        rows += _node_rows(child, measure_id, ids, row_id, i, extra_id)
    return rows


def write_catalogue(catalogue: Catalogue, engine: Engine, digest: str) -> None:
    """Replace the database's contents with this catalogue, in one transaction."""
    departments: dict[str, int] = {}
    documents, measures, contacts, criteria, confirmations, extras = [], [], [], [], [], []
    ids, extra_ids = count(1), count(1)
    for pos, doc in enumerate(catalogue.documents.values()):
        documents.append(dict(position=pos, **doc.__dict__))
    for pos, m in enumerate(catalogue.measures):
        measures.append(dict(
            id=m.id, document_id=m.document_id, position=pos, title=m.title, summary=m.summary, benefit=m.benefit,
            category=m.category, kind=m.kind, source_section=m.source.section, source_excerpt=m.source.excerpt,
            source_also=m.source.also, source_task=m.source.task, keywords=list(m.keywords),
            contacts_in_text=m.contacts_in_text,
        ))
        for i, c in enumerate(m.contacts):
            dep_id = None
            if not c.resolve:
                dep_id = departments.setdefault(c.name, len(departments) + 1)
            contacts.append(dict(measure_id=m.id, position=i, department_id=dep_id, listed_as=c.listed_as, resolve=c.resolve,
                                 current_name=c.current_name, note=c.note))
        criteria += _node_rows(m.criteria, m.id, ids)
        for i, text in enumerate(m.conditions_to_confirm):
            confirmations.append(dict(measure_id=m.id, position=i, text=text))
        for i, extra in enumerate(m.extra_benefits):
            extra_id = next(extra_ids)
            extras.append(dict(id=extra_id, measure_id=m.id, position=i, text=extra.text))
            criteria += _node_rows(extra.when, m.id, ids, extra_id=extra_id)
    try:
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            Base.metadata.create_all(conn)
            conn.execute(insert(DocumentRow.__table__), documents)
            if departments:
                conn.execute(insert(DepartmentRow.__table__), [dict(id=i, name=n) for n, i in departments.items()])
            conn.execute(insert(MeasureRow.__table__), measures)
            if extras:
                conn.execute(insert(ExtraBenefitRow.__table__), extras)
            conn.execute(insert(CriterionRow.__table__), criteria)
            conn.execute(insert(MeasureContactRow.__table__), contacts)
            if confirmations:
                conn.execute(insert(ConfirmationRow.__table__), confirmations)
            conn.execute(insert(BuildInfoRow.__table__), [dict(
                built_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
                catalogue_digest=digest, measure_count=len(measures))])
    except SQLAlchemyError as exc:
        raise DatabaseError(f"无法写入政策数据库 {engine.url!r}：{exc.__class__.__name__}: {exc}") from exc


def _build_trees(rows) -> dict[int, Node]:
    """Criterion rows (ordered by id = pre-order) → root id → Node."""
    children: dict[int | None, list] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)

    def build(row) -> Node:
        kids = tuple(build(c) for c in sorted(children.get(row.id, ()), key=lambda r: r.position))
        value = tuple(row.value) if isinstance(row.value, list) else row.value
        return Node(row.kind, kids, row.field, row.op, value, row.text)

    return {row.id: build(row) for row in children[None]}


def read_catalogue(engine: Engine) -> Catalogue:
    """Load the whole catalogue from the database."""
    try:
        with Session(engine) as session:
            if not inspect(session.connection()).has_table(BuildInfoRow.__tablename__):
                raise DatabaseError(f"政策数据库 {engine.url!r} 尚未构建：请先运行 python -m policies_db build")
            docs = session.execute(select(DocumentRow.__table__).order_by(DocumentRow.position)).all()
            measure_rows = session.execute(select(MeasureRow.__table__).order_by(MeasureRow.position)).all()
            departments = dict(session.execute(select(DepartmentRow.id, DepartmentRow.name)).all())
            contact_rows = session.execute(select(MeasureContactRow.__table__).order_by(
                MeasureContactRow.measure_id, MeasureContactRow.position)).all()
            criterion_rows = session.execute(select(CriterionRow.__table__).order_by(CriterionRow.id)).all()
            confirm_rows = session.execute(select(ConfirmationRow.__table__).order_by(
                ConfirmationRow.measure_id, ConfirmationRow.position)).all()
            extra_rows = session.execute(select(ExtraBenefitRow.__table__).order_by(ExtraBenefitRow.position)).all()
    except SQLAlchemyError as exc:
        raise DatabaseError(f"无法读取政策数据库 {engine.url!r}：{exc.__class__.__name__}: {exc}") from exc

    catalogue = Catalogue()
    doc_fields = set(Document.__dataclass_fields__)
    for row in docs:
        catalogue.documents[row.id] = Document(**{k: v for k, v in row._mapping.items() if k in doc_fields})
    contacts, confirms = defaultdict(list), defaultdict(list)
    for row in contact_rows:
        name = departments[row.department_id] if row.department_id else CITY_COMMERCE_BUREAU_NAME
        contacts[row.measure_id].append(Contact(name, row.listed_as, row.resolve, row.current_name, row.note))
    for row in confirm_rows:
        confirms[row.measure_id].append(row.text)
    trees = _build_trees(criterion_rows)
    measure_root, extra_root = {}, {}
    for row in criterion_rows:
        if row.parent_id is None:
            if row.extra_benefit_id is None:
                measure_root[row.measure_id] = trees[row.id]
            else:
                extra_root[row.extra_benefit_id] = trees[row.id]
    extras = defaultdict(list)
    for row in extra_rows:
        extras[row.measure_id].append(ExtraBenefit(row.text, extra_root[row.id]))
    for row in measure_rows:
        catalogue.measures.append(Measure(
            id=row.id, document_id=row.document_id, title=row.title, summary=row.summary, benefit=row.benefit,
            category=row.category, criteria=measure_root[row.id], contacts=tuple(contacts[row.id]),
            source=Source(row.source_section, row.source_excerpt, row.source_also, row.source_task),
            conditions_to_confirm=tuple(confirms[row.id]), extra_benefits=tuple(extras[row.id]),
            keywords=tuple(row.keywords or ()), kind=row.kind, contacts_in_text=row.contacts_in_text is not False,
        ))
    return catalogue


def build_info(engine: Engine) -> dict | None:
    with Session(engine) as session:
        if not inspect(session.connection()).has_table(BuildInfoRow.__tablename__):
            return None
        row = session.execute(select(BuildInfoRow).order_by(BuildInfoRow.id.desc())).scalars().first()
        return row and dict(built_at=row.built_at, digest=row.catalogue_digest, measures=row.measure_count)
