"""The action server refuses to start on an unusable policy database rather than serve wrong results."""
from __future__ import annotations

import subprocess

import pytest

from tests.rasa_cli import ENV, RASA, ROOT


def start_actions(db_url: str) -> subprocess.CompletedProcess:
    env = {**ENV, "POLICIES_DB_URL": db_url, "POLICY_SKIP_STARTUP_CHECK": "0"}
    return subprocess.run([RASA, "run", "actions", "--actions", "actions", "--port", "5999"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_unreachable_database():
    result = start_actions("postgresql+psycopg2://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert result.returncode != 0
    assert "自定义动作拒绝启动" in result.stderr and "无法读取政策数据库" in result.stderr


def test_unbuilt_database(tmp_path):
    result = start_actions(f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode != 0 and "尚未构建" in result.stderr


def test_database_older_than_the_catalogue(tmp_path, catalogue):
    from policies_db.authoring.store import make_engine, write_catalogue

    url = f"sqlite:///{tmp_path / 'stale.db'}"
    engine = make_engine(url)
    write_catalogue(catalogue, engine, "digest-of-an-older-catalogue")
    engine.dispose()
    result = start_actions(url)
    assert result.returncode != 0 and "不一致" in result.stderr


@pytest.mark.parametrize("broken", ["category: tax", "value: producer_services"])
def test_invalid_catalogue_fails_the_build(tmp_path, broken):
    import shutil

    shutil.copytree(ROOT / "policies_db" / "catalogue", tmp_path / "catalogue")
    path = tmp_path / "catalogue" / "zhejiang-2023-59.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(broken, broken + "x", 1), encoding="utf-8")
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "policies_db", "--db",
                             f"sqlite:///{tmp_path / 'p.db'}", "build", "--catalogue", str(tmp_path / "catalogue")],
                            cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "zhejiang-2023-59.yml: measure" in result.stderr
    assert not (tmp_path / "p.db").exists() or (tmp_path / "p.db").stat().st_size == 0
