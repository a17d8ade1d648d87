"""Operations use cases: stats, clearing the cache, sweeping expired items.

The stats keep the original service's shape so its dashboards and scripts keep working;
every figure is measured (live counts come from atomic counters, not table scans).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..domain import BlockLibrary
from ..storage import DynamoDBJobStore, DynamoDBResponseCache, TableSweeper


@dataclass(frozen=True)
class Limits:
    store_ttl_minutes: int
    store_max_entries: int
    # The library ships in the layer and never changes under a running container, so the
    # block cache does not expire: null, where the original reported its 30-minute reload.
    block_cache_ttl_minutes: int | None = None


class OperationsService:
    """What operators ask of the service."""

    def __init__(
        self,
        store: DynamoDBJobStore,
        cache: DynamoDBResponseCache,
        sweeper: TableSweeper,
        library: BlockLibrary,
        pool_stats: Callable[[], dict[str, Any]],
        limits: Limits,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._cache = cache
        self._sweeper = sweeper
        self._library = library
        self._pool_stats = pool_stats
        self._limits = limits
        self._clock = clock

    def stats(self) -> dict[str, Any]:
        return {
            "timestamp": datetime.fromtimestamp(self._clock(), UTC).isoformat(),
            "store": {
                "totalEntries": self._store.live(),
                "maxEntries": self._limits.store_max_entries,
                "ttlMinutes": self._limits.store_ttl_minutes,
            },
            "threadPool": self._pool_stats(),
            "responseCache": self._cache.stats(),
            "blockCache": self._library.stats().as_dict(self._limits.block_cache_ttl_minutes),
        }

    def clear_cache(self) -> int:
        """Invalidate every cached response; returns how many were live."""
        return self._cache.clear()

    def cleanup(self) -> dict[str, Any]:
        """Remove expired store and cache items now (one bounded pass)."""
        return self._sweeper.sweep().as_dict()
