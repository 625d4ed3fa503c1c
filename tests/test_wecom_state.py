"""WeCom channel state: retries de-duplicated, numbered options and kf cursors — shared through Redis by replicas."""
from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from bot.channels.wecom.state import MemoryState, RedisState, state_from_env
from tests.conftest import _unavailable

REDIS_HOST, REDIS_PORT = os.environ.get("TEST_REDIS_HOST", "127.0.0.1"), int(os.environ.get("TEST_REDIS_PORT", "6379"))


def _replicas(kind: str):
    """Two channel states as two replicas see them."""
    if kind == "memory":
        state = MemoryState()
        return state, state
    prefix = f"test-wecom-{uuid.uuid4().hex[:8]}"
    a, b = RedisState(REDIS_HOST, REDIS_PORT, 3, prefix), RedisState(REDIS_HOST, REDIS_PORT, 3, prefix)
    import redis

    try:  # a plain client: the async ones must first run inside the test's own event loop
        redis.Redis(REDIS_HOST, REDIS_PORT, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        _unavailable(f"Redis at {REDIS_HOST}:{REDIS_PORT}", exc)
    return a, b


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_state_is_shared_between_replicas(kind):
    a, b = _replicas(kind)

    async def scenario():
        assert await a.first_time("msg-1") is True
        assert await b.first_time("msg-1") is False  # WeCom's retry reached the other replica
        assert await b.first_time("msg-2") is True
        await a.set_options("user-1", [("/affirm", "是的"), ("/deny", "不是")])
        assert await b.options("user-1") == [("/affirm", "是的"), ("/deny", "不是")]
        assert await b.options("nobody") == []
        assert await b.cursor("kf-1") is None
        await a.set_cursor("kf-1", "CURSOR-9")
        assert await b.cursor("kf-1") == "CURSOR-9"

    asyncio.run(scenario())


def test_redis_down_answers_rather_than_drops():
    state = RedisState("127.0.0.1", 1, 0, "unreachable")  # nothing listens on port 1

    async def scenario():
        assert await state.first_time("msg") is True
        assert await state.options("user") == []
        await state.set_options("user", [("/affirm", "是的")])  # logged, not raised

    asyncio.run(scenario())


def test_redis_is_used_when_the_cluster_configures_it(monkeypatch):
    monkeypatch.delenv("REDIS_HOST", raising=False)
    assert isinstance(state_from_env(), MemoryState)
    monkeypatch.setenv("REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("REDIS_DB", "1")
    state = state_from_env()
    assert isinstance(state, RedisState) and state.prefix == "policy-assistant:wecom"
