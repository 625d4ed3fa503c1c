"""Conversation benchmark: simulated firms hold full conversations over REST against a real stack.

Starts its own Rasa server (the trained model, SQLite tracker store, the custom actions in process as `make run`
runs them, or with --actions http a separate action server) on free ports — one process, then `make run`'s default
of one Sanic worker per core with a Redis lock store — then the cluster (scripts/cluster.py: action servers over
HTTP) with 1 and with 2 Rasa replicas, and measures, in one run on this machine:
  - single conversation: per-turn latency p50/p95;
  - capacity: 20 concurrent conversations without pauses (turns/s) beside bare /model/parse requests/s on
    similar texts at the same concurrency;
  - realistic load: 50 and 100 conversations, 2 s between a firm's messages: per-turn p50/p95/p99;
  - scale-out: capacity and realistic load through nginx with 1 and 2 Rasa replicas;
  - dialogue efficiency: questions asked ÷ 15 profile fields, with the results checked against the engine;
  - cost: training from scratch, server start to first answer, resident memory of Rasa and the actions.

    .venv/bin/python bench/conversation_bench.py [--realistic 50 100] [--pause 2] [--workers 2] [--skip-cluster]
        [--skip-train] [--actions inprocess|http]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from policies_db import FIELD_ORDER, CompiledCatalogue, evaluate_compiled, load_catalogue  # noqa: E402
from policies_db.profile import normalize_profile  # noqa: E402
from scripts.local_servers import free_block  # noqa: E402
from tests.stack import http, start_stack  # noqa: E402

TOKEN = "bench-token"
AS_OF = dt.date(2026, 11, 22)
FIELD_WORDS = {"software_it": "软件开发", "digital_tech": "人工智能", "pharma_rd": "医药研发", "design": "工业设计",
               "accounting_legal": "法律服务", "business_operations": "呼叫中心", "producer_services": "生产性服务",
               "training": "培训服务"}
YES_NO = {True: "是的", False: "不是"}


def firms() -> list[dict]:
    """Profiles of the catalogue's cases that are complete enough to converse about."""
    out = []
    for path in sorted((ROOT / "policies_db" / "catalogue" / "cases").glob("*.yml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            profile = normalize_profile(case["profile"])
            if profile.get("city") and profile.get("city") != "上海":
                out.append(profile)
    return out


def checklist_answer(items: list[str], profile: dict) -> str:
    """A firm's reply to the checklist: the numbers that apply, then those it is unsure of."""
    yes = [str(i) for i, f in enumerate(items, 1) if profile.get(f) is True]
    unsure = [str(i) for i, f in enumerate(items, 1) if profile.get(f) is None]
    if not yes and len(unsure) == len(items):
        return "不清楚"
    parts = [" ".join(yes)] if yes else []
    if unsure:
        parts.append(f"第{'、'.join(unsure)}项不清楚")
    if not yes:
        parts.append("其他都没有" if unsure else "都没有")
    return "，".join(parts)


def answer(field, profile: dict) -> str:
    if isinstance(field, list):  # the checklist: its items
        return checklist_answer(field, profile)
    value = profile.get(field)
    if value is None:
        return "不清楚"
    if field == "city":
        return f"我们在{value}"
    if field == "service_types":
        return "做" + "和".join(value) if value else "不做服务外包"
    if field == "fields":
        return "主要做" + "、".join(FIELD_WORDS[v] for v in value) if value else "都不是"
    if field == "employees":
        return f"{value}人"
    return YES_NO[bool(value)]


def _questions() -> dict[str, str]:
    """Question text → profile field, from the domain's utter_ask_* responses."""
    responses = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        responses.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {})
    return {variant["text"]: name[len("utter_ask_"):] for name, variants in responses.items()
            if name.startswith("utter_ask_") and name[len("utter_ask_"):] in FIELD_ORDER for variant in variants}


QUESTIONS = _questions()


class Firm:
    """A simulated firm: reads the assistant's question from its reply, as a person would, and answers it."""

    def __init__(self, base: str, profile: dict):
        self.base, self.profile, self.sender = base, profile, f"bench-{uuid.uuid4().hex[:10]}"
        self.latencies: list[float] = []
        self.questions = 0
        self.results = None
        self.asked: str | list[str] | None = None  # a field, or the checklist's fields

    def say(self, text: str) -> list[dict]:
        start = time.perf_counter()
        status, body = http("POST", f"{self.base}/webhooks/rest/webhook", {"sender": self.sender, "message": text},
                            timeout=120)
        self.latencies.append((time.perf_counter() - start) * 1000)
        assert status == 200, body
        asked = None
        for m in body:
            custom = m.get("custom") or {}
            if custom.get("type") == "eligibility_results":
                self.results = custom
            elif custom.get("type") == "checklist":
                asked = [item["field"] for item in custom["items"]]
            asked = QUESTIONS.get(m.get("text"), asked)
        # No new question and no results: the assistant asked again (e.g. "did not understand").
        self.asked = asked if asked or self.results else self.asked
        return body

    def converse(self, pause: float = 0.0) -> "Firm":
        self.say(f"你好，我们在{self.profile['city']}")
        for _ in range(20):
            field = None if self.results else self.asked
            if field is None:
                break
            self.questions += 1
            if pause:
                time.sleep(pause)
            self.say(answer(field, self.profile))
        return self


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def rss_mb(pid: int) -> float:
    total = 0
    for p in [pid] + [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def capacity(base: str, profiles: list[dict], n: int, rounds: int = 3) -> tuple[float, float]:
    """turns/s of n conversations without pauses, and bare /model/parse requests/s at the same concurrency."""
    t0 = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        loaded = list(pool.map(lambda i: Firm(base, profiles[i % len(profiles)]).converse(), range(n * rounds)))
    turns_s = sum(len(f.latencies) for f in loaded) / (time.perf_counter() - t0)
    texts = ["我们在杭州", "做ITO", "是的", "不是", "主要做软件开发", "不清楚", "1 3", "都没有"] * (10 * rounds)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        list(pool.map(lambda t: http("POST", f"{base}/model/parse?token={TOKEN}", {"text": t}), texts))
    return turns_s, len(texts) / (time.perf_counter() - t0)


def realistic(base: str, profiles: list[dict], n: int, pause: float) -> list[float]:
    """n firms chatting at once, each pausing between messages. Firms arrive spread over the first pause (as
    visitors do), not all in the same millisecond — a synchronized burst would measure the burst, not the load."""
    def firm(i: int) -> Firm:
        time.sleep(pause * i / n)
        return Firm(base, profiles[i % len(profiles)]).converse(pause)

    with ThreadPoolExecutor(n) as pool:
        loaded = list(pool.map(firm, range(n)))
    return [x for f in loaded for x in f.latencies]


REALISTIC_TARGETS = {50: "p95 ≤ 150 ms", 100: "p95 ≤ 300 ms"}


def load_rows(label: str, base: str, profiles: list[dict], args) -> list[tuple[str, str, str]]:
    turns_s, parses_s = capacity(base, profiles, args.capacity)
    rows = [(f"{label}: capacity, {args.capacity} conversations, no pause",
             f"{turns_s:.1f} turns/s vs {parses_s:.1f} parses/s (ratio {turns_s / parses_s:.2f})", "ratio ≥ 0.6")]
    for firms_at_once in args.realistic:
        lat = realistic(base, profiles, firms_at_once, args.pause)
        rows.append((f"{label}: {firms_at_once} conversations, {args.pause:g} s pauses, per turn",
                     f"p50 {pct(lat, .5):.0f} · p95 {pct(lat, .95):.0f} · p99 {pct(lat, .99):.0f} ms",
                     REALISTIC_TARGETS.get(firms_at_once, "—")))
    return rows


def single_process(profiles: list[dict], compiled, args, workers: int = 1) -> list[tuple[str, str, str]]:
    """`make run`'s topology: Rasa (one process, or `workers` Sanic workers with a Redis lock store, as
    scripts/serve.sh runs it by default) with the custom actions in process (or one action server with
    --actions http), SQLite. The per-conversation rows come from the first run."""
    from policies_db.authoring.digest import catalogue_digest
    from policies_db.authoring.store import make_engine, write_catalogue

    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    db = f"sqlite:///{workdir / 'policies.db'}"
    engine = make_engine(db)
    write_catalogue(compiled.catalogue, engine, catalogue_digest())
    engine.dispose()
    started = time.perf_counter()
    stack, _, ports = start_stack(workdir, db, {"rasa": TOKEN}, workers=workers, actions=args.actions)
    base = f"http://127.0.0.1:{ports['rasa']}"
    Firm(base, profiles[0]).say("你好")
    start_to_answer = time.perf_counter() - started
    rows = []
    label = "one process" if workers == 1 else f"make run, {workers} workers"
    try:
        if workers > 1:
            rows += load_rows(label, base, profiles, args)
            pid = next(proc.pid for proc, _, log in stack.processes if log.stem == "rasa")
            rows.append((f"{label}: resident memory", f"Rasa {rss_mb(pid):.0f} MB in all "
                         f"({rss_mb(pid) / (workers + 1):.0f} MB per process)", "≤ 1.2 GB per worker"))
            return rows
        single = [Firm(base, p).converse() for p in profiles for _ in range(3)]
        lat = [x for f in single for x in f.latencies]
        rows.append(("single conversation, per turn", f"p50 {pct(lat, .5):.0f} ms · p95 {pct(lat, .95):.0f} ms",
                     "p95 ≤ 100 ms"))
        ok = all(f.results and {e["id"] for e in f.results["eligible"]}
                 == {r.id for r in evaluate_compiled(compiled, f.profile, AS_OF).eligible} for f in single)
        efficiency = statistics.mean(f.questions for f in single) / len(FIELD_ORDER)
        rows.append(("questions asked ÷ 15 fields", f"{efficiency:.2f} (results correct: {'yes' if ok else 'NO'})",
                     "≤ 0.6"))
        rows += load_rows(label, base, profiles, args)
        rows.append(("server start to first answer", f"{start_to_answer:.0f} s", "—"))
        pids = {log.stem: proc.pid for proc, _, log in stack.processes}
        actions_mb = f" · actions {rss_mb(pids['actions']):.0f} MB" if "actions" in pids else " (actions in it)"
        rows.append(("resident memory", f"Rasa {rss_mb(pids['rasa']):.0f} MB{actions_mb}", "—"))
    finally:
        stack.stop()
    return rows


def cluster(replicas: int, profiles: list[dict], args) -> list[tuple[str, str, str]]:
    """The production topology (scripts/cluster.py): nginx, N Rasa replicas, PostgreSQL, Redis lock store."""
    port = free_block(40)
    env = {**os.environ, "REPLICAS": str(replicas), "ACTION_SERVERS": "1", "CLUSTER_PORT": str(port),
           "CLUSTER_DIR": str(ROOT / "build" / "bench-cluster"), "CLUSTER_DB": "policy_assistant_bench",
           "RASA_AUTH_TOKEN": TOKEN, "REDIS_DB": "2"}
    script = [sys.executable, str(ROOT / "scripts" / "cluster.py")]
    up = subprocess.run(script + ["start"], env=env, capture_output=True, text=True)
    try:
        if up.returncode != 0:
            return [(f"cluster, {replicas} replica(s)", "did not start: " + (up.stderr or up.stdout)[-300:], "—")]
        base = f"http://127.0.0.1:{port}"
        Firm(base, profiles[0]).converse()  # warm up every replica's first turn
        return load_rows(f"cluster, {replicas} Rasa replica{'s' if replicas > 1 else ''}", base, profiles, args)
    finally:
        subprocess.run(script + ["stop"], env=env, capture_output=True)


def training_time() -> float:
    """`rasa train` from scratch (no cache) into a scratch directory; the project's model is left alone."""
    out = Path(tempfile.mkdtemp(prefix="bench-train-"))
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    t0 = time.perf_counter()
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "rasa"), "train", "--domain", "domain", "--force",
                           "--out", str(out), "--fixed-model-name", "bench"], cwd=ROOT,
                          env={**env, "RASA_CACHE_DIRECTORY": str(out / "cache")}, capture_output=True, text=True)
    if done.returncode != 0:  # the other figures are still worth printing
        print(f"training failed (exit {done.returncode}): {done.stderr.strip()[-400:]}", file=sys.stderr)
        return float("nan")
    return time.perf_counter() - t0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--realistic", type=int, nargs="+", default=[50, 100],
                        help="firms chatting at once in the realistic load (one run each)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="make run's Sanic workers (default: the machine's cores; 1 skips that run)")
    parser.add_argument("--capacity", type=int, default=20)
    parser.add_argument("--pause", type=float, default=2.0)
    parser.add_argument("--skip-cluster", action="store_true", help="no scale-out figures (needs PostgreSQL, Redis, nginx)")
    parser.add_argument("--skip-train", action="store_true", help="do not time training from scratch")
    parser.add_argument("--actions", choices=("inprocess", "http"), default="inprocess",
                        help="make run's stacks: custom actions in each Rasa process (the default) or over HTTP")
    args = parser.parse_args(argv)
    os.environ["POLICY_AS_OF"] = AS_OF.isoformat()
    compiled = CompiledCatalogue(load_catalogue())
    profiles = firms()
    print("conversation benchmark: one process (make run's topology)…", file=sys.stderr, flush=True)
    rows = single_process(profiles, compiled, args)
    if args.workers > 1:
        print(f"conversation benchmark: make run's default, {args.workers} workers…", file=sys.stderr, flush=True)
        rows += single_process(profiles, compiled, args, workers=args.workers)
    if not args.skip_cluster:
        for replicas in (1, 2):
            print(f"conversation benchmark: cluster with {replicas} Rasa replica(s)…", file=sys.stderr, flush=True)
            rows += cluster(replicas, profiles, args)
    if not args.skip_train:
        print("conversation benchmark: training from scratch…", file=sys.stderr, flush=True)
        rows.append(("training from scratch (`rasa train --force`)", f"{training_time() / 60:.1f} min", "—"))
    print(f"\nConversation benchmark — {dt.date.today().isoformat()}, {platform.node() or 'this machine'}, "
          f"{os.cpu_count()} CPU, {len(profiles)} firm profiles (one process: SQLite tracker store, custom actions "
          f"{'in process' if args.actions == 'inprocess' else 'over HTTP'}; cluster: nginx, PostgreSQL tracker store, "
          "Redis lock store, 1 action server)\n")
    print("| measure | result | target |\n|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
