"""The workbench's backend without a server: a document's workspace from text to published files, and the
running servers' reload of a rebuilt policy database (issue 22)."""
from __future__ import annotations

import shutil
import time

import pytest

import policies_db
from policies_db.authoring.cases import check_catalogue
from policies_db.authoring.drafting.workspace import Workspace, WorkspaceError, criteria_in_words, satisfy
from policies_db.authoring.loader import CATALOGUE_DIR

HEFEI = CATALOGUE_DIR.parent / "samples" / "hefei-2025" / "sources" / "hefei-2025.txt"


@pytest.fixture()
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DIR", str(tmp_path / "wb"))
    return Workspace.create(HEFEI.read_text(encoding="utf-8"), "hefei.txt")


def test_a_workspace_survives_a_restart(workspace):
    again = Workspace.load(workspace.id)
    assert again.data["document"]["number"] == "合政办〔2025〕6号"
    assert [d["id"] for d in Workspace.all()] == [workspace.id]
    with pytest.raises(WorkspaceError):
        Workspace.load("../../etc")


def test_document_facts_are_checked(workspace):
    assert workspace.set_document({"id": "Hefei 2025"}) == ["文件编号应为小写字母、数字和连字符，例如 hefei-2025"]
    assert workspace.set_document({"id": "hefei-2025", "id_prefix": "hf"}) == []
    with pytest.raises(WorkspaceError):
        workspace.set_document({"colour": "red"})


def test_not_encoded_needs_a_reason_and_an_edit_is_checked_by_the_schema(workspace):
    first = next(s for s in workspace.data["sentences"] if s["actionable"])
    assert workspace.decide(first["index"], "not_encoded", reason=" ") != []
    bad = {**workspace.measure_from_draft(first), "kind": "grant"}
    assert any("未知类型" in p for p in workspace.decide(first["index"], "edit", measure=bad))
    assert Workspace.load(workspace.id).sentence(first["index"])["decision"] is None  # nothing stored


def test_accepting_every_draft_publishes_a_catalogue_that_passes_the_check(workspace, tmp_path):
    workspace.set_document({"id": "hefei-2025", "id_prefix": "hf"})
    for s in workspace.data["sentences"]:
        if s["actionable"]:
            assert workspace.decide(s["index"], "accept") == []
    assert workspace.progress()["pending"]  # sentences naming firms are still unexplained
    workspace.accept_proposed_reasons()
    assert workspace.progress()["pending"] == []
    live = tmp_path / "live" / "catalogue"
    live.mkdir(parents=True)
    result = workspace.publish(live)
    assert result["published"], result["problems"][:5]
    assert check_catalogue(live).ok
    assert {p.name for p in live.parent.rglob("*") if p.is_file()} >= {
        "hefei-2025.yml", "hefei-2025.txt", "hefei-2025.coverage.yml"}


def test_generated_cases_meet_and_miss_each_measure():
    tree = {"all": [{"field": "service_types", "op": "nonempty", "text": "x"},
                    {"any": [{"field": "offshore", "op": "eq", "value": True, "text": "y"},
                             {"field": "fields", "op": "has", "value": "design", "text": "z"}]}]}
    assert satisfy(tree) == {"service_types": ["ITO"], "offshore": True}
    assert criteria_in_words(tree)[0] == "同时满足："


def test_a_rebuilt_database_is_served_without_a_restart(tmp_path, monkeypatch):
    folder = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, folder)
    url = f"sqlite:///{tmp_path / 'policies.db'}"
    policies_db.build(folder, url)
    monkeypatch.setenv("POLICY_RELOAD_SECONDS", "0.05")
    before = len(policies_db.load(url, refresh=True).measures)
    (folder / "wuhan-2021.yml").unlink()
    policies_db.build(folder, url)
    time.sleep(0.1)
    assert len(policies_db.load(url).measures) < before
