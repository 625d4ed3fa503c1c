"""精准推送 on the production topology (scripts/cluster.py, `make cluster`): a firm subscribes through nginx,
the policy officer runs `python -m bot.push` against the cluster's PostgreSQL with a new policy file, the firm
gets one e-mail (local SMTP server), push_audit records it, and a second run sends nothing.

The cluster is this module's own (tests/test_cluster.py's fixture, started once here)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

from bot.push import db, store
from tests.rasa_cli import ROOT
from tests.stack import http
from tests.test_cluster import cluster, wecom_stub  # noqa: F401 — the fixtures this module's tests use
from tests.test_push import add_wuhan_document, audit_rows, catalogue_version, smtp  # noqa: F401

NEW_ID, NEW_TITLE = "wh-push-test-pharma", "医药研发外包专项支持（测试新增）"  # add_wuhan_document's measure


def server_env(cluster_info: dict, name: str) -> dict:
    """The environment a cluster process really runs with: the push CLI must use the same database."""
    pid = (Path(cluster_info["dir"]) / f"{name}.pid").read_text().strip()
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


def rest(entry: str, sender: str, message: str) -> str:
    status, body = http("POST", f"{entry}/webhooks/rest/webhook", {"sender": sender, "message": message}, timeout=90)
    assert status == 200, body
    return "\n".join(m.get("text") or "" for m in body)


def test_new_policy_file_reaches_the_subscribed_firm_once_through_the_cluster(cluster, smtp, tmp_path):  # noqa: F811
    entry, sender = cluster["entry"], f"web-push-{uuid.uuid4().hex[:8]}"
    address = f"pharma-{uuid.uuid4().hex[:6]}@example.com"
    rest(entry, sender, "我们在武汉，做医药研发外包")
    rest(entry, sender, "直接看结果")
    assert "订阅前请您确认" in rest(entry, sender, "有新政策请通知我")
    assert "电子邮箱" in rest(entry, sender, "同意")
    assert "已为您订阅新政策提醒" in rest(entry, sender, f"邮箱是 {address}")

    cluster_env = server_env(cluster, "actions-0")
    push_db, as_of = cluster_env["PUSH_DB_URL"], cluster_env["POLICY_AS_OF"]
    assert push_db.startswith("postgresql") and cluster["db"] in push_db
    assert server_env(cluster, "rasa-0")["PUSH_DB_URL"] == push_db  # 退订 and report links read the same rows
    [sub] = store.of_conversation(sender, push_db)
    assert (sub.channel, sub.address, sub.profile["city"]) == ("email", address, "武汉")

    # The officer's new policy file, in a copy of the catalogue; the command as docs/publishing.md gives it.
    catalogue = catalogue_version(tmp_path, "catalogue")
    add_wuhan_document(catalogue)
    command = [sys.executable, "-m", "bot.push", "--catalogue", str(catalogue), "--as-of", as_of, "--json"]
    env = {**os.environ, "PUSH_DB_URL": push_db, "PUBLIC_BASE_URL": entry, **smtp.env()}

    def push(*extra: str) -> dict:
        out = subprocess.run([*command, *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    try:
        plan = push("--dry-run")
        assert [(n["recipient"], n["new"], n["changed"]) for n in plan["notifications"]] == [(address, [NEW_ID], [])]
        first = push()
        assert first["summary"]["delivered"] == {"sent": 1}
        [mail] = smtp.wait_for(address)
        assert NEW_TITLE in mail.get_content()
        assert mail["List-Unsubscribe"] == f"<{entry}/webhooks/push/unsubscribe/{sub.token}>"
        audit = [r for r in audit_rows(push_db) if r["recipient"] == address]  # push_audit in PostgreSQL
        assert [(r["channel"], r["measures"], r["outcome"]) for r in audit] == [("email", [NEW_ID], "sent")]

        second = push()  # the same catalogue again: nothing new, nothing waiting, nobody told twice
        assert second["notifications"] == [] and second["deliveries"] == []
        assert len(smtp.to(address)) == 1 and len([r for r in audit_rows(push_db) if r["recipient"] == address]) == 1

        # The notification's report link works through the cluster (any replica: the token is in PostgreSQL).
        with urllib.request.urlopen(f"{entry}/webhooks/push/results/{sub.token}", timeout=60) as page:
            assert "/report/" in page.url and "政策匹配报告" in page.read().decode()
    finally:
        db.dispose(push_db)
