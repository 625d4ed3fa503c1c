"""`make eval`: replay the evaluation corpus (tests/conversations/, and with --sealed tests/sealed/) against the
trained model.

Starts the real stack (Rasa with the custom actions in process, as `make run` serves them — STACK_ACTIONS=http:
a separate action server — with the REST channel and the HTTP API behind a token, on free ports), replays every
conversation, reads the tracker after every turn, and prints task success, the misunderstood-turn rate, questions
asked, a per-conversation table and the 10 worst conversations.
Writes build/eval/report.md and build/eval/report.json. Exit code 0 unless --min-success is not met.

    .venv/bin/python scripts/eval_conversations.py [--only SUBSTRING] [--jobs 2] [--min-success 0.95]
        [--max-misunderstood 0.05]   (make test runs it with the issue's targets)
    .venv/bin/python scripts/eval_conversations.py --url http://127.0.0.1:5005 --token T   # a running server
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.eval.corpus import CORPUS_DIR, SEALED_DIR, load_corpus  # noqa: E402
from tests.eval.replay import Replayer  # noqa: E402
from tests.eval.report import as_json, markdown, summary  # noqa: E402

OUT = ROOT / "build" / "eval"
TOKEN = "eval-token"
START_SECONDS = 900


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="replay only conversations whose id or file contains this")
    parser.add_argument("--jobs", type=int, default=2, help="conversations replayed at once (default 2)")
    parser.add_argument("--min-success", type=float, default=None,
                        help="exit 1 when task success is below this (0.95 or 95)")
    parser.add_argument("--max-misunderstood", type=float, default=None,
                        help="exit 1 when the misunderstood-turn rate is above this (0.05 or 5)")
    parser.add_argument("--sealed", action="store_true",
                        help="also replay the sealed batches (tests/sealed/), reported and gated apart")
    parser.add_argument("--sealed-only", action="store_true", help="replay only the sealed batches")
    parser.add_argument("--sealed-min-success", type=float, default=None, help="the sealed set's success floor")
    parser.add_argument("--sealed-max-misunderstood", type=float, default=None,
                        help="the sealed set's misunderstood-turn ceiling")
    parser.add_argument("--url", help="use a running Rasa server instead of starting the stack")
    parser.add_argument("--token", default=TOKEN, help="its RASA auth token (with --url)")
    return parser.parse_args(argv)


def start(workdir: Path):
    from tests import stack as stack_module

    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    # Its own policy database, built from the catalogue as it is now (the actions refuse a stale one).
    db_url = f"sqlite:///{workdir / 'policies.db'}"
    subprocess.run([sys.executable, "-m", "policies_db", "build"], cwd=ROOT, check=True,
                   env={**os.environ, "POLICIES_DB_URL": db_url}, stdout=subprocess.DEVNULL)
    # On a machine busy with other servers a start may take longer than the tests' 240 s; a start that fails
    # stops what it started (start_stack).
    stack, _, ports = stack_module.start_stack(workdir, db_url, {"rasa": TOKEN}, start_seconds=START_SECONDS)
    return stack, f"http://127.0.0.1:{ports['rasa']}"


def slots_missing_from_model(base: str, token: str) -> list[str]:
    """Profile fields the loaded model's domain has no slot for: a model older than the domain loses them."""
    from policies_db import FIELDS
    from tests.stack import http

    status, domain = http("GET", f"{base}/domain?token={token}", headers={"Accept": "application/json"})
    if status != 200 or not isinstance(domain, dict):
        return []
    return [name for name in FIELDS if name not in (domain.get("slots") or {})]


def _rate(value: float | None) -> float | None:
    return None if value is None else value / 100 if value > 1 else value


def _gate(name: str, figures: dict, min_success: float | None, max_misunderstood: float | None) -> bool:
    """True when the figures miss a threshold (printed)."""
    failed = False
    if min_success is not None and figures["success_rate"] < min_success:
        print(f"FAIL ({name}): task success {figures['success_rate']:.1%} is below {min_success:.1%}")
        failed = True
    if max_misunderstood is not None and figures["misunderstood_rate"] > max_misunderstood:
        print(f"FAIL ({name}): misunderstood turns {figures['misunderstood_rate']:.1%} are above {max_misunderstood:.1%}")
        failed = True
    return failed


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # The development corpus, then (with --sealed) the sealed batches: reported and gated apart.
    sets = [("development", CORPUS_DIR, _rate(args.min_success), _rate(args.max_misunderstood))]
    if args.sealed:
        sets.append(("sealed", SEALED_DIR, _rate(args.sealed_min_success), _rate(args.sealed_max_misunderstood)))
    if args.sealed_only:
        sets = [("sealed", SEALED_DIR, _rate(args.sealed_min_success), _rate(args.sealed_max_misunderstood))]
    corpora = []
    for name, directory, low, high in sets:
        conversations = load_corpus(directory)
        if args.only:
            conversations = [c for c in conversations if args.only in c.id or args.only in c.file]
        corpora.append((name, conversations, low, high))
    OUT.mkdir(parents=True, exist_ok=True)
    stack = None
    began = time.monotonic()
    if args.url:
        base, token = args.url.rstrip("/"), args.token
    else:
        print(f"Starting Rasa (logs in {OUT / 'stack'})…", flush=True)
        stack, base = start(OUT / "stack")
        token = TOKEN
    results = []
    try:
        lacking = slots_missing_from_model(base, token)
        if lacking:
            print(f"WARNING: the model's domain has no slot for {lacking}: retrain (make train)", flush=True)
        replayer = Replayer(base, token)
        for name, conversations, low, high in corpora:
            print(f"Replaying {len(conversations)} {name} conversations…", flush=True)
            with ThreadPoolExecutor(max(1, args.jobs)) as pool:
                results.append((name, conversations, list(pool.map(replayer.run, conversations)), low, high))
    finally:
        if stack:
            stack.stop()
    failed = False
    for name, conversations, records, low, high in results:
        meta = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "set": name,
                "model": "models/policy-assistant.tar.gz", "seconds": time.monotonic() - began,
                "conversations_file_count": len({c.file for c in conversations}), "model_lacks_slots": lacking}
        stem = "report" if name == "development" else f"{name}-report"
        text = markdown(records, meta)
        (OUT / f"{stem}.md").write_text(text, encoding="utf-8")
        (OUT / f"{stem}.json").write_text(json.dumps(as_json(records, meta), ensure_ascii=False, indent=1),
                                          encoding="utf-8")
        print(f"\n===== {name} set =====\n{text}")
        print(f"Written: {OUT / (stem + '.md')}, {OUT / (stem + '.json')}")
        failed |= _gate(name, summary(records), low, high)
    for name, _, records, _, _ in results:
        figures = summary(records)
        print(f"{name}: task success {figures['success_rate']:.1%}, misunderstood turns {figures['misunderstood_rate']:.1%}"
              f" ({len(records)} conversations)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
