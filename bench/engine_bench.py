"""Engine benchmark: evaluate / next_question on synthetic catalogues of 100, 1,000 and 10,000 measures.

Each catalogue is written to a SQLite database and read back the way the product loads it.
Timings are per call over a fixed set of random profiles (seeded). Prints a Markdown table.

    .venv/bin/python bench/engine_bench.py [--sizes 100,1000,10000] [--profiles 300]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policies_db import CompiledCatalogue, evaluate_compiled
from policies_db.authoring.store import make_engine, read_catalogue, write_catalogue
from policies_db.authoring.synthetic import random_profile, synthetic_catalogue

AS_OF = dt.date(2024, 6, 30)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn, inputs) -> list[float]:
    out = []
    for item in inputs:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def dialogue_view(ev):
    """What the assistant uses each turn: eligible and undetermined entries with details, counts of the rest."""
    return ([r.contacts for r in ev.eligible], [r.missing for r in ev.undetermined], ev.counts())


def run(size: int, n_profiles: int, rng: random.Random) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        write_catalogue(synthetic_catalogue(size), engine, "bench")
        start = time.perf_counter()
        compiled = CompiledCatalogue(read_catalogue(engine))
        load_ms = (time.perf_counter() - start) * 1000
        engine.dispose()
    profiles = [random_profile(rng, known=rng.choice([0.2, 0.5, 0.8])) for _ in range(n_profiles)]
    for p in profiles[:20]:  # warm-up
        evaluate_compiled(compiled, p, AS_OF)
    evaluate_ms = timed(lambda p: evaluate_compiled(compiled, p, AS_OF), profiles)
    view_ms = timed(lambda p: dialogue_view(evaluate_compiled(compiled, p, AS_OF)), profiles)
    question_ms = timed(lambda p: evaluate_compiled(compiled, p, AS_OF).next_question(), profiles)
    full_n = profiles[: max(10, n_profiles // (10 if size >= 10000 else 1))]
    full_ms = timed(lambda p: evaluate_compiled(compiled, p, AS_OF).to_dict(), full_n)
    return {"size": size, "load": load_ms, "evaluate": evaluate_ms, "view": view_ms, "question": question_ms, "full": full_ms}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--profiles", type=int, default=300)
    args = parser.parse_args(argv)
    rng = random.Random(11)
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        print(f"… {size} measures", file=sys.stderr, flush=True)
        rows.append(run(size, args.profiles, rng))

    print(f"\nEngine benchmark — {dt.date.today().isoformat()}, {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} CPU, {args.profiles} random profiles per size\n")
    print("| measures | load from DB + compile | evaluate p50 / p95 | + dialogue view p50 / p95 "
          "| next_question p50 / p95 | full JSON (all reasons) p50 / p95 |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        cells = [f"{percentile(r[k], 0.5):.2f} / {percentile(r[k], 0.95):.2f} ms" for k in ("evaluate", "view", "question", "full")]
        print(f"| {r['size']:,} | {r['load']:.0f} ms | " + " | ".join(cells) + " |")
    base, top = rows[0], rows[-1]
    growth = percentile(top["evaluate"], 0.95) / percentile(base["evaluate"], 0.95)
    print(f"\nevaluate p95 grows ×{growth:.1f} for ×{top['size'] // base['size']} measures.")
    target = percentile(top["evaluate"], 0.95)
    print(f"Target: evaluate p95 ≤ 10 ms at {top['size']:,} measures — {'met' if target <= 10 else 'NOT met'} ({target:.2f} ms).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
