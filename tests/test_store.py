"""The policy database: build from YAML, read back identical, evaluate from it — on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import policies_db
from policies_db.authoring.models import DepartmentRow, MeasureContactRow, MeasureRow
from policies_db.authoring.store import DatabaseError, build_info, make_engine, read_catalogue, write_catalogue


def build(url, catalogue, digest="test"):
    engine = make_engine(url)
    write_catalogue(catalogue, engine, digest)
    return engine


def roundtrip(url, catalogue):
    engine = build(url, catalogue)
    try:
        back = read_catalogue(engine)
        assert back.documents == catalogue.documents
        assert back.measures == catalogue.measures  # frozen dataclasses: full deep equality
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(MeasureRow)) == len(catalogue.measures)
            # Departments are shared rows: 武汉市商务局 appears once however many measures list it.
            assert session.scalar(select(func.count()).where(DepartmentRow.name == "武汉市商务局")) == 1
            listed = session.scalars(select(MeasureContactRow.listed_as).where(MeasureContactRow.measure_id == "wh-pharma-rd")).all()
            assert listed[:2] == ["市商务局", "市市场监管局"]
        assert build_info(engine)["measures"] == len(catalogue.measures)
    finally:
        engine.dispose()


def test_sqlite_roundtrip(sqlite_url, catalogue):
    roundtrip(sqlite_url, catalogue)


@pytest.mark.postgres
def test_postgres_roundtrip(pg_url, catalogue):
    roundtrip(pg_url, catalogue)


@pytest.mark.postgres
def test_engine_reads_from_postgres(pg_url, catalogue):
    build(pg_url, catalogue).dispose()
    compiled = policies_db.load(pg_url, refresh=True)
    ev = policies_db.evaluate({"city": "武汉", "service_types": ["ITO"], "offshore": True}, dt.date(2024, 1, 1), catalogue=compiled)
    assert ev.status_of("wh-export-credit-insurance") == "eligible"
    assert [c["name"] for c in ev.result("wh-export-credit-insurance").contacts] == [
        "湖北银保监局", "武汉市金融工作局", "中国出口信用保险公司湖北分公司"]


def test_rebuild_replaces_contents(sqlite_url, catalogue):
    from policies_db.authoring.synthetic import synthetic_catalogue

    build(sqlite_url, synthetic_catalogue(30)).dispose()
    engine = build(sqlite_url, catalogue)
    assert [m.id for m in read_catalogue(engine).measures] == [m.id for m in catalogue.measures]
    engine.dispose()


def test_unbuilt_database_is_a_clear_error(sqlite_url):
    with pytest.raises(DatabaseError, match="尚未构建"):
        policies_db.load(sqlite_url, refresh=True)


def test_unreachable_database_is_a_clear_error():
    with pytest.raises(DatabaseError, match="无法读取政策数据库"):
        policies_db.load("postgresql+psycopg2://nobody@127.0.0.1:1/none?connect_timeout=2", refresh=True)
