"""The response cache on a DynamoDB-compatible server: claims, hits, clear, counters."""

from __future__ import annotations

import pytest

from sbemail.storage import DynamoDBResponseCache, ExpiryBuckets, Table


@pytest.fixture
def cache(fresh_table: Table, clock) -> DynamoDBResponseCache:
    return DynamoDBResponseCache(
        fresh_table, ttl_seconds=600, pending_ttl_seconds=300, max_local_entries=500, clock=clock
    )


def other_container(table: Table, clock) -> DynamoDBResponseCache:
    """A second container: same table, its own empty LRU."""
    return DynamoDBResponseCache(
        table, ttl_seconds=600, pending_ttl_seconds=300, max_local_entries=500, clock=clock
    )


def test_first_claim_owns_the_key_and_later_ones_attach(cache: DynamoDBResponseCache) -> None:
    key = cache.key("store-a", "d1")
    first = cache.claim(key, "job-1")
    second = cache.claim(key, "job-2")
    assert (first.owner, first.job_id) == (True, "job-1")
    assert (second.owner, second.job_id, second.result) == (False, "job-1", None)


def test_a_filled_entry_is_served_to_every_container(
    cache: DynamoDBResponseCache, fresh_table: Table, clock
) -> None:
    key = cache.key("store-a", "d1")
    cache.claim(key, "job-1")
    assert cache.fill(key, "job-1", {"emails": [1, 2, 3]})
    claim = other_container(fresh_table, clock).claim(key, "job-9")
    assert claim.result == {"emails": [1, 2, 3]} and not claim.owner


def test_keys_are_scoped_by_store(cache: DynamoDBResponseCache) -> None:
    assert cache.key("store-a", "d1") != cache.key("store-b", "d1")
    cache.claim(cache.key("store-a", "d1"), "job-1")
    assert cache.claim(cache.key("store-b", "d1"), "job-2").owner


def test_an_expired_entry_is_not_served(
    cache: DynamoDBResponseCache, fresh_table: Table, clock
) -> None:
    key = cache.key("store-a", "d1")
    cache.claim(key, "job-1")
    cache.fill(key, "job-1", {"emails": []})
    clock.now += 601
    claim = other_container(fresh_table, clock).claim(key, "job-2")
    assert claim.owner and claim.result is None


def test_a_released_claim_lets_the_next_request_generate(cache: DynamoDBResponseCache) -> None:
    key = cache.key("store-a", "d1")
    cache.claim(key, "job-1")
    cache.release(key, "job-1")
    assert cache.claim(key, "job-2").owner


def test_a_vanished_claim_can_be_taken_over_once(cache: DynamoDBResponseCache) -> None:
    key = cache.key("store-a", "d1")
    cache.claim(key, "job-1")
    assert cache.take_over(key, "job-1", "job-2")
    assert not cache.take_over(key, "job-1", "job-3")
    assert cache.claim(key, "job-4").job_id == "job-2"


def test_hits_and_misses_are_shared_across_containers(
    cache: DynamoDBResponseCache, fresh_table: Table, clock
) -> None:
    cache.record(hit=True)
    other_container(fresh_table, clock).record(hit=False)
    other_container(fresh_table, clock).record(hit=True)
    stats = cache.stats()
    assert (stats["hits"], stats["misses"], stats["hitRate"]) == (2, 1, round(2 / 3, 4))


def _seed_entries(table: Table, cache: DynamoDBResponseCache, clock, count: int) -> None:
    """``count`` ready entries written in batches, counted as ``fill`` would count them."""
    expires_at = int(clock()) + 600
    prefix = cache.key("bulk", "")
    items = [
        {
            "pk": f"{prefix}{n}",
            "kind": "cache",
            "state": "ready",
            "job_id": f"j{n}",
            "expires_at": expires_at,
        }
        for n in range(count)
    ]
    for start in range(0, count, 25):
        chunk = items[start : start + 25]
        table.client.batch_write_item(
            RequestItems={table.name: [{"PutRequest": {"Item": _typed(i)}} for i in chunk]}
        )
    ExpiryBuckets(table, f"cache#e{cache.epoch()}", 600, clock=clock).add(expires_at, count)


def _typed(item: dict) -> dict:
    from sbemail.storage.table import to_item

    return to_item(item)


@pytest.mark.parametrize("size", [10, 10_000])
def test_clear_costs_the_same_calls_at_any_size(
    fresh_table: Table, clock, size: int, request: pytest.FixtureRequest
) -> None:
    cache = other_container(fresh_table, clock)
    _seed_entries(fresh_table, cache, clock, size)
    old_key = f"{cache.key('bulk', '')}0"
    before = fresh_table.calls
    cleared = cache.clear()
    calls = fresh_table.calls - before
    assert cleared == size
    assert calls == 4  # read epoch, read both live counters (two batches), bump epoch
    # no old entry is served afterwards, from this container or another
    fresh_key = cache.key("bulk", "0")
    assert fresh_key != old_key
    assert cache.claim(fresh_key, "new-job").owner
    assert other_container(fresh_table, clock).stats()["totalEntries"] == 0


def test_live_entries_counted_without_reading_entries(
    cache: DynamoDBResponseCache, fresh_table: Table, clock
) -> None:
    for n in range(3):
        key = cache.key("store-a", f"d{n}")
        cache.claim(key, f"job-{n}")
        cache.fill(key, f"job-{n}", {"n": n})
    assert cache.stats()["totalEntries"] == 3
    clock.now += 590
    assert cache.stats()["totalEntries"] == 3
    clock.now += 20  # past the TTL and the 10-second counting bucket it expired in
    assert cache.stats()["totalEntries"] == 0


def test_a_store_id_starting_with_e_is_cached_and_counted(
    cache: DynamoDBResponseCache,
) -> None:
    key = cache.key("east-shop", "d1")  # the epoch marker must not be confused with it
    cache.claim(key, "job-1")
    assert cache.fill(key, "job-1", {"emails": []})
    assert cache.stats()["totalEntries"] == 1
