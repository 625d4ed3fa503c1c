"""Where a turn's time goes: the simulated firms of conversation_bench.py, served in this process by Rasa's own
MessageProcessor (the trained model, the FastSQL tracker store on SQLite, the in-memory lock store, our Rasa
patches) with the custom actions in this process (`make run`'s default) or, with --actions http, against a real
action server, with every stage timed:

  - each graph node (NLU components one by one, and the policy graph's nodes), summed per turn;
  - tracker store read and write; the conversation lock; the default slot extraction;
  - each custom action call (in process, or HTTP to the action server; its reply validated and uttered);
  - everything else in `Agent.handle_message` (the remainder), and the bare parse of the same texts for scale.

Printed as milliseconds per turn, alone (one firm at a time) and under load (N firms at once). It measures the
parts, not the channel: the REST channel and Sanic add what conversation_bench.py shows beside it.

    .venv/bin/python bench/turn_profile.py [--firms 26] [--concurrent 10] [--actions inprocess|http]
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import functools
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TIMES: dict[str, float] = collections.defaultdict(float)  # stage → seconds, summed over the turns measured


def _timed_async(label_of):
    def wrap(original):
        @functools.wraps(original)
        async def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                TIMES[label_of(*args, **kwargs)] += time.perf_counter() - start
        return timed
    return wrap


def instrument(how: str = "HTTP") -> None:
    """Wrap the stages of a turn with timers (this process only; nothing is patched in the product)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.lock_store import InMemoryLockStore
    from rasa.core.processor import MessageProcessor
    from rasa.engine.graph import GraphNode

    node_call = GraphNode.__call__

    def call(self, *inputs):
        start = time.perf_counter()
        try:
            return node_call(self, *inputs)
        finally:
            TIMES[f"graph node {self._node_name}"] += time.perf_counter() - start

    GraphNode.__call__ = call
    RemoteAction.run = _timed_async(lambda self, *a, **k: f"action {self.name()} ({how})")(RemoteAction.run)
    for name in ("fetch_tracker_and_update_session", "save_tracker", "run_action_extract_slots"):
        setattr(MessageProcessor, name, _timed_async(lambda *a, _n=name, **k: f"processor {_n}")(
            getattr(MessageProcessor, name)))
    original_lock = InMemoryLockStore.lock

    @functools.wraps(original_lock)
    def lock(self, conversation_id, *args, **kwargs):
        context = original_lock(self, conversation_id, *args, **kwargs)

        class Timed:
            async def __aenter__(self_inner):
                start = time.perf_counter()
                value = await context.__aenter__()
                TIMES["lock acquire"] += time.perf_counter() - start
                return value

            async def __aexit__(self_inner, *exc):
                start = time.perf_counter()
                try:
                    return await context.__aexit__(*exc)
                finally:
                    TIMES["lock release"] += time.perf_counter() - start

        return Timed()

    InMemoryLockStore.lock = lock


class InProcessFirm:
    """conversation_bench.Firm's reading of questions, with the turn handled by Rasa in this process."""

    def __init__(self, agent, profile: dict):
        import conversation_bench as cb

        self.cb, self.agent, self.profile = cb, agent, profile
        self.firm = cb.Firm("in-process", profile)
        self.turns = 0

    async def say(self, text: str) -> None:
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        output = CollectingOutputChannel()
        await self.agent.handle_message(UserMessage(text, output, self.firm.sender))
        self.turns += 1
        firm = self.firm
        asked = None
        for m in output.messages:
            custom = m.get("custom") or {}
            if custom.get("type") == "eligibility_results":
                firm.results = custom
            elif custom.get("type") == "checklist":
                asked = [item["field"] for item in custom["items"]]
            asked = self.cb.QUESTIONS.get(m.get("text"), asked)
        firm.asked = asked if asked or firm.results else firm.asked

    async def converse(self) -> "InProcessFirm":
        await self.say(f"你好，我们在{self.profile['city']}")
        for _ in range(20):
            field = None if self.firm.results else self.firm.asked
            if field is None:
                break
            await self.say(self.cb.answer(field, self.profile))
        return self


