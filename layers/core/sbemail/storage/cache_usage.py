"""How the response cache is used, measured from counters (never a table scan).

Three views an operator asks for when tuning the adaptive TTL:

- live entries by how often they were hit (hit-count classes, kept as tallies on the
  cache's expiry counters, so an entry's class moves with its hits);
- live entries by how long they have left (the expiry buckets themselves);
- the hit rate of the last hour, from one small counter per minute that DynamoDB's TTL
  removes two hours later.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .counters import BucketCount

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
