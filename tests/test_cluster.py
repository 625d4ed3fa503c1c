"""The production topology on this machine (scripts/cluster.py): two Rasa replicas on PostgreSQL + Redis
behind nginx, two action servers. Needs the machine's PostgreSQL and Redis: skipped when absent, required
under CI=true."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from policies_db import CompiledCatalogue, load_catalogue
from policies_db.evaluation.engine import evaluate_compiled
from scripts.local_servers import free_block
from tests.conftest import IN_CI, WECOM
from tests.rasa_cli import ENV, ROOT, require_model
from tests.stack import http

PG = "postgresql://postgres@127.0.0.1:5432"


def _reachable(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def wecom_stub():
    """The cluster's own WeCom stub: its replicas' token requests must not count in test_wecom's."""
    from tests.wecom_stub import WeComStub

    stub = WeComStub().start()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, wecom_stub):
    missing = [name for name, port in (("PostgreSQL", 5432), ("Redis", 6379)) if not _reachable(port)]
    if missing:
        message = f"{' and '.join(missing)} not running on 127.0.0.1"
        if IN_CI:
            pytest.fail(message + " — required under CI=true")
        pytest.skip(message)
    require_model()
    base = free_block(40)  # the entry, +1 actions, +10.. replicas, +30.. action servers
    env = {**ENV, "CLUSTER_DIR": str(tmp_path_factory.mktemp("cluster")), "CLUSTER_PORT": str(base),
           "CLUSTER_DB": f"policy_test_{uuid.uuid4().hex[:8]}", "REDIS_DB": "3", "PG_URL": PG,
           "CONSOLE_TOKEN": "cluster-console", "RASA_AUTH_TOKEN": "cluster-api", "POLICY_AS_OF": "2026-11-22",
           **WECOM, "WECOM_API_BASE": wecom_stub.base, "WECOM_STATE_PREFIX": f"test-{uuid.uuid4().hex[:8]}"}
    script = [sys.executable, str(ROOT / "scripts" / "cluster.py")]

    def run(*args: str) -> str:
        result = subprocess.run([*script, *args], env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    out = run("start")
    assert f"Cluster entry: http://127.0.0.1:{base}/" in out
    info = {"run": run, "entry": f"http://127.0.0.1:{base}", "replicas": [f"http://127.0.0.1:{base + 10 + i}" for i in range(2)],
            "db": env["CLUSTER_DB"], "dir": env["CLUSTER_DIR"]}
    yield info
    run("stop")
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{PG.replace('postgresql://', 'postgresql+psycopg2://')}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{env["CLUSTER_DB"]}" WITH (FORCE)'))
    admin.dispose()


def say(base: str, sender: str, text: str) -> list[dict]:
    status, body = http("POST", f"{base}/webhooks/web/webhook", {"sender": sender, "message": text}, timeout=90)
    assert status == 200, body
    return body


def results(messages: list[dict]) -> dict:
    payloads = [m["custom"] for m in messages if m.get("custom", {}).get("type") == "eligibility_results"]
    assert len(payloads) == 1, messages  # the replies, when the results are missing
    return payloads[0]


@pytest.fixture(scope="module")
def engine():
    return CompiledCatalogue(load_catalogue())


def expected_ids(engine, profile) -> set[str]:
    import datetime as dt

    return {r.id for r in evaluate_compiled(engine, profile, dt.date(2026, 11, 22)).eligible}


def test_turns_alternate_between_replicas(cluster, engine):
    sender = f"alt-{uuid.uuid4().hex[:6]}"
    a, b = cluster["replicas"]
    say(a, sender, "我们在杭州")
    say(b, sender, "做ITO")
    say(a, sender, "是的")  # offshore
    payload = results(say(b, sender, "直接看结果"))
    assert payload["profile"] == {"city": "杭州", "service_types": ["ITO"], "offshore": True}
    assert {e["id"] for e in payload["eligible"]} == expected_ids(engine, payload["profile"])


def test_a_replica_killed_mid_conversation(cluster):
    sender = f"kill-{uuid.uuid4().hex[:6]}"
    a, b = cluster["replicas"]
    say(a, sender, "我们在武汉，做医药研发外包，有离岸业务")
    cluster["run"]("kill-replica", "0")
    try:
        payload = results(say(cluster["entry"], sender, "直接看结果"))  # nginx fails over to replica 1
        assert payload["profile"] == {"city": "武汉", "offshore": True, "fields": ["pharma_rd"], "service_types": ["KPO"]}
        # Replica 1 holds the same conversation: nothing changed, so one line and the report link (issue 20).
        again = " ".join(m.get("text", "") for m in say(b, sender, "直接看结果"))
        assert "结果与上次相同" in again and "/report/" in again
    finally:
        cluster["run"]("start-replica", "0")


def test_action_servers_down_then_back(cluster):
    sender = f"down-{uuid.uuid4().hex[:6]}"
    cluster["run"]("stop-actions")
    try:
        replies = say(cluster["entry"], sender, "我们在温州，做离岸外包")
        texts = " ".join(m.get("text", "") for m in replies)
        assert "抱歉" in texts and "热线" in texts
    finally:
        cluster["run"]("start-actions")
    # The message that met the outage was answered with the apology, not read; once the action servers
    # are back the same conversation goes on: the firm says it again and gets its results.
    first = say(cluster["entry"], sender, "我们在温州，做离岸软件外包")
    shown = [m for m in first if m.get("custom", {}).get("type") == "eligibility_results"]
    payload = shown[0]["custom"] if shown else results(say(cluster["entry"], sender, "直接看结果"))
    assert payload["profile"] == {"city": "温州", "offshore": True, "service_types": ["ITO"], "fields": ["software_it"]}


def test_fifty_concurrent_conversations_without_cross_talk(cluster, engine):
    cities = ["杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "台州", "丽水", "武汉"]
    kinds = ["ITO", "BPO", "KPO"]
    cases = []
    for i in range(50):
        offshore = i % 2 == 0
        profile = {"city": cities[i % len(cities)], "service_types": [kinds[i % 3]], "offshore": offshore}
        text = f"我们在{profile['city']}，做{kinds[i % 3]}，{'有' if offshore else '没有'}离岸业务"
        cases.append((f"load-{i}-{uuid.uuid4().hex[:4]}", text, profile))

    def converse(case):
        sender, text, profile = case
        say(cluster["entry"], sender, text)
        return case, results(say(cluster["entry"], sender, "直接看结果"))

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(converse, cases))
    for (sender, _, profile), payload in outcomes:
        assert payload["profile"] == profile, sender
        assert {e["id"] for e in payload["eligible"]} == expected_ids(engine, profile), sender


def test_api_console_and_wecom_refuse_without_credentials(cluster):
    entry = cluster["entry"]
    assert http("GET", f"{entry}/status")[0] == 401
    assert http("GET", f"{entry}/status?token=cluster-api")[0] == 200
    assert http("GET", f"{entry}/webhooks/console/api/handoffs")[0] == 401
    assert http("GET", f"{entry}/webhooks/console/api/handoffs", headers={"Authorization": "Bearer cluster-console"})[0] == 200
    assert http("GET", f"{entry}/webhooks/wecom/webhook?msg_signature=x&timestamp=1&nonce=2&echostr=y")[0] == 403


def _wecom_post(base: str, message_xml: str) -> int:
    import xmltodict

    from tests.test_wecom import CRYPTO, post_xml

    nonce, timestamp = "7654321", str(int(time.time()))
    envelope = CRYPTO.encrypt_message(message_xml, nonce, timestamp)
    signature = xmltodict.parse(envelope)["xml"]["MsgSignature"]
    return post_xml(f"{base}/webhooks/wecom/webhook?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}",
                    envelope)[0]


def test_wecom_retries_and_numbered_options_are_shared_by_replicas(cluster, wecom_stub):
    from tests.test_wecom import inner

    first, second = cluster["replicas"]
    user = f"li-{uuid.uuid4().hex[:6]}"
    message = inner(user, "我们在杭州，做ITO软件开发", msg_id="880001")
    assert _wecom_post(first, message) == 200
    wecom_stub.wait_sent(1, user=user)
    time.sleep(2)
    replies = wecom_stub.sent("message/send", user)
    assert "1. 是的" in replies[-1]["text"]["content"]  # the offshore question, numbered
    assert _wecom_post(second, message) == 200  # WeCom's retry reaches the other replica: not answered again
    time.sleep(3)
    assert len(wecom_stub.sent("message/send", user)) == len(replies)
    assert _wecom_post(second, inner(user, "1", msg_id="880002")) == 200  # "1" means the option replica 1 offered
    wecom_stub.wait_sent(len(replies) + 1, user=user)
    status, tracker = http("GET", f"{cluster['entry']}/conversations/wecom-{user}/tracker?token=cluster-api")
    assert status == 200 and tracker["slots"]["offshore"] is True


def test_a_conversation_survives_a_restart_of_the_whole_stack(cluster):
    sender = f"restart-{uuid.uuid4().hex[:6]}"
    say(cluster["entry"], sender, "我们在嘉兴，是外资企业，有离岸业务")
    cluster["run"]("stop")
    cluster["run"]("start")
    payload = results(say(cluster["entry"], sender, "直接看结果"))
    assert payload["profile"] == {"city": "嘉兴", "foreign_invested": True, "offshore": True}



def _processes_listening_on(ports: range) -> list[int]:
    """Pids whose command line names one of these ports (the servers cluster.py starts pass --port N)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            args = open(f"/proc/{entry}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if b"--port" in args and any(str(p).encode() in args for p in ports):
            found.append(int(entry))
    return found


def test_a_failed_cluster_start_stops_what_it_started(tmp_path):
    """A replica that never answers: the start fails, naming the replica and its log, and the action servers it
    had already started are stopped with it."""
    if not _reachable(5432):
        if IN_CI:
            pytest.fail("PostgreSQL not running on 127.0.0.1 — required under CI=true")
        pytest.skip("PostgreSQL not running on 127.0.0.1")
    base = free_block(40)
    db = f"policy_test_{uuid.uuid4().hex[:8]}"
    env = {**ENV, "CLUSTER_DIR": str(tmp_path), "CLUSTER_PORT": str(base), "CLUSTER_DB": db, "PG_URL": PG,
           "REPLICAS": "1", "ACTION_SERVERS": "1", "CLUSTER_START_SECONDS": "45"}
    # The replica's port is held by a listener that never answers: the replica cannot bind, the wait for it
    # fails — deterministic, whatever Rasa does with a missing model (it serves without one).
    blocker = socket.socket()
    blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    blocker.bind(("127.0.0.1", base + 10))
    blocker.listen(16)
    try:
        result = subprocess.run([sys.executable, str(ROOT / "scripts" / "cluster.py"), "start"], env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode != 0
        assert "rasa-0 did not answer" in result.stderr, result.stderr
        deadline = time.monotonic() + 30
        while _processes_listening_on(range(base, base + 40)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _processes_listening_on(range(base, base + 40)) == []
        assert not list(tmp_path.glob("*.pid"))
    finally:
        blocker.close()
        # Whatever happened, nothing this test started outlives it.
        subprocess.run([sys.executable, str(ROOT / "scripts" / "cluster.py"), "stop"], env=env, capture_output=True,
                       timeout=120)
        from sqlalchemy import create_engine, text

        admin = create_engine(f"{PG.replace('postgresql://', 'postgresql+psycopg2://')}/postgres",
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()
