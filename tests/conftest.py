"""Shared fixtures: the real catalogue (compiled from YAML), SQLite and PostgreSQL databases."""
from __future__ import annotations

import functools
import os
import re
import uuid

# In-process tests import the actions package with their own databases; the servers they start check.
os.environ.setdefault("POLICY_SKIP_STARTUP_CHECK", "1")

import pytest
from sqlalchemy import create_engine, text

from policies_db import CompiledCatalogue, load_catalogue

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"

# ---- Test tiers (pytest -m unit | rasa | system; make test-unit, test-rasa, test-system) ---------------
# unit: the engine, catalogue, profile, CLI and actions on tracker fixtures — no model, browser, nginx,
#   Rasa server or database server; the inner loop, meant to stay under a minute of CPU.
# rasa: Rasa itself — the trained model, `rasa data validate` / `rasa test`, Rasa's internals and stores.
# system: the running assistant and real services — servers, browser, cluster, WeCom, PostgreSQL, Redis.
# A file not listed is placed per test by what it uses: a fixture of the running stack, a helper that starts
# one, or the browser → system; the Rasa CLI helpers (tests/rasa_cli.py) → rasa; otherwise unit.
RASA_TIER = {"test_phrasebook.py", "test_rasa_data.py", "test_rasa_patches.py", "test_tracker_store.py", "test_retention.py",
             "test_startup.py"}
SYSTEM_TIER = {"test_e2e.py", "test_bad_input.py", "test_web_widget.py", "test_console.py", "test_cluster.py",
               "test_cluster_push.py", "test_wecom.py", "test_wecom_state.py", "test_workbench.py",
               "test_workbench_browser.py"}
SYSTEM_FIXTURES = {"servers", "wecom_stub", "pg_url", "page", "browser"}
# What in a test file's source means it starts the stack or a browser, or drives the Rasa CLI.
SYSTEM_SOURCE = re.compile(r"^\s*(from|import)\s+(playwright|tests\.wecom_stub)\b|\bstart_stack\(", re.M)
RASA_SOURCE = re.compile(r"^\s*from\s+tests\.rasa_cli\s+import\b", re.M)


@functools.lru_cache(maxsize=None)
def _source(path) -> str:
    return path.read_text(encoding="utf-8")


def tier_of(item) -> str:
    name = item.path.name
    if name in SYSTEM_TIER:
        return "system"
    if name in RASA_TIER:
        return "rasa"
    if SYSTEM_FIXTURES & set(getattr(item, "fixturenames", ())) or SYSTEM_SOURCE.search(_source(item.path)):
        return "system"
    return "rasa" if RASA_SOURCE.search(_source(item.path)) else "unit"


def pytest_ignore_collect(collection_path, config):
    """`-m unit` does not even import the files that are wholly another tier: importing test_wecom alone
    loads Rasa's core and TensorFlow (7 s of the inner loop's collection)."""
    if config.getoption("markexpr", "") == "unit":
        return collection_path.name in RASA_TIER | SYSTEM_TIER or None
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        item.add_marker(tier_of(item))


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="session")
def compiled(catalogue):
    return CompiledCatalogue(catalogue)


def _unavailable(what: str, exc: Exception):
    message = f"{what} unavailable ({exc.__class__.__name__}: {exc})"
    if IN_CI:
        pytest.fail(message + " — required under CI=true")
    pytest.skip(message)


@pytest.fixture()
def pg_url():
    """A fresh schema in the machine's PostgreSQL, dropped afterwards."""
    schema = f"policies_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, future=True, connect_args={"connect_timeout": 3})
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no PostgreSQL here"
        admin.dispose()
        _unavailable(f"PostgreSQL at {PG_URL}", exc)
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture()
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'policies.db'}"


@pytest.fixture(scope="session")
def policy_db(tmp_path_factory, catalogue):
    """The real catalogue built into a fresh SQLite database; the actions read it via POLICIES_DB_URL."""
    import policies_db
    from policies_db.authoring.digest import catalogue_digest
    from policies_db.authoring.store import make_engine, write_catalogue

    url = f"sqlite:///{tmp_path_factory.mktemp('policies') / 'policies.db'}"
    engine = make_engine(url)
    write_catalogue(catalogue, engine, catalogue_digest())
    engine.dispose()
    previous = os.environ.get("POLICIES_DB_URL")
    os.environ["POLICIES_DB_URL"] = url
    policies_db.load(url, refresh=True)
    yield url
    if previous is None:
        os.environ.pop("POLICIES_DB_URL", None)
    else:
        os.environ["POLICIES_DB_URL"] = previous


API_TOKEN = "e2e-secret-token"


# wechatpy's official test vector (tests/test_crypto.py): token, EncodingAESKey, CorpID.
WECOM = {"WECOM_TOKEN": "123456", "WECOM_AES_KEY": "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
         "WECOM_CORP_ID": "wx49f0ab532d5d035a", "WECOM_SECRET": "test-secret", "WECOM_AGENT_ID": "1000002"}


@pytest.fixture(scope="session")
def wecom_stub():
    from tests.wecom_stub import WeComStub

    stub = WeComStub().start()
    yield stub
    stub.stop()


@pytest.fixture(scope="session")
def servers(tmp_path_factory, policy_db, wecom_stub):
    """The real stack for end-to-end tests: one action server, Rasa with the HTTP API (token) and without;
    WeCom on, talking to the local stub."""
    from tests.stack import start_stack

    workdir = tmp_path_factory.mktemp("stack")
    stack, _, ports = start_stack(workdir, policy_db, {"api": API_TOKEN, "plain": None},
                                  wecom={**WECOM, "WECOM_API_BASE": wecom_stub.base})
    yield {"api": f"http://127.0.0.1:{ports['api']}", "plain": f"http://127.0.0.1:{ports['plain']}",
           "handoff_db": f"sqlite:///{workdir / 'handoff.db'}", "push_db": f"sqlite:///{workdir / 'push.db'}",
           "workdir": workdir}
    stack.stop()


@pytest.fixture(scope="session")
def domain():
    """The real merged domain (domain/*.yml) as the action server receives it."""
    from pathlib import Path

    from rasa.shared.core.domain import Domain  # heavy: only tests that use the domain pay for it

    return Domain.load(str(Path(__file__).resolve().parent.parent / "domain")).as_dict()
