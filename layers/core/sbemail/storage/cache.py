"""The response cache: identical requests answered once, across every container.

Entries live in the service table as ``cache#<storeId>#e<epoch>#<digest>``:

- *pending* — a generation claimed the key (a conditional put, so exactly one caller
  wins); identical requests arriving meanwhile attach to that job instead of starting
  their own. The claim records when it was made (``claimed_ms``): its job is stored
  just after it, so the service waits a moment for a young claim's job and takes over
  only a claim whose job never appeared (``GenerationService.admit``);
- *ready* — the finished result, served until its TTL (default 10 minutes).

The TTL is adaptive: every hit slides the entry's expiry to ``now + base TTL`` in one
conditional update, but never past ``filled_at + max TTL`` (default 24 hours), the cap
that bounds how old a served result can be. An entry never hit goes at the base TTL.
Warmed entries (filled ahead of a campaign, see ``service.warming``) start at the cap.
Hits are checked against DynamoDB by that update, so an entry is not served past its
expiry, even from a container's LRU; a container holds back the hits of a hot entry for
at most 10 seconds after its last write (``TOUCH_INTERVAL_SECONDS``) and only while the
entry has longer than that to live.

A hit is one round trip (``cache_hits``): the sliding update is conditional on a ready,
live entry and returns it whole; when its condition fails, the item it found comes back
with the failure, so joining a generation in flight costs that one call too. A
per-container LRU answers repeated hits without reading the entry back (the hit's
update still goes to DynamoDB, and is billed on the entry's size: results are stored
compressed). Clearing bumps a cache *epoch* that is part of every key, so it costs the
same few calls at any size; old entries become unreachable at once in the clearing
container, within ``EPOCH_MEMO_SECONDS`` in the others, and are swept later. Hits and
misses are atomic counters shared by all containers, so the hit rate is the service's
own; they and the live-entry counters' moves are held per container and written
together (``held_counts.HeldCounts``), not on each hit.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

from .cache_entries import EPOCH_KEY, Claim, ReadyEntry, current_epoch, entry_key, epoch_of
from .cache_hits import MAX_LOCAL_BYTES, EntryHits, LocalBudget
from .cache_usage import (
    LiveEntryCounters,
    distributions,
    hit_class,
    last_hour,
    request_increments,
)
from .cache_usage import window_keys as minute_window_keys
from .dynamodb import pack_sized
from .held_counts import HeldCounts
from .table import ConditionFailedError, Table

REQUESTS_KEY = "counter#cache-requests"
MAX_ENTRY_BYTES = 350 * 1024  # below DynamoDB's 400 KB item limit
DEFAULT_MAX_TTL_SECONDS = 24 * 3600
EPOCH_MEMO_SECONDS = 1.0
"""How long a container uses the cache epoch it read before reading it again."""


class DynamoDBResponseCache:
    """Response cache on the service table with a per-container LRU in front."""

    def __init__(
        self,
        table: Table,
        ttl_seconds: int,
        pending_ttl_seconds: int,
        max_local_entries: int,
        clock: Callable[[], float] = time.time,
        max_ttl_seconds: int = DEFAULT_MAX_TTL_SECONDS,
        held: HeldCounts | None = None,
        max_local_bytes: int = MAX_LOCAL_BYTES,
    ) -> None:
        if max_ttl_seconds < ttl_seconds:
            raise ValueError("the maximum cache TTL must not be below the base TTL")
        self._table = table
        self._ttl = ttl_seconds
        self._max_ttl = max_ttl_seconds
        self._pending_ttl = pending_ttl_seconds
        self._clock = clock
        self.max_local_entries = max_local_entries
        self._lock = threading.Lock()
        self._counters = LiveEntryCounters(table, ttl_seconds, max_ttl_seconds, clock)
        self._epoch_memo: tuple[int, float] | None = None  # (epoch, when read)
        # hits, misses and live-entry moves, written together (shared with the job store)
        self._held = held or HeldCounts(table, clock)
        self._hits = EntryHits(
            table,
            ttl_seconds,
            LocalBudget(max_local_entries, max_local_bytes),
            self._counters,
            self._held,
            clock,
        )

    # -- keys and epochs ---------------------------------------------------------------

    def epoch(self) -> int:
        """The cache epoch, read at most once per ``EPOCH_MEMO_SECONDS`` per container: a
        clear in this container is seen at once, in another within that time."""
        now = self._clock()
        with self._lock:
            memo = self._epoch_memo
        if memo is not None and 0 <= now - memo[1] < EPOCH_MEMO_SECONDS:
            return memo[0]
        epoch = current_epoch(self._table)
        with self._lock:
            self._epoch_memo = (epoch, now)
        return epoch

    def key(self, scope: str, digest: str) -> str:
        """The entry key of ``digest`` in ``scope`` (a store id) at the current epoch."""
        return entry_key(scope, self.epoch(), digest)

    # -- lookups and claims -------------------------------------------------------------

    def claim(self, key: str, job_id: str, warm: bool = False, pending_until: int = 0) -> Claim:
        """Serve ``key`` from the cache, or let exactly one caller generate it.

        A served entry's life is extended (``EntryHits.touch``); with ``warm`` it is extended to
        its cap instead, and no hit is counted. ``pending_until`` keeps a claim this
        caller wins until then rather than for the pending TTL (see ``_put_pending``).
        """
        local = self._hits.remembered(key)
        if local is not None:
            extended = self._hits.touch(key, local, warm)
            if extended is not None:
                return Claim(key, result=local.result, extended=extended)
            self._hits.forget(key)  # gone from the table: so from here too
        elif not warm:
            served = self._hits.serve(key)
            if served is not None:
                return served
        now = int(self._clock())
        if self._put_pending(
            key,
            job_id,
            condition="attribute_not_exists(pk) OR expires_at <= :now",
            values={":now": now},
            warm=warm,
            pending_until=pending_until,
        ):
            return Claim(key, job_id=job_id, owner=True)
        item = self._table.get(key)
        if item is None or int(item.get("expires_at", 0)) <= now:
            # it expired or was released meanwhile
            return self.claim(key, job_id, warm, pending_until)
        if item.get("state") == "ready":
            entry = ReadyEntry.from_item(item)
            extended = self._hits.touch(key, entry, warm)
            if extended is None:  # it expired since the read
                return self.claim(key, job_id, warm, pending_until)
            return Claim(key, result=entry.result, extended=extended)
        if warm and not self._mark_warm(key, str(item["job_id"])):
            # it was filled or released meanwhile
            return self.claim(key, job_id, warm, pending_until)
        return Claim.pending(key, item)

    def take_over(
        self,
        key: str,
        stale_job_id: str,
        job_id: str,
        warm: bool = False,
        pending_until: int = 0,
    ) -> bool:
        """Replace a pending claim whose job vanished (e.g. a crash before it was stored)."""
        return self._put_pending(
            key,
            job_id,
            condition="job_id = :stale AND #state = :pending",
            names={"#state": "state"},
            values={":stale": stale_job_id, ":pending": "pending"},
            warm=warm,
            pending_until=pending_until,
        )

    def _mark_warm(self, key: str, job_id: str) -> bool:
        """Ask the pending job's ``fill`` for a warmed entry; ``False`` if no longer pending."""
        return self._set_if(key, job_id, "pending", "SET warm = :value", True)

    def _set_if(self, key: str, job_id: str, state: str, expression: str, value: Any) -> bool:
        """Apply ``expression`` (with ``:value``) to ``job_id``'s entry while it is in
        ``state``; ``False`` when it no longer is (filled, released, or another job's)."""
        try:
            self._table.update(
                key,
                expression,
                condition="job_id = :job AND #state = :state",
                names={"#state": "state"},
                values={":value": value, ":job": job_id, ":state": state},
            )
        except ConditionFailedError:
            return False
        return True

    def _put_pending(
        self,
        key: str,
        job_id: str,
        condition: str,
        values: dict[str, Any],
        names: dict[str, str] | None = None,
        warm: bool = False,
        pending_until: int = 0,
    ) -> bool:
        """Write a pending claim for ``job_id`` if ``condition`` holds; say whether it did.
        A ``warm`` claim asks ``fill`` for a warmed entry.

        The claim lives for the pending TTL (an ordinary job's life), or until
        ``pending_until`` when that is later: an economy job waits up to a day for its
        batch, and identical requests must keep finding it meanwhile. Either way the
        job's ``fill`` replaces the claim, or its failure ``release``s it.
        """
        now = self._clock()
        expires_at = max(int(now) + self._pending_ttl, pending_until)
        item = {
            "pk": key,
            "kind": "cache",
            "state": "pending",
            "job_id": job_id,
            "warm": warm,
            "claimed_ms": int(now * 1000),
            "expires_at": expires_at,
        }
        try:
            self._table.put(item, condition=condition, names=names, values=values)
        except ConditionFailedError:
            return False
        return True

    def fill(self, key: str, job_id: str, result: dict[str, Any]) -> bool:
        """Store the finished result of the job that claimed ``key``.

        It lives for the base TTL (each hit slides it on, up to the cap), or, when a
        warm-up claimed or joined the job (the claim is marked ``warm``), for the whole
        cap: a warmed entry must outlast the night before the campaign it was warmed
        for. The mark is read from the claim this write replaces, at no extra read.

        Returns ``False`` when the result is too large to cache (the claim is released)
        or the claim is no longer this job's (the cache was cleared, say).
        """
        blob, size = pack_sized(result)
        if len(blob) > MAX_ENTRY_BYTES:
            self.release(key, job_id)
            return False
        now = int(self._clock())
        cap_at = now + self._max_ttl
        expires_at = now + self._ttl
        try:
            claim = self._table.put(
                {
                    "pk": key,
                    "kind": "cache",
                    "state": "ready",
                    "job_id": job_id,
                    "result": blob,
                    "filled_at": now,
                    "cap_at": cap_at,
                    "hits": 0,
                    "expires_at": expires_at,
                },
                condition="job_id = :job",
                values={":job": job_id},
                returns="ALL_OLD",
            )
        except ConditionFailedError:
            return False
        if claim.get("warm") and self._promote(key, job_id, cap_at):
            expires_at = cap_at
        counter = self._counters.counter(epoch_of(key), capped=expires_at >= cap_at)
        self._held.add(counter.increment(expires_at, 1, hit_class(0)))
        entry = ReadyEntry(result, job_id, expires_at, cap_at, touched_at=now, size=size)
        self._hits.remember(key, entry)
        return True

    def _promote(self, key: str, job_id: str, cap_at: int) -> bool:
        """Give a just-filled entry its whole cap (it was warmed)."""
        return self._set_if(key, job_id, "ready", "SET expires_at = :value", cap_at)

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
        """Count a request as a hit or a miss, for every container to see (in total and
        in this minute's counter, for the last hour's hit rate); written with this
        container's other counts of the last few seconds (``RequestCounts``)."""
        self._held.add(*request_increments(REQUESTS_KEY, hit, self._clock()))

    def clear(self) -> int:
        """Invalidate every entry in constant time; returns how many were live."""
        self._held.flush()  # what this container counted, before the count is read
        epoch = current_epoch(self._table)  # not the memo: the epoch this clear ends
        buckets, _ = self._counters.read(epoch)
        live = max(0, sum(bucket.live for bucket in buckets))
        bumped = self._table.update(
            EPOCH_KEY, "ADD epoch :one", values={":one": 1}, returns="UPDATED_NEW"
        )
        self._hits.forget_all()
        with self._lock:
            self._epoch_memo = (int(bumped.get("epoch", epoch + 1)), self._clock())
        return live

    def stats(self) -> dict[str, Any]:
        """The original service's ``responseCache`` stats, and the adaptive TTL's (this
        container's held-back hit and miss counts written first)."""
        self._held.flush()
        counts = self._table.get(REQUESTS_KEY) or {}
        hits, misses = int(counts.get("hits", 0)), int(counts.get("misses", 0))
        total = hits + misses
        now = self._clock()
        buckets, found = self._counters.read(self.epoch(), minute_window_keys(now))
        return {
            "totalEntries": max(0, sum(bucket.live for bucket in buckets)),
            "maxEntries": self.max_local_entries,
            "ttlMinutes": self._ttl // 60,
            "hits": hits,
            "misses": misses,
            "hitRate": round(hits / total, 4) if total else 0.0,
            "maxTtlMinutes": self._max_ttl // 60,
            **distributions(buckets, now),
            "lastHour": last_hour(found, now),
        }
