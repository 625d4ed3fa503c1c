"""Dependency audit of the pinned set (requirements.lock) against security/known-findings.yml.

Online, it asks OSV (the database pip-audit uses) about every pinned version and fails on any advisory that
security/known-findings.yml does not list with its exposure. Offline (this build machine cannot reach
api.osv.dev), it cannot discover new advisories: it says so plainly and checks that each listed finding still
matches the lock, so the README's list stays true when the lock changes.

    python scripts/audit.py [--lock requirements.lock] [--findings security/known-findings.yml] [--offline]
Exit codes: 0 audited (or offline check passed), 1 unlisted or stale findings, 2 bad input files.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

import yaml
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
OSV = os.environ.get("OSV_API_URL", "https://api.osv.dev/v1")


def read_lock(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split(";", 1)[0].split("==", 1)
            pins[canonicalize_name(name)] = version.strip()
    return pins


def read_findings(path: Path) -> list[dict]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for entry in entries:
        missing = {"id", "package", "affected", "summary", "exposure"} - set(entry)
        if missing:
            raise ValueError(f"{path}: {entry.get('id', '?')} lacks {', '.join(sorted(missing))}")
        ranges = entry["affected"] if isinstance(entry["affected"], list) else [entry["affected"]]
        try:
            entry["ranges"] = [SpecifierSet(r) for r in ranges]
        except InvalidSpecifier as exc:
            raise ValueError(f"{path}: {entry['id']}: {exc}") from None
    return entries


def applies(entry: dict, pins: dict[str, str]) -> bool:
    version = pins.get(canonicalize_name(entry["package"]))
    return version is not None and any(Version(version) in r for r in entry["ranges"])


def _post(url: str, body: dict, timeout: float) -> dict:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def _get(url: str, timeout: float) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


def osv_findings(pins: dict[str, str], timeout: float = 10) -> list[tuple[str, str, set[str]]]:
    """(package, version, ids and aliases) for every advisory OSV has for a pinned version."""
    queries = [{"package": {"name": n, "ecosystem": "PyPI"}, "version": v} for n, v in sorted(pins.items())]
    found = []
    for start in range(0, len(queries), 500):
        batch = queries[start:start + 500]
        results = _post(f"{OSV}/querybatch", {"queries": batch}, timeout)["results"]
        for query, result in zip(batch, results):
            for vuln in result.get("vulns", []):
                detail = _get(f"{OSV}/vulns/{vuln['id']}", timeout)
                found.append((query["package"]["name"], query["version"], {vuln["id"], *detail.get("aliases", [])}))
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--findings", type=Path, default=ROOT / "security" / "known-findings.yml")
    parser.add_argument("--offline", action="store_true", help="do not try the vulnerability service")
    args = parser.parse_args(argv)
    try:
        pins, findings = read_lock(args.lock), read_findings(args.findings)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        print(f"audit: {exc}", file=sys.stderr)
        return 2
    listed = [f for f in findings if applies(f, pins)]
    stale = [f for f in findings if not applies(f, pins)]
    print(f"audit: {len(pins)} pinned packages, {len(listed)} known findings apply")
    for f in listed:
        print(f"  {f['id']:<16} {f['package']}=={pins[canonicalize_name(f['package'])]}: {f['summary']}\n"
              f"  {'':<16} exposure: {f['exposure']}")
    status = 0
    for f in stale:
        print(f"audit: {f['id']} ({f['package']} {f['affected']}) no longer matches the lock — "
              "remove it from the list and from the README", file=sys.stderr)
        status = 1
    if args.offline:
        print("audit: OFFLINE — new advisories were not looked up (--offline)")
        return status
    try:
        reported = osv_findings(pins)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        print(f"audit: OFFLINE — {OSV} is unreachable from this machine ({getattr(exc, 'reason', exc)}); "
              "new advisories were NOT looked up. Run `make audit` where it is reachable.")
        return status
    known_ids = {f["id"] for f in listed}
    for package, version, ids in reported:
        if not ids & known_ids:
            print(f"audit: NEW {sorted(ids)[0]} in {package}=={version} ({', '.join(sorted(ids))}) — "
                  "upgrade, or list it with its exposure in security/known-findings.yml", file=sys.stderr)
            status = 1
    print(f"audit: online — OSV reported {len(reported)} advisories, {'all listed' if not status else 'see above'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
