"""Start the real Rasa servers (and, over HTTP, the action server) for end-to-end tests, on free local ports."""
from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from scripts.local_servers import free_port, stop_group, wait_http
from tests.rasa_cli import ENV, RASA, ROOT, require_model

__all__ = ["free_port", "http", "start_stack", "wait_until_up", "Stack"]

CONSOLE_TOKEN = "console-test-token"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"  # Debian's redis-server


def die_with_parent() -> None:
    """Run in the child before exec: a server outlives no test run, even one killed with SIGKILL
    (orphaned Rasa servers, ~0.5–1 GB each, once starved this machine)."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def http(method: str, url: str, body=None, headers=None, timeout: float = 30) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    url = urllib.parse.quote(url, safe=":/?&=%#")  # Chinese query strings
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, raw.decode(errors="replace")


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float | None = None) -> None:
    # TEST_SERVER_WAIT: a busy shared machine may need longer than 4 minutes to load the model.
    seconds = seconds or float(os.environ.get("TEST_SERVER_WAIT") or 240)
    wait_http(url, seconds, process=process, log=log, name=log.stem)


@dataclass
class Stack:
    workdir: Path
    env: dict
    processes: list = field(default_factory=list)

    def start(self, args: list[str], name: str, health_url: str, extra_env: dict | None = None,
              program: str = RASA) -> None:
        log = self.workdir / f"{name}.log"
        process = subprocess.Popen([program, *args], cwd=ROOT, env={**self.env, **(extra_env or {})},
                                   preexec_fn=die_with_parent, start_new_session=True,
                                   stdout=log.open("w"), stderr=subprocess.STDOUT)
        self.processes.append((process, health_url, log))

    def wait(self, seconds: float | None = None) -> None:
        for process, url, log in self.processes:
            if url.startswith("tcp://"):  # a server that speaks no HTTP (Redis): its port answers
                _wait_tcp(url, process, log)
            else:
                wait_until_up(url, process, log, seconds)

    def stop(self) -> None:
        """Each server's whole process group: nothing a test started outlives it."""
        for process, _, _ in self.processes:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for process, _, _ in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
            stop_group(process.pid, grace=1)


def _wait_tcp(url: str, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    import socket

    host, port = url[len("tcp://"):].rsplit(":", 1)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{log.stem} stopped while starting: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{log.stem} did not open {url} in {seconds:.0f} s")


WECOM_VARS = ("WECOM_CORP_ID", "WECOM_SECRET", "WECOM_AGENT_ID", "WECOM_TOKEN", "WECOM_AES_KEY", "WECOM_API_BASE")


# How the stacks run the custom actions: "inprocess" (`make run`'s default: inside each Rasa process,
# bot/rasa_patches/actions_in_process.py) or "http" (a separate action server, as the cluster runs them).
# STACK_ACTIONS=http runs every stack of a test session over HTTP.
ACTIONS_MODES = ("inprocess", "http")


def start_stack(workdir: Path, policy_db_url: str, rasa_servers: dict[str, str | None],
                wecom: dict | None = None, start_seconds: float | None = None,
                workers: int = 1, env: dict | None = None,
                actions: str | None = None) -> tuple[Stack, int | None, dict[str, int]]:
    """One Rasa server per name (value: its auth token, or None for API off), running the custom actions as
    `actions` says (default STACK_ACTIONS or "inprocess"; "http": one action server too, its port returned, else
    None); `env` adds or overrides variables of every server (the workbench's catalogue folder, its token).
    workers > 1: each Rasa server runs that many Sanic workers with their locks in a Redis of the stack's own —
    `make run`'s default topology (scripts/serve.sh)."""
    actions = actions or os.environ.get("STACK_ACTIONS") or "inprocess"
    if actions not in ACTIONS_MODES:
        raise ValueError(f"actions={actions!r}: one of {ACTIONS_MODES}")
    model = require_model()
    action_port = free_port() if actions == "http" else None
    extra = env or {}
    env = {**ENV, "POLICY_SKIP_STARTUP_CHECK": "0", "POLICIES_DB_URL": policy_db_url, "POLICY_AS_OF": "2026-11-22",
           "CONSOLE_TOKEN": CONSOLE_TOKEN,
           "HANDOFF_DB_URL": f"sqlite:///{workdir / 'handoff.db'}", "PUSH_DB_URL": f"sqlite:///{workdir / 'push.db'}",
           "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook" if action_port else "inprocess:actions",
           "PUBLIC_BASE_URL": "https://policy.example.gov.cn",  # WeCom messages link reports under it
           "TRACKER_DB_DIALECT": "sqlite", "TRACKER_DB_URL": "", "TRACKER_DB": str(workdir / "tracker.db"),
           **{v: "" for v in WECOM_VARS}, **(wecom or {}), **extra}
    stack = Stack(workdir, env)
    if workers > 1:
        redis_port = free_port()
        stack.start(["--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--dir", str(workdir)], "redis", f"tcp://127.0.0.1:{redis_port}", program=REDIS_SERVER)
        env.update({"LOCK_STORE_TYPE": "redis", "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port),
                    "REDIS_DB": "0", "SANIC_WORKERS": str(workers)})
    if action_port:
        stack.start(["run", "actions", "--actions", "actions", "--port", str(action_port)], "actions",
                    f"http://127.0.0.1:{action_port}/health")
    ports = {}
    for name, token in rasa_servers.items():
        port = ports[name] = free_port()
        api = ["--enable-api", "--auth-token", token] if token else []
        stack.start(["run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port),
                     "--credentials", "credentials.yml", "--endpoints", "endpoints.yml", *api],
                    name, f"http://127.0.0.1:{port}/", {"TRACKER_DB": str(workdir / f"tracker-{name}.db")})
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    try:
        stack.wait(start_seconds)
    except BaseException:
        stack.stop()  # a server that did not come up must not leave the others running (1 GB each)
        raise
    return stack, action_port, ports
