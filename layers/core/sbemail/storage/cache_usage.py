"""How the response cache is used, measured from counters (never a table scan).

Three views an operator asks for when tuning the adaptive TTL:

- live entries by how often they were hit (hit-count classes, kept as tallies on the
  cache's expiry counters, so an entry's class moves with its hits);
- live entries by how long they have left (the expiry buckets themselves);
- the hit rate of the last hour, from one small counter per minute that DynamoDB's TTL
  removes two hours later.

``LiveEntryCounters`` keeps the first two: per cache epoch, entries still sliding (they
expire within the base TTL) in 10-second buckets, entries at their cap (warmed, or hit
until the cap) in 15-minute buckets, each bucket split by hit class.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from .counters import BucketCount, ExpiryBuckets
from .held_counts import Increment
from .table import Table

HIT_CLASSES = ((0, "0"), (1, "1"), (2, "2-4"), (5, "5-9"), (10, "10-49"), (50, "50+"))
"""Lower bounds and labels of the hit-count classes, smallest first."""

REMAINING_CLASSES = (
    (60, "<1m"),
    (300, "1-5m"),
    (600, "5-10m"),
    (3600, "10-60m"),
    (6 * 3600, "1-6h"),
    (None, "6h+"),
)
"""Upper bounds (seconds left) and labels of the remaining-TTL classes."""

MINUTE_PREFIX = "counter#cache-minute#"
WINDOW_MINUTES = 60
_MINUTE_COUNTER_LIFE = 2 * 3600


def hit_class(hits: int) -> str:
    """The label of the class ``hits`` falls in."""
    label = HIT_CLASSES[0][1]
    for lower, name in HIT_CLASSES:
        if hits >= lower:
            label = name
    return label


def remaining_class(seconds: float) -> str:
    for upper, name in REMAINING_CLASSES:
        if upper is None or seconds <= upper:
            return name
    return REMAINING_CLASSES[-1][1]


def minute_key(now: float) -> str:
    return f"{MINUTE_PREFIX}{int(now // 60)}"


def minute_counter_expiry(now: float) -> int:
    """When a minute's counter may go: well after it left the hour it is read in."""
    return (int(now // 60) + 1) * 60 + _MINUTE_COUNTER_LIFE


def window_keys(now: float) -> list[str]:
    """The minute counters of the last hour, this minute included."""
    current = int(now // 60)
    return [
        f"{MINUTE_PREFIX}{minute}" for minute in range(current - WINDOW_MINUTES + 1, current + 1)
    ]


def last_hour(found: dict[str, dict[str, Any]], now: float) -> dict[str, Any]:
    """Hits, misses and hit rate summed over the last hour's minute counters."""
    hits = misses = 0
    for key in window_keys(now):
        item = found.get(key) or {}
        hits += int(item.get("hits", 0))
        misses += int(item.get("misses", 0))
    total = hits + misses
    return {
        "minutes": WINDOW_MINUTES,
        "hits": hits,
        "misses": misses,
        "hitRate": round(hits / total, 4) if total else 0.0,
    }


def distributions(buckets: Iterable[BucketCount], now: float) -> dict[str, dict[str, int]]:
    """Live entries by hit-count class and by remaining TTL, every class listed (an
    entry's remaining TTL is read at least as long as its bucket's start is away)."""
    by_hits = dict.fromkeys((name for _, name in HIT_CLASSES), 0)
    by_remaining = dict.fromkeys((name for _, name in REMAINING_CLASSES), 0)
    for bucket in buckets:
        for name, count in bucket.tallies.items():
            if name in by_hits:
                by_hits[name] += count
        by_remaining[remaining_class(max(0.0, bucket.starts_at - now))] += bucket.live
    return {
        "entriesByHits": {name: max(0, count) for name, count in by_hits.items()},
        "entriesByRemainingTtl": {name: max(0, count) for name, count in by_remaining.items()},
    }


def request_increments(total_key: str, hit: bool, now: float) -> list[Increment]:
    """A hit or miss on the running total and on this minute's counter."""
    field = "hits" if hit else "misses"
    return [(total_key, {field: 1}, 0), (minute_key(now), {field: 1}, minute_counter_expiry(now))]


CAPPED_BUCKET_SECONDS = 900
"""Entries at their cap may expire up to a day ahead, so they are counted in 15-minute
buckets: a day of them and the base TTL's 10-second buckets fit in two batch reads."""


class LiveEntryCounters:
    """The response cache's live-entry counters, per cache epoch, split by hit class."""

    def __init__(
        self,
        table: Table,
        ttl_seconds: int,
        max_ttl_seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._table = table
        self._ttl = ttl_seconds
        self._max_ttl = max_ttl_seconds
        self._clock = clock

    def counter(self, epoch: int, capped: bool = False) -> ExpiryBuckets:
        """Live entries of ``epoch``. Sliding entries expire within the base TTL (10 s
        buckets); entries at their cap (warmed ones, or hit until the cap) may expire
        up to the max TTL ahead, in coarser buckets."""
        if capped:
            return ExpiryBuckets(
                self._table,
                f"cache#e{epoch}#capped",
                self._max_ttl,
                width=CAPPED_BUCKET_SECONDS,
                clock=self._clock,
            )
        return ExpiryBuckets(self._table, f"cache#e{epoch}", self._ttl, clock=self._clock)

    def read(
        self, epoch: int, extra_keys: list[str] | None = None
    ) -> tuple[list[BucketCount], dict[str, dict[str, Any]]]:
        """Both live counters of ``epoch`` (and ``extra_keys``) read in one batch."""
        counters = (self.counter(epoch), self.counter(epoch, capped=True))
        found = self._table.get_many(
            [*counters[0].keys(), *counters[1].keys(), *(extra_keys or [])]
        )
        return [*counters[0].counts(found), *counters[1].counts(found)], found

    def increments(
        self, epoch: int, cap_at: int, old: tuple[int, str], new: tuple[int, str]
    ) -> list[Increment]:
        """The counter changes that move one entry's count: (expiry, hit class) before
        and after; an entry at its cap is counted with the capped entries, whose expiry
        never moves again. Written later, with others, by ``HeldCounts``."""
        was_capped, capped = old[0] >= cap_at, new[0] >= cap_at
        before, after = self.counter(epoch, was_capped), self.counter(epoch, capped)
        if old == new and was_capped == capped:
            return []
        return [before.increment(old[0], -1, old[1]), after.increment(new[0], 1, new[1])]
