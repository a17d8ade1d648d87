"""Counting live items without reading the table.

Items carry an expiry time, and DynamoDB deletes them lazily, so "how many are live" is
a question about expiry times. ``ExpiryBuckets`` keeps one atomic counter per time bucket
(``width`` seconds) of expiry: a write adds to its bucket, a TTL refresh moves the count
between buckets, and the live total is the sum of the buckets still ahead, a fixed number
of keys read in one batch whatever the table's size. The count is exact to within the
items expiring in the current bucket.

A bucket can also split its count by a *tally* (one attribute per class, e.g. the
response cache's hit-count classes), so a distribution of live items by that class costs
no extra keys: moving an item between classes is one more ``ADD`` on the same counter.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .table import Table


@dataclass(frozen=True)
class BucketCount:
    """One bucket's live count: items expiring from ``starts_at`` to before ``ends_at``,
    split by tally."""

    starts_at: int
    ends_at: int
    live: int
    tallies: dict[str, int] = field(default_factory=dict)


class ExpiryBuckets:
    """Atomic live counts by expiry bucket, under ``counter#<name>#<bucket>`` items.

    ``ttl_seconds`` is the horizon: no counted item expires further ahead than that.
    """

    def __init__(
        self,
        table: Table,
        name: str,
        ttl_seconds: int,
        width: int = 10,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._table = table
        self._name = name
        self._ttl = ttl_seconds
        self._width = width
        self._clock = clock

    def _bucket(self, expires_at: float) -> int:
        return int(expires_at // self._width)

    def _key(self, bucket: int) -> str:
        return f"counter#{self._name}#{bucket}"

    def add(self, expires_at: float, amount: int = 1, tally: str | None = None) -> None:
        """Count ``amount`` items expiring at ``expires_at`` (in class ``tally``, if any)."""
        bucket = self._bucket(expires_at)
        expression = "ADD live :n" + (", #tally :n" if tally else "")
        self._table.update(
            self._key(bucket),
            expression + " SET expires_at = :exp",
            names={"#tally": f"t_{tally}"} if tally else None,
            values={":n": amount, ":exp": (bucket + 1) * self._width + 60},
        )

    def increment(
        self, expires_at: float, amount: int = 1, tally: str | None = None
    ) -> tuple[str, dict[str, int], int]:
        """What ``add`` would write, for a caller that writes it later with others:
        (counter key, amounts by attribute, the counter's own expiry)."""
        bucket = self._bucket(expires_at)
        amounts = {"live": amount, **({f"t_{tally}": amount} if tally else {})}
        return self._key(bucket), amounts, (bucket + 1) * self._width + 60

    def moves(self, old_expiry: float, new_expiry: float) -> list[tuple[str, dict[str, int], int]]:
        """The changes that move an item's count when its expiry changes (``increment``s,
        written later with others): none when both expiries share a bucket."""
        if self._bucket(old_expiry) == self._bucket(new_expiry):
            return []
        return [self.increment(old_expiry, -1), self.increment(new_expiry, 1)]

    def keys(self) -> list[str]:
        """The counters that may hold live items now (read them in one batch)."""
        now = self._clock()
        first, last = self._bucket(now), self._bucket(now + self._ttl)
        return [self._key(bucket) for bucket in range(first, last + 1)]

    def counts(self, found: Mapping[str, Mapping[str, Any]]) -> list[BucketCount]:
        """This counter's buckets among ``found`` (items read by ``keys``), soonest first."""
        prefix = f"counter#{self._name}#"
        counts = []
        for key in sorted(k for k in found if k.startswith(prefix)):
            rest = key.removeprefix(prefix)
            if not rest.lstrip("-").isdigit():
                continue  # another counter whose name extends this one
            item = found[key]
            tallies = {
                name.removeprefix("t_"): int(value)
                for name, value in item.items()
                if name.startswith("t_")
            }
            starts_at = int(rest) * self._width
            live = int(item.get("live", 0))
            counts.append(BucketCount(starts_at, starts_at + self._width, live, tallies))
        return sorted(counts, key=lambda count: count.ends_at)

    def live(self) -> int:
        """Items whose expiry is still ahead (to within one bucket)."""
        counts = self.counts(self._table.get_many(self.keys()))
        return max(0, sum(count.live for count in counts))
