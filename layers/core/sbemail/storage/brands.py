"""Brand profiles looked up by domain, kept in the service table for days.

One item per domain, ``brand#<domain>``: the ``brandData`` document we made from the
brand service's profile (zlib-compressed JSON) and when it was fetched. ``expires_at``
is the table's TTL attribute, as for every other item, so DynamoDB (and the sweeper)
removes stale profiles; reads check it too, since DynamoDB deletes lazily. A profile
costs the brand service a credit and seconds, and brands change slowly: the default
lifetime is 30 days (``BRAND_CACHE_DAYS``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .dynamodb import pack, unpack
from .table import Table


def brand_key(domain: str) -> str:
    return f"brand#{domain}"


@dataclass(frozen=True)
class CachedBrand:
    """A stored profile: the ``brandData`` document and when it was fetched (epoch s)."""

    brand_data: dict[str, Any]
    fetched_at: float


class DynamoDBBrandCache:
    """Per-domain brand profiles on the service table."""

    def __init__(
        self, table: Table, ttl_seconds: int, clock: Callable[[], float] = time.time
    ) -> None:
        self._table = table
        self._ttl = ttl_seconds
        self._clock = clock

    def get(self, domain: str) -> CachedBrand | None:
        """The live profile of ``domain``, or ``None`` (never stored, or expired)."""
        item = self._table.get(brand_key(domain))
        if item is None or int(item.get("expires_at", 0)) <= self._clock():
            return None
        return CachedBrand(unpack(item["brand_data"]), float(item["fetched_at"]))

    def put(self, domain: str, brand_data: dict[str, Any]) -> CachedBrand:
        """Store ``domain``'s profile for the cache's lifetime (replacing any older one)."""
        now = self._clock()
        self._table.put(
            {
                "pk": brand_key(domain),
                "kind": "brand",
                "brand_data": pack(brand_data),
                "fetched_at": int(now),
                "expires_at": int(now) + self._ttl,
            }
        )
        return CachedBrand(brand_data, float(int(now)))
