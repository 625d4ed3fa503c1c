"""A stack of its own for the policy officer's workbench: a scratch copy of the catalogue folder that the
workbench publishes into, its policy database, and a push subscriber in 合肥 — so publishing a document
never changes what the other system tests see."""
from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

import policies_db
from policies_db.authoring.loader import CATALOGUE_DIR
from tests.stack import http, start_stack

OFFICER_TOKEN = "officer-test-token"
API_TOKEN = "workbench-api-token"
SAMPLE = CATALOGUE_DIR.parent / "samples" / "hefei-2025"
HEFEI_TEXT = SAMPLE / "sources" / "hefei-2025.txt"
SUBSCRIBER = "caiwu@hefei-soft.example.cn"  # a 合肥 software firm with offshore clients


def workbench_stack(workdir: Path):
    """(stack, urls): the catalogue copied to workdir/catalogue (+ sources), its database built, a subscriber
    stored, an action server and a Rasa server (HTTP API on) reading them, reloading every second."""
    root = workdir / "live"
    shutil.copytree(CATALOGUE_DIR, root / "catalogue")
    shutil.copytree(CATALOGUE_DIR.parent / "sources", root / "sources")
    db_url = f"sqlite:///{workdir / 'policies.db'}"
    policies_db.build(root / "catalogue", db_url)
    push_url = f"sqlite:///{workdir / 'push.db'}"
    _subscribe(root / "catalogue", push_url)
    env = {"POLICIES_CATALOGUE_DIR": str(root / "catalogue"), "WORKBENCH_DIR": str(workdir / "workbench"),
           "OFFICER_TOKEN": OFFICER_TOKEN, "POLICY_RELOAD_SECONDS": "1", "PUSH_DB_URL": push_url}
    stack, _, ports = start_stack(workdir, db_url, {"api": API_TOKEN}, env=env)
    return stack, {"base": f"http://127.0.0.1:{ports['api']}", "catalogue": root / "catalogue", "db": db_url,
                   "push_db": push_url}


def _subscribe(catalogue_dir: Path, push_url: str) -> None:
    from bot.push import store
    from bot.push.diff import snapshot

    profile = {"city": "合肥", "service_types": ["ITO"], "offshore": True, "fields": ["software_it"]}
    compiled = policies_db.CompiledCatalogue(policies_db.load_catalogue(catalogue_dir))
    ev = policies_db.evaluate(profile, catalogue=compiled)
    store.subscribe("web-hefei", "email", SUBSCRIBER, profile, snapshot(ev), "（告知内容）", url=push_url)


def firm_results_once_served(base: str, measure_id: str, seconds: float = 20) -> dict:
    """A 合肥 firm with offshore clients asks for its results over REST until the running assistant serves the
    published measure (it reloads the rebuilt database within POLICY_RELOAD_SECONDS); its eligible results by id."""
    deadline = time.monotonic() + seconds
    while True:
        sender = f"hefei-{uuid.uuid4().hex[:8]}"
        http("POST", f"{base}/webhooks/rest/webhook", {"sender": sender, "message": "我们在合肥，做离岸软件外包"})
        _, replies = http("POST", f"{base}/webhooks/rest/webhook", {"sender": sender, "message": "直接看结果"})
        results = [m["custom"] for m in replies if m.get("custom", {}).get("type") == "eligibility_results"]
        eligible = {e["id"]: e for e in results[-1]["eligible"]} if results else {}
        if measure_id in eligible or time.monotonic() > deadline:
            assert measure_id in eligible, replies
            return eligible
        time.sleep(1)
