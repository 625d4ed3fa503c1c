"""`make run`'s default topology: Rasa with two Sanic workers, their conversation locks in a Redis of the stack's own
(scripts/serve.sh). Firms chatting at once are each answered in order, whichever worker takes a message."""
from __future__ import annotations

import os
import shutil
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.stack import REDIS_SERVER, http, start_stack

pytestmark = pytest.mark.skipif(not shutil.which("redis-server") and not os.path.exists(REDIS_SERVER)
                                and os.environ.get("CI") != "true",
                                reason="Debian's redis-server is not installed (make test installs it)")

FIRM = ["你好，我们在杭州滨江，做软件外包，主要是日本客户", "不是外资", "都没有", "不清楚"]


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("workers")
    db = f"sqlite:///{workdir / 'policies.db'}"
    import subprocess
    import sys

    from tests.rasa_cli import ROOT

    subprocess.run([sys.executable, "-m", "policies_db", "build"], cwd=ROOT, check=True,
                   env={**os.environ, "POLICIES_DB_URL": db}, stdout=subprocess.DEVNULL)
    stack, _, ports = start_stack(workdir, db, {"rasa": "workers-token"}, workers=2)
    redis_port = int(stack.env["REDIS_PORT"])
    yield f"http://127.0.0.1:{ports['rasa']}", redis_port
    stack.stop()


def _redis(port: int, *command: str) -> bytes:
    """One Redis command over the wire protocol (no client library needed)."""
    payload = f"*{len(command)}\r\n" + "".join(f"${len(c.encode())}\r\n{c}\r\n" for c in command)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(payload.encode())
        return s.recv(65536)


def _converse(base: str, sender: str) -> list[dict]:
    replies = []
    for text in FIRM:
        status, body = http("POST", f"{base}/webhooks/rest/webhook", {"sender": sender, "message": text}, timeout=120)
        assert status == 200, body
        replies.append(body)
    status, tracker = http("GET", f"{base}/conversations/{sender}/tracker?token=workers-token", timeout=60)
    assert status == 200
    return tracker


def test_two_workers_answer_firms_at_once_and_lock_their_conversations_in_redis(two_workers):
    base, redis_port = two_workers
    before = _redis(redis_port, "INFO", "commandstats")
    with ThreadPoolExecutor(8) as pool:
        trackers = list(pool.map(lambda i: _converse(base, f"workers-{i}"), range(8)))
    for tracker in trackers:
        users = [e["text"] for e in tracker["events"] if e.get("event") == "user"]
        assert users == FIRM  # every message, once, in order
        assert tracker["slots"]["city"] == "杭州" and tracker["slots"]["offshore"] is True
    after = _redis(redis_port, "INFO", "commandstats")
    assert b"cmdstat_set" in after and after != before  # the workers took their locks in this Redis
