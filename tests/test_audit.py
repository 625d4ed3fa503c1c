"""The dependency audit: listed findings, stale entries, bad files, and new advisories from an OSV-shaped server."""
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / "scripts" / "audit.py"

FINDINGS = """
- id: CVE-2000-0001
  package: Demo_Pkg
  affected: ["<1.0", ">=2.0,<2.5"]
  summary: demo
  exposure: none
"""


def run(tmp_path, lock, findings=FINDINGS, *extra, osv="http://127.0.0.1:9/v1"):
    (tmp_path / "lock.txt").write_text(lock, encoding="utf-8")
    (tmp_path / "findings.yml").write_text(findings, encoding="utf-8")
    env = dict(os.environ, OSV_API_URL=osv)
    return subprocess.run([sys.executable, str(AUDIT), "--lock", str(tmp_path / "lock.txt"),
                           "--findings", str(tmp_path / "findings.yml"), *extra],
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture
def osv_server():
    """A local server answering OSV's querybatch and vulns endpoints: demo-pkg 2.1 has two advisories."""
    class Handler(BaseHTTPRequestHandler):
        def _send(self, body):
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            queries = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["queries"]
            self._send({"results": [{"vulns": [{"id": "GHSA-aaaa"}, {"id": "GHSA-bbbb"}]}
                                    if q["package"]["name"] == "demo-pkg" else {} for q in queries]})

        def do_GET(self):
            vuln = self.path.rsplit("/", 1)[-1]
            self._send({"id": vuln, "aliases": ["CVE-2000-0001"] if vuln == "GHSA-aaaa" else ["CVE-2000-0002"]})

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_the_projects_lock_matches_its_findings_list():
    done = subprocess.run([sys.executable, str(AUDIT), "--offline"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "known findings apply" in done.stdout


def test_listed_finding_is_reported_with_its_exposure(tmp_path):
    done = run(tmp_path, "demo-pkg==2.1\nother==1.0\n")
    assert done.returncode == 0, done.stderr
    assert "CVE-2000-0001" in done.stdout and "exposure: none" in done.stdout
    assert "OFFLINE" in done.stdout and "NOT looked up" in done.stdout


def test_finding_that_no_longer_applies_fails(tmp_path):
    done = run(tmp_path, "demo-pkg==2.5\n", FINDINGS, "--offline")
    assert done.returncode == 1
    assert "no longer matches the lock" in done.stderr


def test_malformed_findings_file_is_a_clear_error(tmp_path):
    done = run(tmp_path, "demo-pkg==2.1\n", "- id: X\n  package: demo-pkg\n")
    assert done.returncode == 2 and "lacks" in done.stderr
    done = run(tmp_path, "demo-pkg==2.1\n", FINDINGS.replace('"<1.0"', '"below one"'))
    assert done.returncode == 2


def test_new_advisory_from_the_service_fails(tmp_path, osv_server):
    done = run(tmp_path, "demo-pkg==2.1\nother==1.0\n", osv=osv_server)
    assert done.returncode == 1
    assert "NEW" in done.stderr and "CVE-2000-0002" in done.stderr
    assert "CVE-2000-0001" not in done.stderr


def test_all_advisories_listed_passes_online(tmp_path, osv_server):
    findings = FINDINGS + FINDINGS.replace("0001", "0002")
    done = run(tmp_path, "demo-pkg==2.1\n", findings, osv=osv_server)
    assert done.returncode == 0, done.stderr
    assert "online — OSV reported 2 advisories, all listed" in done.stdout
