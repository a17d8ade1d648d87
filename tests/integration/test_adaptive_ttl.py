"""Adaptive TTL on a DynamoDB-compatible server, with a clock the test moves.

Entries are read through the cache's own expiry check (DynamoDB's TTL deletes lazily),
from the same container (its LRU) and from fresh ones (a DynamoDB read).
"""

from __future__ import annotations

import pytest

from sbemail.storage import DynamoDBResponseCache, Table

BASE, CAP = 600, 24 * 3600


def container(table: Table, clock) -> DynamoDBResponseCache:
    """One container's cache: base TTL 10 minutes, cap 24 hours (the defaults)."""
    return DynamoDBResponseCache(
        table, ttl_seconds=BASE, pending_ttl_seconds=300, max_local_entries=500, clock=clock
    )


def filled(cache: DynamoDBResponseCache, digest: str = "d1", warm: bool = False) -> str:
    key = cache.key("store-a", digest)
    assert cache.claim(key, f"job-{digest}", warm=warm).owner
    assert cache.fill(key, f"job-{digest}", {"emails": [digest]})
    return key


def served(cache: DynamoDBResponseCache, key: str) -> bool:
    claim = cache.claim(key, "job-probe")
    if claim.owner:
        cache.release(key, "job-probe")  # leave no pending claim behind the probe
    return claim.result is not None


def test_an_entry_hit_every_five_minutes_lives_until_the_cap(fresh_table: Table, clock) -> None:
    cache = container(fresh_table, clock)
    key = filled(cache)
    start = clock.now
    elapsed = 0
    while elapsed + 300 < CAP:
        clock.now += 300
        elapsed += 300
        reader = cache if elapsed % 3600 else container(fresh_table, clock)  # LRU or table
        claim = reader.claim(key, "job-other")
        assert claim.result == {"emails": ["d1"]}, f"lost after {elapsed} s"
        assert claim.extended == (start + elapsed + BASE <= start + CAP)
    assert elapsed > BASE * 100  # it outlived the base TTL many times over
    stats = cache.stats()
    assert stats["totalEntries"] == 1
    assert stats["entriesByHits"]["50+"] == 1
    clock.now = start + CAP + 1  # the cap is reached: no hit keeps it any longer
    assert not served(container(fresh_table, clock), key)
    assert not served(cache, key)


def test_an_entry_never_hit_is_gone_after_the_base_ttl(fresh_table: Table, clock) -> None:
    cache = container(fresh_table, clock)
    key = filled(cache)
    clock.now += BASE + 1
    assert not served(container(fresh_table, clock), key)
    assert not served(cache, key)
    clock.now += 10  # past the counting bucket it expired in
    assert cache.stats()["totalEntries"] == 0


def test_an_entry_goes_one_base_ttl_after_its_last_hit(fresh_table: Table, clock) -> None:
    cache = container(fresh_table, clock)
    key = filled(cache)
    clock.now += 500
    assert served(cache, key)  # slides the expiry to now + 600
    clock.now += 599
    assert served(container(fresh_table, clock), key)  # and slides it once more
    clock.now += BASE + 1
    assert not served(cache, key)


def test_a_hit_on_an_entry_expired_in_the_table_is_not_served_from_the_lru(
    fresh_table: Table, clock
) -> None:
    cache = container(fresh_table, clock)
    key = filled(cache)
    clock.now += 11  # past the interval in which the LRU may answer on its own
    fresh_table.update(key, "SET expires_at = :past", values={":past": int(clock.now) - 1})
    assert not served(cache, key)


def test_a_warmed_entry_starts_at_the_cap(fresh_table: Table, clock) -> None:
    cache = container(fresh_table, clock)
    key = filled(cache, warm=True)
    clock.now += 12 * 3600  # a night without a single hit
    claim = container(fresh_table, clock).claim(key, "job-x")
    assert claim.result is not None and not claim.extended
    clock.now += 12 * 3600
    assert not served(container(fresh_table, clock), key)


