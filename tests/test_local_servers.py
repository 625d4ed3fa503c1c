"""Ports, readiness and clean-up of the servers the project starts (scripts/local_servers.py, tests/stack.py).

A fresh-clone CI run once failed because a cluster test polled a port in the kernel's ephemeral range: Linux
connected the client to itself and urllib read back its own request (`BadStatusLine: GET / HTTP/1.1`), the
start aborted and left its servers running."""
from __future__ import annotations

import http.client
import os
import socket
import socketserver
import sys
import threading
import time
import urllib.request

import pytest

from scripts.local_servers import RESERVED, answers, ephemeral_range, free_block, free_port, wait_http


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def test_ports_lie_below_the_ephemeral_range():
    low, high = ephemeral_range()
    assert 1024 < low <= high
    for _ in range(30):
        base = free_block(40)
        assert base + 40 <= low and not RESERVED.intersection(range(base, base + 40))
    assert free_port() < low


def test_a_socket_can_connect_to_itself_on_one_port():
    """The cause, shown directly: a client whose source port equals the port it polls talks to itself."""
    low, _ = ephemeral_range()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))  # a port the kernel hands out: inside the ephemeral range
        port = probe.getsockname()[1]
    assert port >= low
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))
        s.connect(("127.0.0.1", port))  # no listener, yet it connects: TCP simultaneous open with itself
        s.sendall(b"GET / HTTP/1.1\r\n\r\n")
        assert s.recv(100).startswith(b"GET / HTTP/1.1")


class _Echo(socketserver.BaseRequestHandler):
    def handle(self):
        data = self.request.recv(1024)
        self.request.sendall(data)  # what a self-connected socket reads back


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def _serve(handler) -> tuple[_Server, str]:
    server = _Server(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def test_an_echoed_request_is_not_ready_and_the_wait_keeps_going():
    server, url = _serve(_Echo)
    try:
        with pytest.raises(http.client.BadStatusLine):  # what broke the old wait, which caught only OSError
            urllib.request.urlopen(url, timeout=2)
        assert answers(url) is False
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="did not answer"):
            wait_http(url, 1.5, name="echo")
        assert time.monotonic() - started >= 1.4
    finally:
        server.shutdown()


def test_the_wait_survives_echoes_and_resets_until_the_server_answers():
    calls = {"n": 0}

    class Flaky(socketserver.BaseRequestHandler):
        def handle(self):
            calls["n"] += 1
            data = self.request.recv(1024)
            if calls["n"] == 1:
                self.request.sendall(data)  # our own request back
            elif calls["n"] == 2:
                self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                # closing with linger 0: a connection reset
            elif calls["n"] == 3:
                self.request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
            else:
                self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    server, url = _serve(Flaky)
    try:
        wait_http(url, 30, name="flaky")
        assert calls["n"] >= 4
    finally:
        server.shutdown()


_SPAWNS_A_GRANDCHILD = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
open(sys.argv[1], "w").write(str(child.pid))
time.sleep(600)
"""


def test_a_failed_start_leaves_no_process_behind(tmp_path):
    """tests/stack.Stack: a server that never answers fails the wait; stop() ends its whole process group."""
    from tests.stack import Stack

    pidfile = tmp_path / "grandchild.pid"
    stack = Stack(tmp_path, dict(os.environ))
    stack.start(["-c", _SPAWNS_A_GRANDCHILD, str(pidfile)], "never-up", f"http://127.0.0.1:{free_port()}/",
                program=sys.executable)
    with pytest.raises(RuntimeError, match="did not answer"):
        stack.wait(seconds=3)
    deadline = time.monotonic() + 10
    while not pidfile.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    grandchild = int(pidfile.read_text())
    server = stack.processes[0][0].pid
    assert _alive(grandchild) and _alive(server)
    stack.stop()
    deadline = time.monotonic() + 10
    while (_alive(grandchild) or _alive(server)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(server) and not _alive(grandchild)
