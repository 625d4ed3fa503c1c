"""deploy/: the manifests scripts/deploy_manifests.py generates for real servers — current with the script,
the cluster's topology, the push database for every service that reads subscriptions, and the daily 精准推送 job.
They cannot run here (no container engine): these tests read them."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PUSH_ARGS = ["-m", "bot.push", "--catalogue", "policies_db/catalogue"]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def k8s() -> dict:
    docs = yaml.safe_load_all((ROOT / "deploy" / "k8s.yaml").read_text(encoding="utf-8"))
    return {(d["kind"], d["metadata"]["name"]): d for d in docs if d}


def _container(doc: dict) -> dict:
    spec = doc["spec"]["jobTemplate"]["spec"] if doc["kind"] == "CronJob" else doc["spec"]
    [container] = spec["template"]["spec"]["containers"]
    return container


def _k8s_env(container: dict) -> dict:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}


def test_the_committed_manifests_are_what_the_script_writes():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "deploy_manifests.py"), "--check"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout


def test_compose_matches_the_cluster_topology(compose):
    assert compose["services"]["rasa"]["deploy"]["replicas"] >= 2
    assert "deploy/endpoints.cluster.yml" in compose["services"]["rasa"]["command"]


def test_every_service_that_reads_subscriptions_has_the_push_database(compose, k8s):
    """Action servers subscribe, Rasa serves 退订 and the report link, the job sends: one PostgreSQL database."""
    services = compose["services"]
    for name in ("actions", "rasa", "push"):
        url = services[name]["environment"].get("PUSH_DB_URL", "")
        assert url.startswith("postgresql+psycopg2://") and "${POSTGRES_PASSWORD}" in url, name
        assert services[name]["environment"].get("PUBLIC_BASE_URL") == "${PUBLIC_BASE_URL}", name
    for key in (("Deployment", "actions"), ("Deployment", "rasa"), ("CronJob", "policy-push")):
        env = _k8s_env(_container(k8s[key]))
        for name in ("PUSH_DB_URL", "PUBLIC_BASE_URL"):  # from the Secret, like the other URLs
            assert env.get(name) == {"secretKeyRef": {"name": "policy-assistant", "key": name}}, (key, name)


def test_a_daily_push_job_in_both_manifests(compose, k8s):
    job = compose["services"]["push"]
    assert job["command"][1:] == PUSH_ARGS and job["command"][0].endswith("python")
    assert job["profiles"] == ["jobs"] and job["restart"] == "no"  # one-shot: `up` does not start it
    assert "docker compose run --rm push" in (ROOT / "deploy" / "docker-compose.yml").read_text(encoding="utf-8")
    assert {"PUSH_SMTP_HOST", "PUSH_SMTP_FROM", "WECOM_SECRET", "WECOM_AGENT_ID"} <= set(job["environment"])

    cron = k8s[("CronJob", "policy-push")]
    minute, hour, day, month, weekday = cron["spec"]["schedule"].split()
    assert minute.isdigit() and hour.isdigit() and (day, month, weekday) == ("*", "*", "*")  # once a day
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"  # a slow run is not overlapped by the next
    container = _container(cron)
    assert container["command"][1:] == PUSH_ARGS and container["image"] == job["image"]
    assert {"PUSH_SMTP_HOST", "PUSH_SMTP_FROM", "WECOM_SECRET", "WECOM_AGENT_ID"} <= set(_k8s_env(container))