def table(title: str, turns: int, wall: float) -> None:
    print(f"\n{title}: {turns} turns, {wall / turns * 1000:.1f} ms of wall time per turn\n")
    print("| stage | ms per turn | share of the turn |\n|---|---:|---:|")
    handled = TIMES.get("handle_message", 0.0)
    for label, seconds in sorted(TIMES.items(), key=lambda kv: -kv[1]):
        if label != "handle_message":
            print(f"| {label} | {seconds / turns * 1000:.2f} | {seconds / handled * 100 if handled else 0:.0f} % |")
    print(f"| **the whole turn (Agent.handle_message)** | **{handled / turns * 1000:.2f}** | 100 % |")


async def profile(agent, profiles: list[dict], concurrent: int) -> None:
    from rasa.core.agent import Agent

    handle = Agent.handle_message

    async def timed_handle(self, message):
        start = time.perf_counter()
        try:
            return await handle(self, message)
        finally:
            TIMES["handle_message"] += time.perf_counter() - start

    Agent.handle_message = timed_handle
    for firm in profiles[:2]:  # warm-up: the first turns load lazily
        await InProcessFirm(agent, firm).converse()
    TIMES.clear()
    start = time.perf_counter()
    firms = [await InProcessFirm(agent, p).converse() for p in profiles]
    table("One firm at a time", sum(f.turns for f in firms), time.perf_counter() - start)
    TIMES.clear()
    start = time.perf_counter()
    firms = await asyncio.gather(*(InProcessFirm(agent, profiles[i % len(profiles)]).converse()
                                   for i in range(concurrent)))
    table(f"{concurrent} firms at once", sum(f.turns for f in firms), time.perf_counter() - start)
    texts = ["我们在杭州", "做ITO", "是的", "不是", "主要做软件开发", "不清楚", "1 3", "都没有"] * 20
    start = time.perf_counter()
    for text in texts:
        await agent.parse_message(text)
    print(f"\nBare parse of similar texts, for scale: {(time.perf_counter() - start) / len(texts) * 1000:.2f} ms each")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--firms", type=int, default=26, help="profiles conversed one at a time")
    parser.add_argument("--concurrent", type=int, default=10, help="firms conversing at once")
    parser.add_argument("--actions", choices=("inprocess", "http"), default="inprocess",
                        help="custom actions in this process (make run's default) or over HTTP (the cluster's way)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import logging

    logging.disable(logging.WARNING)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))  # Rasa's debug events
    import conversation_bench as cb
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from bot import rasa_patches
    from bot.stores.tracker_store import FastSQLTrackerStore
    from policies_db.authoring.digest import catalogue_digest
    from policies_db.authoring.store import make_engine, write_catalogue
    from tests.stack import start_stack

    os.environ["POLICY_AS_OF"] = cb.AS_OF.isoformat()
    compiled = cb.CompiledCatalogue(cb.load_catalogue())
    workdir = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    db = f"sqlite:///{workdir / 'policies.db'}"
    engine = make_engine(db)
    write_catalogue(compiled.catalogue, engine, catalogue_digest())
    engine.dispose()
    if args.actions == "http":
        stack, action_port, _ = start_stack(workdir, db, {}, actions="http")  # the action server only
        endpoint = EndpointConfig(f"http://127.0.0.1:{action_port}/webhook")
    else:  # the actions read what the action server would have been given (tests/stack.py's environment)
        stack = None
        os.environ.update({"POLICIES_DB_URL": db, "HANDOFF_DB_URL": f"sqlite:///{workdir / 'handoff.db'}",
                           "PUSH_DB_URL": f"sqlite:///{workdir / 'push.db'}", "POLICY_SKIP_STARTUP_CHECK": "0"})
        endpoint = EndpointConfig("inprocess:actions")
    try:
        rasa_patches.apply()
        instrument("in process" if args.actions == "inprocess" else "HTTP")
        from rasa.shared.core.domain import Domain

        domain = Domain.load(str(ROOT / "domain"))
        store = FastSQLTrackerStore(domain, dialect="sqlite", db=str(workdir / "tracker.db"))
        agent = Agent.load(str(ROOT / "models" / "policy-assistant.tar.gz"), tracker_store=store,
                           action_endpoint=endpoint)
        print(f"Turn profile — {dt.date.today().isoformat()}, {os.cpu_count()} CPU, the trained model in this process, "
              "SQLite tracker store, in-memory lock, "
              + ("custom actions in this process" if args.actions == "inprocess" else "a real action server"))
        asyncio.run(profile(agent, cb.firms()[:args.firms], args.concurrent))
    finally:
        if stack is not None:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
