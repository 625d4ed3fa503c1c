"""What the WeCom channel remembers between callbacks: retries seen, each user's numbered options, kf cursors.

One process keeps it in memory. Several Rasa replicas behind a load balancer must share it — WeCom's retry of
a message may reach another replica, and a user's "2" must mean the option another replica offered — so when
REDIS_HOST is set (the cluster's lock store) the state lives in Redis, under WECOM_STATE_PREFIX.
"""
from __future__ import annotations

import json
import logging
import os
import time
from collections import OrderedDict
from typing import Optional

logger = logging.getLogger(__name__)

Options = list[tuple[str, str]]  # (payload, title) of the last numbered quick replies
RETRY_WINDOW = 600  # seconds: WeCom retries a callback within this window
OPTIONS_TTL = 7 * 86400  # a user's numbered options outlive any sensible pause in a conversation


class MemoryState:
    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._seen: "OrderedDict[str, float]" = OrderedDict()
        self._options: "OrderedDict[str, Options]" = OrderedDict()
        self._cursors: dict[str, str] = {}

    async def first_time(self, key: str) -> bool:
        """True the first time a message key is seen within the retry window."""
        now = time.monotonic()
        while self._seen and next(iter(self._seen.values())) < now - RETRY_WINDOW:
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        self._seen[key] = now
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True

    async def options(self, user: str) -> Options:
        return self._options.get(user, [])

    async def set_options(self, user: str, options: Options) -> None:
        self._options[user] = options
        self._options.move_to_end(user)
        while len(self._options) > self.size:
            self._options.popitem(last=False)

    async def cursor(self, open_kfid: str) -> Optional[str]:
        return self._cursors.get(open_kfid)

    async def set_cursor(self, open_kfid: str, cursor: str) -> None:
        self._cursors[open_kfid] = cursor


class RedisState:
    """The same, shared by every replica. If Redis fails, a message is answered rather than dropped."""

    def __init__(self, host: str, port: int = 6379, db: int = 0, prefix: str = "policy-assistant:wecom") -> None:
        import redis.asyncio as redis

        self.redis = redis.Redis(host=host, port=port, db=db, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    async def first_time(self, key: str) -> bool:
        try:
            return bool(await self.redis.set(f"{self.prefix}:seen:{key}", 1, nx=True, ex=RETRY_WINDOW))
        except Exception:
            logger.warning("WeCom state: Redis unavailable, cannot de-duplicate %s", key, exc_info=True)
            return True

    async def options(self, user: str) -> Options:
        try:
            raw = await self.redis.get(f"{self.prefix}:options:{user}")
        except Exception:
            logger.warning("WeCom state: Redis unavailable, no numbered options for %s", user, exc_info=True)
            return []
        return [tuple(pair) for pair in json.loads(raw)] if raw else []

    async def set_options(self, user: str, options: Options) -> None:
        try:
            await self.redis.set(f"{self.prefix}:options:{user}", json.dumps(options, ensure_ascii=False), ex=OPTIONS_TTL)
        except Exception:
            logger.warning("WeCom state: Redis unavailable, options of %s not kept", user, exc_info=True)

    async def cursor(self, open_kfid: str) -> Optional[str]:
        raw = await self.redis.get(f"{self.prefix}:cursor:{open_kfid}")  # no cursor guessing: fail loudly
        return raw.decode() if raw else None

    async def set_cursor(self, open_kfid: str, cursor: str) -> None:
        await self.redis.set(f"{self.prefix}:cursor:{open_kfid}", cursor)


def state_from_env():
    host = os.environ.get("REDIS_HOST")
    if not host:
        return MemoryState()
    return RedisState(host, int(os.environ.get("REDIS_PORT") or 6379), int(os.environ.get("REDIS_DB") or 0),
                      os.environ.get("WECOM_STATE_PREFIX") or "policy-assistant:wecom")
