"""Brand profiles in the table (moto over the wire): kept for their lifetime, then gone
for readers at once and for the table when the sweeper passes."""

from __future__ import annotations

from typing import Any

from sbemail.storage import DynamoDBBrandCache, Table, TableSweeper

DAY = 86400


def test_a_profile_is_served_until_it_expires_then_swept(fresh_table: Table, clock: Any) -> None:
    cache = DynamoDBBrandCache(fresh_table, ttl_seconds=30 * DAY, clock=clock)
    stored = cache.put("larkspur-goods.example", {"store_name": "Larkspur Goods"})
    assert stored.fetched_at == int(clock.now)
    clock.now += 30 * DAY - 1
    found = cache.get("larkspur-goods.example")
    assert found is not None and found.brand_data == {"store_name": "Larkspur Goods"}
    assert found.fetched_at == stored.fetched_at
    assert cache.get("other.example") is None
    clock.now += 1
    assert cache.get("larkspur-goods.example") is None  # expired, though DynamoDB has it
    assert fresh_table.get("brand#larkspur-goods.example") is not None
    TableSweeper(fresh_table, clock=clock).sweep()
    assert fresh_table.get("brand#larkspur-goods.example") is None


def test_a_new_lookup_replaces_the_old_profile(fresh_table: Table, clock: Any) -> None:
    cache = DynamoDBBrandCache(fresh_table, ttl_seconds=DAY, clock=clock)
    cache.put("larkspur-goods.example", {"store_name": "Old"})
    clock.now += DAY + 5
    cache.put("larkspur-goods.example", {"store_name": "New"})
    found = cache.get("larkspur-goods.example")
    assert found is not None and found.brand_data == {"store_name": "New"}
