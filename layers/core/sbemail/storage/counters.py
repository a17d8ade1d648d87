"""Counting live items without reading the table.

Items carry an expiry time, and DynamoDB deletes them lazily, so "how many are live" is
a question about expiry times. ``ExpiryBuckets`` keeps one atomic counter per time bucket
(``width`` seconds) of expiry: a write adds to its bucket, a TTL refresh moves the count
between buckets, and the live total is the sum of the buckets still ahead, a fixed number
of keys read in one batch whatever the table's size. The count is exact to within the
items expiring in the current bucket.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .table import Table


class ExpiryBuckets:
    """Atomic live counts by expiry bucket, under ``counter#<name>#<bucket>`` items."""

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

    def add(self, expires_at: float, amount: int = 1) -> None:
        """Count ``amount`` items expiring at ``expires_at``."""
        bucket = self._bucket(expires_at)
        self._table.update(
            self._key(bucket),
            "ADD live :n SET expires_at = :exp",
            values={":n": amount, ":exp": (bucket + 1) * self._width + 60},
        )

    def move(self, old_expiry: float, new_expiry: float) -> None:
        """An item's expiry was refreshed: move its count if the bucket changed."""
        if self._bucket(old_expiry) != self._bucket(new_expiry):
            self.add(old_expiry, -1)
            self.add(new_expiry, 1)

    def live(self) -> int:
        """Items whose expiry is still ahead (to within one bucket)."""
        now = self._clock()
        first, last = self._bucket(now), self._bucket(now + self._ttl)
        keys = [self._key(bucket) for bucket in range(first, last + 1)]
        items = self._table.get_many(keys)
        return max(0, sum(int(item.get("live", 0)) for item in items.values()))
