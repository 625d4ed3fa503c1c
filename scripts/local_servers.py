"""Ports, readiness and clean-up for the servers the project starts on this machine (tests, `make eval`, the
bench, `make cluster`).

Why ports come from outside the kernel's ephemeral range: polling a local port in that range that nothing
listens on yet can make Linux connect the client socket to itself (TCP self-connect) — the client then reads
back its own request line (`BadStatusLine: GET / HTTP/1.1`). A port below the range can never be a client's
source port, so it cannot self-connect.
"""
from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

# Ports of the machine's own services and of `make run`: never handed out.
RESERVED = {1883, 3306, 4222, 5005, 5055, 5432, 5672, 6379, 8080, 8081, 15672}
LOWEST = 10000


def ephemeral_range(path: str = "/proc/sys/net/ipv4/ip_local_port_range") -> tuple[int, int]:
    try:
        low, high = (int(x) for x in Path(path).read_text().split()[:2])
        return low, high
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    with socket.socket() as s:  # nothing listening there either (a server bound to another address)
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) != 0


def free_block(size: int = 1, rng: random.Random | None = None) -> int:
    """The first port of `size` consecutive free ports, all below the ephemeral range."""
    low, _ = ephemeral_range()
    top = max(low, LOWEST + size + 1) - size
    if top <= LOWEST:
        raise RuntimeError(f"no room below the ephemeral range (starts at {low})")
    rng = rng or random.Random()
    for _ in range(200):
        base = rng.randint(LOWEST, top - 1)
        block = range(base, base + size)
        if not RESERVED.intersection(block) and all(_bindable(p) for p in block):
            return base
    raise RuntimeError(f"no {size} free consecutive ports between {LOWEST} and {low}")


def free_port() -> int:
    return free_block(1)


def answers(url: str, timeout: float = 2) -> bool:
    """True only when the server itself answered with a 2xx: a refused or reset connection, a non-HTTP reply
    (our own request echoed by a self-connect), a timeout or an HTTP error all mean not ready yet."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read(64)
            return 200 <= response.status < 300
    except (OSError, http.client.HTTPException, ValueError):
        return False


def log_tail(log: Path | None, chars: int = 4000) -> str:
    if log is None or not Path(log).exists():
        return "(no log)"
    return Path(log).read_text(errors="replace")[-chars:]


def wait_http(url: str, seconds: float, *, process: subprocess.Popen | None = None, log: Path | None = None,
              name: str = "server") -> None:
    """Wait until `url` answers; raise RuntimeError with the log's tail when the process exits or time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{name} exited ({process.returncode}) before answering at {url}; log:\n{log_tail(log)}")
        if answers(url):
            return
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not answer at {url} within {seconds:.0f} s; log:\n{log_tail(log)}")


def stop_group(pid: int, grace: float = 20) -> None:
    """SIGTERM the process group led by `pid`, SIGKILL what is left after `grace` seconds."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except (ProcessLookupError, PermissionError):
            return
        try:  # reap our own child so the group can disappear
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