def test_warming_a_cached_entry_extends_it_to_its_cap(fresh_table: Table, clock) -> None:
    cache = container(fresh_table, clock)
    key = filled(cache)
    clock.now += 60
    claim = container(fresh_table, clock).claim(key, "job-w", warm=True)
    assert claim.result is not None and claim.extended
    clock.now += 6 * 3600
    assert served(container(fresh_table, clock), key)
    stats = cache.stats()
    assert stats["entriesByHits"]["1"] == 1  # the warm-up itself was no hit
    assert stats["entriesByRemainingTtl"]["6h+"] == 1


def test_warming_a_generation_in_flight_makes_its_entry_a_warmed_one(
    fresh_table: Table, clock
) -> None:
    cache = container(fresh_table, clock)
    key = cache.key("store-a", "d1")
    assert cache.claim(key, "job-caller").owner  # a caller's generation is running
    joined = container(fresh_table, clock).claim(key, "job-warm", warm=True)
    assert (joined.owner, joined.job_id) == (False, "job-caller")
    assert cache.fill(key, "job-caller", {"emails": []})
    clock.now += 6 * 3600
    assert served(container(fresh_table, clock), key)


def test_racing_containers_keep_the_counters_consistent(fresh_table: Table, clock) -> None:
    first, second = container(fresh_table, clock), container(fresh_table, clock)
    key = filled(first)
    assert served(second, key)  # both LRUs now hold the entry
    for _ in range(6):
        clock.now += 11  # past the interval in which a container keeps hits to itself
        assert served(first, key)  # each LRU's known expiry is stale by turns
        assert served(second, key)
    stats = first.stats()
    assert stats["totalEntries"] == 1
    assert stats["entriesByHits"]["10-49"] == 1 and sum(stats["entriesByHits"].values()) == 1
    assert sum(stats["entriesByRemainingTtl"].values()) == 1


def test_a_hot_entry_is_written_once_per_interval_and_no_hit_is_lost(
    fresh_table: Table, clock
) -> None:
    cache = container(fresh_table, clock)
    key = filled(cache)
    clock.now += 11
    before = fresh_table.calls
    for _ in range(30):  # a burst within one second: the first hit writes, the rest wait
        assert served(cache, key)
    assert fresh_table.calls - before <= 30 * 2 + 3  # key (epoch) read per claim, one touch
    assert cache.stats()["entriesByHits"]["1"] == 1
    clock.now += 10
    assert served(cache, key)  # the next write carries the 29 hits held back
    assert cache.stats()["entriesByHits"]["10-49"] == 1
    clock.now += BASE - 5  # 30 s of hits above kept it alive: it slid past the base TTL
    assert served(container(fresh_table, clock), key)


def test_stats_give_hit_classes_remaining_ttl_and_the_last_hour(fresh_table: Table, clock) -> None:
    cache = container(fresh_table, clock)
    keys = [filled(cache, f"d{n}") for n in range(3)]
    filled(cache, "w", warm=True)
    for key, hits in zip(keys, (0, 1, 3), strict=True):
        for _ in range(hits):
            clock.now += 11  # each hit written at once (no burst held back)
            assert served(cache, key)
    for hit in (True, True, True, False):
        cache.record(hit)
    stats = cache.stats()
    assert stats["totalEntries"] == 4
    assert stats["maxTtlMinutes"] == CAP // 60
    assert stats["entriesByHits"] == {"0": 2, "1": 1, "2-4": 1, "5-9": 0, "10-49": 0, "50+": 0}
    assert stats["entriesByRemainingTtl"]["5-10m"] == 3
    assert stats["entriesByRemainingTtl"]["6h+"] == 1
    assert stats["lastHour"] == {"minutes": 60, "hits": 3, "misses": 1, "hitRate": 0.75}
    clock.now += 30 * 60
    cache.record(False)
    assert cache.stats()["lastHour"]["misses"] == 2
    clock.now += 31 * 60  # the first minute's counts have left the window
    assert cache.stats()["lastHour"] == {"minutes": 60, "hits": 0, "misses": 1, "hitRate": 0.0}
    assert cache.stats()["hits"] == 3  # the totals since the start stay


def test_the_cap_may_not_be_below_the_base_ttl(fresh_table: Table) -> None:
    with pytest.raises(ValueError, match="maximum cache TTL"):
        DynamoDBResponseCache(
            fresh_table,
            ttl_seconds=600,
            pending_ttl_seconds=300,
            max_local_entries=5,
            max_ttl_seconds=60,
        )
