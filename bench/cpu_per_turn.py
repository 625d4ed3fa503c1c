"""CPU per turn: what a turn costs in CPU time across every server process of the stack (Rasa, and the action server
on the HTTP path), beside what a bare parse costs — the figure a busy machine disturbs least (wall-time percentiles
move with whatever else runs; CPU time much less). The simulated firms of conversation_bench.py, one after the other.

    .venv/bin/python bench/cpu_per_turn.py [--actions inprocess|http] [--rounds 2]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TICK = os.sysconf("SC_CLK_TCK")
TEXTS = ["我们在杭州", "做ITO", "是的", "不是", "主要做软件开发", "不清楚", "1 3", "都没有"] * 25


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return [pid] + [p for child in children for p in _tree(int(child))]


def cpu_seconds(stack) -> float:
    """utime + stime of every process the stack started, with their children (Sanic workers)."""
    ticks = 0
    for process, _, _ in stack.processes:
        for pid in _tree(process.pid):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
            except OSError:
                pass
    return ticks / TICK


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actions", choices=("inprocess", "http"), default="inprocess")
    parser.add_argument("--rounds", type=int, default=2, help="conversations per firm profile")
    args = parser.parse_args(argv)
    import conversation_bench as cb

    from policies_db.authoring.digest import catalogue_digest
    from policies_db.authoring.store import make_engine, write_catalogue
    from tests.stack import http, start_stack

    os.environ["POLICY_AS_OF"] = cb.AS_OF.isoformat()
    compiled = cb.CompiledCatalogue(cb.load_catalogue())
    workdir = Path(tempfile.mkdtemp(prefix="bench-cpu-"))
    db = f"sqlite:///{workdir / 'policies.db'}"
    engine = make_engine(db)
    write_catalogue(compiled.catalogue, engine, catalogue_digest())
    engine.dispose()
    stack, _, ports = start_stack(workdir, db, {"rasa": cb.TOKEN}, actions=args.actions)
    base = f"http://127.0.0.1:{ports['rasa']}"
    try:
        profiles = cb.firms()
        for profile in profiles[:3]:  # warm-up: the first turns load lazily
            cb.Firm(base, profile).converse()
        cpu0, wall0 = cpu_seconds(stack), time.perf_counter()
        firms = [cb.Firm(base, p).converse() for p in profiles for _ in range(args.rounds)]
        turns = sum(len(f.latencies) for f in firms)
        cpu1, wall1 = cpu_seconds(stack), time.perf_counter()
        for text in TEXTS:
            http("POST", f"{base}/model/parse?token={cb.TOKEN}", {"text": text})
        cpu2, wall2 = cpu_seconds(stack), time.perf_counter()
    finally:
        stack.stop()
    turn, parse = (cpu1 - cpu0) / turns * 1000, (cpu2 - cpu1) / len(TEXTS) * 1000
    print(f"CPU per turn — actions {args.actions}, {turns} turns, {os.cpu_count()} CPU: {turn:.1f} ms per turn "
          f"(wall {(wall1 - wall0) / turns * 1000:.1f} ms); bare parse {parse:.1f} ms (wall "
          f"{(wall2 - wall1) / len(TEXTS) * 1000:.1f} ms): a turn costs {turn / parse:.2f} parses "
          f"(capacity ratio if CPU-bound {parse / turn:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
