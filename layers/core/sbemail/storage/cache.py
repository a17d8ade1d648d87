"""The response cache: identical requests answered once, across every container.

Entries live in the service table as ``cache#<storeId>#e<epoch>#<digest>``:

- *pending* — a generation claimed the key (a conditional put, so exactly one caller
  wins); identical requests arriving meanwhile attach to that job instead of starting
  their own;
- *ready* — the finished result, served until its TTL (default 10 minutes).

A per-container LRU answers repeated hits without a DynamoDB read of the entry. Clearing
bumps a cache *epoch* that is part of every key, so it costs the same few calls at any
size; old entries become unreachable at once and are swept later. Hits and misses are
atomic counters shared by all containers, so the hit rate is the service's own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cachetools import TTLCache

from .counters import ExpiryBuckets
from .dynamodb import pack, unpack
from .table import ConditionFailedError, Table

EPOCH_KEY = "cache-epoch"
REQUESTS_KEY = "counter#cache-requests"
MAX_ENTRY_BYTES = 350 * 1024  # below DynamoDB's 400 KB item limit


def current_epoch(table: Table) -> int:
    """The cache epoch now in force (0 before the first clear)."""
    item = table.get(EPOCH_KEY)
    return int(item["epoch"]) if item else 0


def epoch_of(key: str) -> int:
    """The epoch an entry key was made in (keys: ``cache#<scope>#e<epoch>#<digest>``)."""
    return int(key.split("#")[2].removeprefix("e"))


def entry_key(scope: str, epoch: int, digest: str) -> str:
    """The entry key of ``digest`` for ``scope`` (a store id, which never holds ``#``)."""
    return f"cache#{scope}#e{epoch}#{digest}"


def cache_digest(parts: dict[str, Any]) -> str:
    """A digest of the inputs that decide the output, serialised canonically."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Claim:
    """The outcome of asking to generate a key.

    Exactly one of: ``result`` (already cached), ``owner`` (you generate, as job
    ``job_id``), or neither (someone else is generating: attach to ``job_id``).
    """

    key: str
    job_id: str | None = None
    owner: bool = False
    result: dict[str, Any] | None = None


class DynamoDBResponseCache:
    """Response cache on the service table with a per-container LRU in front."""

    def __init__(
        self,
        table: Table,
        ttl_seconds: int,
        pending_ttl_seconds: int,
        max_local_entries: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._table = table
        self._ttl = ttl_seconds
        self._pending_ttl = pending_ttl_seconds
        self._clock = clock
        self.max_local_entries = max_local_entries
        self._local: TTLCache[str, dict[str, Any]] = TTLCache(
            maxsize=max_local_entries, ttl=ttl_seconds, timer=clock
        )
        self._lock = threading.Lock()

    # -- keys and epochs ---------------------------------------------------------------

    def epoch(self) -> int:
        return current_epoch(self._table)

    def _live_counter(self, epoch: int) -> ExpiryBuckets:
        return ExpiryBuckets(self._table, f"cache#e{epoch}", self._ttl, clock=self._clock)

    def key(self, scope: str, digest: str) -> str:
        """The entry key of ``digest`` in ``scope`` (a store id) at the current epoch."""
        return entry_key(scope, self.epoch(), digest)

    # -- lookups and claims -------------------------------------------------------------

    def claim(self, key: str, job_id: str) -> Claim:
        """Serve ``key`` from the cache, or let exactly one caller generate it."""
        with self._lock:
            local = self._local.get(key)
        if local is not None:
            return Claim(key, result=local)
        now = int(self._clock())
        if self._put_pending(
            key,
            job_id,
            condition="attribute_not_exists(pk) OR expires_at <= :now",
            values={":now": now},
        ):
            return Claim(key, job_id=job_id, owner=True)
        item = self._table.get(key)
        if item is None or int(item.get("expires_at", 0)) <= now:
            return self.claim(key, job_id)  # it expired or was released meanwhile
        if item.get("state") == "ready":
            result = unpack(item["result"])
            with self._lock:
                self._local[key] = result
            return Claim(key, result=result)
        return Claim(key, job_id=str(item["job_id"]))

    def take_over(self, key: str, stale_job_id: str, job_id: str) -> bool:
        """Replace a pending claim whose job vanished (e.g. a crash before it was stored)."""
        return self._put_pending(
            key,
            job_id,
            condition="job_id = :stale AND #state = :pending",
            names={"#state": "state"},
            values={":stale": stale_job_id, ":pending": "pending"},
        )

    def _put_pending(
        self,
        key: str,
        job_id: str,
        condition: str,
        values: dict[str, Any],
        names: dict[str, str] | None = None,
    ) -> bool:
        """Write a pending claim for ``job_id`` if ``condition`` holds; say whether it did."""
        item = {
            "pk": key,
            "kind": "cache",
            "state": "pending",
            "job_id": job_id,
            "expires_at": int(self._clock()) + self._pending_ttl,
        }
        try:
            self._table.put(item, condition=condition, names=names, values=values)
        except ConditionFailedError:
            return False
        return True

    def fill(self, key: str, job_id: str, result: dict[str, Any]) -> bool:
        """Store the finished result of the job that claimed ``key``.

        Returns ``False`` when the result is too large to cache (the claim is released)
        or the claim is no longer this job's (the cache was cleared, say).
        """
        blob = pack(result)
        if len(blob) > MAX_ENTRY_BYTES:
            self.release(key, job_id)
            return False
        expires_at = int(self._clock()) + self._ttl
        try:
            self._table.put(
                {
                    "pk": key,
                    "kind": "cache",
                    "state": "ready",
                    "job_id": job_id,
                    "result": blob,
                    "expires_at": expires_at,
                },
                condition="job_id = :job",
                values={":job": job_id},
            )
        except ConditionFailedError:
            return False
        self._live_counter(epoch_of(key)).add(expires_at)
        with self._lock:
            self._local[key] = result
        return True

    def release(self, key: str, job_id: str) -> None:
        """Drop a pending claim (its generation failed), so the next request retries."""
        with contextlib.suppress(ConditionFailedError):
            self._table.delete(
                key,
                condition="job_id = :job AND #state = :pending",
                names={"#state": "state"},
                values={":job": job_id, ":pending": "pending"},
            )

    # -- operations ---------------------------------------------------------------------

    def record(self, hit: bool) -> None:
        """Count a request as a hit or a miss, for every container to see."""
        field = "hits" if hit else "misses"
        self._table.update(REQUESTS_KEY, f"ADD {field} :one", values={":one": 1})

    def clear(self) -> int:
        """Invalidate every entry in constant time; returns how many were live."""
        epoch = self.epoch()
        live = self._live_counter(epoch).live()
        self._table.update(EPOCH_KEY, "ADD epoch :one", values={":one": 1})
        with self._lock:
            self._local.clear()
        return live

    def stats(self) -> dict[str, Any]:
        """The original service's ``responseCache`` stats."""
        counts = self._table.get(REQUESTS_KEY) or {}
        hits, misses = int(counts.get("hits", 0)), int(counts.get("misses", 0))
        total = hits + misses
        return {
            "totalEntries": self._live_counter(self.epoch()).live(),
            "maxEntries": self.max_local_entries,
            "ttlMinutes": self._ttl // 60,
            "hits": hits,
            "misses": misses,
            "hitRate": round(hits / total, 4) if total else 0.0,
        }
