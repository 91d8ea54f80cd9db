"""What the gateway keeps in memory: the registry snapshot and its reloader, the per-client rate
limiter, and the message ids already seen (replay refusal).

All three are per gateway process. The gateway is one asyncio process (granian, one worker) that
serves many connections at once; a second process would have its own limiter and id memory — the
log's unique index still refuses a replay across processes, after the provider has answered.
"""

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections
from django.utils import timezone

from .. import conf, messagelog, services
from . import metrics

logger = logging.getLogger(__name__)
FULL_RELOAD_SECONDS = 60.0


def _load() -> tuple[str, dict]:
    close_old_connections()
    stamp = services.registry_stamp()
    return stamp, services.registry_snapshot()


def _stamp() -> str:
    close_old_connections()
    return services.registry_stamp()


class SnapshotHolder:
    """The compiled registry in memory, replaced whole (readers never see half a reload)."""

    def __init__(self, executor: ThreadPoolExecutor):
        self.executor = executor
        self.snapshot: dict = {}
        self.stamp = ""
        self.loaded_at = 0.0

    async def load(self) -> None:
        loop = asyncio.get_running_loop()
        self.stamp, self.snapshot = await loop.run_in_executor(self.executor, _load)
        self.loaded_at = time.monotonic()
        metrics.SNAPSHOT_LOADED.set_to_current_time()

    async def watch(self) -> None:
        """Poll the registry's change stamp every ``CONGSO_LGSP_GATEWAY_RELOAD_SECONDS``; reload when it
        moved, and every minute regardless."""
        loop = asyncio.get_running_loop()
        interval = conf.gateway_reload_seconds()
        while True:
            await asyncio.sleep(interval)
            try:
                stamp = await loop.run_in_executor(self.executor, _stamp)
                if stamp != self.stamp or time.monotonic() - self.loaded_at > FULL_RELOAD_SECONDS:
                    await self.load()
            except Exception:  # noqa: BLE001 — keep serving the last snapshot while the database is away
                logger.exception("LGSP gateway: snapshot reload failed; keeping the previous one")


class RateLimiter:
    """A token bucket per client system: ``rate_limit_per_minute`` tokens, refilled evenly."""

    def __init__(self):
        self.buckets: dict[str, tuple[float, float]] = {}

    def take(self, client: str, per_minute: int) -> float:
        """0 when the request may pass (a token is taken), else the seconds until one is available."""
        now = time.monotonic()
        capacity = float(max(per_minute, 1))
        tokens, last = self.buckets.get(client, (capacity, now))
        tokens = min(capacity, tokens + (now - last) * capacity / 60.0)
        if tokens >= 1.0:
            self.buckets[client] = (tokens - 1.0, now)
            return 0.0
        self.buckets[client] = (tokens, now)
        return (1.0 - tokens) * 60.0 / capacity


class SeenMessageIds:
    """Message ids in flight or logged within the replay window, loaded from the log at start."""

    def __init__(self):
        self.ids: dict[str, float] = {}
        self.window = conf.replay_window_seconds()

    async def load(self, executor: ThreadPoolExecutor) -> None:
        since = timezone.now() - timezone.timedelta(seconds=self.window)
        loop = asyncio.get_running_loop()
        known = await loop.run_in_executor(executor, messagelog.recent_message_ids, since)
        now = time.monotonic()
        self.ids.update(dict.fromkeys(known, now))

    def claim(self, message_id: str) -> bool:
        """True when ``message_id`` is new (and now taken); False for a replay."""
        if message_id in self.ids:
            return False
        self.ids[message_id] = time.monotonic()
        return True

    def prune(self) -> None:
        cutoff = time.monotonic() - self.window
        for key in [k for k, at in self.ids.items() if at < cutoff]:
            del self.ids[key]
