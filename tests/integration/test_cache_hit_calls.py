"""What a cache hit costs in DynamoDB requests, counted as they leave botocore.

A hit is on every caller's path, so its requests are its latency: one round trip when the
container has not served the entry lately, none while its LRU confirms it; the hit and
miss counters are written with the container's other counts, not per request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sbemail.storage import DynamoDBResponseCache, Table

BASE = 600


def container(table: Table, clock) -> DynamoDBResponseCache:  # type: ignore[no-untyped-def]
    return DynamoDBResponseCache(
        table, ttl_seconds=BASE, pending_ttl_seconds=300, max_local_entries=50, clock=clock
    )


@contextmanager
def requests_sent(table: Table) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every DynamoDB request made meanwhile: (operation, parameters)."""
    sent: list[tuple[str, dict[str, Any]]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        sent.append((model.name, params))

    events = table.client.meta.events
    events.register("provide-client-params.dynamodb", record)
    try:
        yield sent
    finally:
        events.unregister("provide-client-params.dynamodb", record)


def filled(table: Table, clock, digest: str = "d1") -> str:  # type: ignore[no-untyped-def]
    worker = container(table, clock)  # the worker's container fills the entry
    key = worker.key("store-a", digest)
    assert worker.claim(key, f"job-{digest}").owner
    assert worker.fill(key, f"job-{digest}", {"emails": [digest]})
    return key


def test_a_hit_from_another_container_is_one_update_that_returns_the_entry(
    fresh_table: Table, clock
) -> None:
    key = filled(fresh_table, clock)
    api = container(fresh_table, clock)
    clock.now += 5
    api.key("store-a", "d1")  # the epoch, read once per second at most
    api.record(hit=False)  # a busy container: it wrote its counts a moment ago
    with requests_sent(fresh_table) as sent:
        claim = api.claim(key, "job-2")
        api.record(hit=True)
    assert claim.result == {"emails": ["d1"]} and claim.extended
    assert [operation for operation, _ in sent] == ["UpdateItem"]
    assert sent[0][1]["ReturnValues"] == "ALL_NEW"
    item = fresh_table.get(key)
    assert item is not None and int(item["hits"]) == 1
    assert int(item["expires_at"]) == int(clock.now) + BASE
    stats = api.stats()  # the held counter changes, written now
    assert (stats["hits"], stats["misses"], stats["totalEntries"]) == (1, 1, 1)
    assert stats["entriesByHits"]["1"] == 1 and stats["entriesByHits"]["0"] == 0


def test_repeated_hits_in_one_container_cost_no_request(fresh_table: Table, clock) -> None:
    key = filled(fresh_table, clock)
    api = container(fresh_table, clock)
    api.claim(api.key("store-a", "d1"), "job-2")
    api.record(hit=True)  # a quiet container's first count is written at once
    with requests_sent(fresh_table) as sent:
        for _ in range(5):
            assert api.claim(api.key("store-a", "d1"), "job-3").result is not None
            api.record(hit=True)
    assert sent == [], "the LRU confirms the entry; the counts wait for the next write"
    stats = api.stats()  # this container's held-back counts are written first
    assert (stats["hits"], stats["misses"]) == (6, 0)
    assert stats["lastHour"]["hits"] == 6
    assert int((fresh_table.get(key) or {})["hits"]) == 1, "the next touch carries the rest"


def test_held_back_counts_go_with_the_first_count_after_the_interval(
    fresh_table: Table, clock
) -> None:
    api = container(fresh_table, clock)
    other = container(fresh_table, clock)
    api.record(hit=False)
    for _ in range(3):
        api.record(hit=True)
    assert (other.stats()["hits"], other.stats()["misses"]) == (0, 1)
    clock.now += 11
    with requests_sent(fresh_table) as sent:
        api.record(hit=True)
    assert len(sent) == 2, "the running total and this minute's counter"
    assert (other.stats()["hits"], other.stats()["misses"]) == (4, 1)


def test_a_miss_still_claims_the_key_for_one_generation(fresh_table: Table, clock) -> None:
    api = container(fresh_table, clock)
    key = api.key("store-a", "d9")
    first = api.claim(key, "job-1")
    other = container(fresh_table, clock)
    with requests_sent(fresh_table) as sent:
        second = other.claim(key, "job-2")
    assert (first.owner, second.owner, second.job_id) == (True, False, "job-1")
    assert [operation for operation, _ in sent] == ["UpdateItem"], (
        "the failed update hands back the pending claim to join"
    )


def test_an_entry_at_its_cap_is_still_served_from_another_container(
    fresh_table: Table, clock
) -> None:
    worker = container(fresh_table, clock)
    key = worker.key("store-a", "w")
    assert worker.claim(key, "job-w", warm=True).owner
    assert worker.fill(key, "job-w", {"emails": ["w"]})  # warmed: it expires at its cap
    claim = container(fresh_table, clock).claim(key, "job-2")
    assert claim.result == {"emails": ["w"]} and not claim.extended
    assert int((fresh_table.get(key) or {})["hits"]) == 1


def test_a_clear_is_seen_at_once_here_and_within_a_second_elsewhere(
    fresh_table: Table, clock
) -> None:
    key = filled(fresh_table, clock)
    api, other = container(fresh_table, clock), container(fresh_table, clock)
    assert other.key("store-a", "d1") == key
    api.clear()
    assert api.key("store-a", "d1") != key
    clock.now += 1
    assert other.key("store-a", "d1") != key
    assert other.claim(other.key("store-a", "d1"), "job-new").owner


def test_the_container_keeps_results_within_its_byte_budget(fresh_table: Table, clock) -> None:
    results = {digest: {"emails": [digest * 2000]} for digest in ("d1", "d2", "d3", "d4")}
    size = len(json.dumps(results["d1"], separators=(",", ":")))  # each result's weight
    worker = DynamoDBResponseCache(  # room for two results, though 50 entries are allowed
        fresh_table, BASE, 300, max_local_entries=50, clock=clock, max_local_bytes=2 * size + 10
    )
    keys = {}
    for digest, result in results.items():
        keys[digest] = worker.key("store-a", digest)
        assert worker.claim(keys[digest], f"job-{digest}").owner
        assert worker.fill(keys[digest], f"job-{digest}", result)
    clock.now += 1
    worker.record(hit=False)  # a busy container: its counts are held, not written
    # the two newest are held; the two oldest went from memory (not from the table)
    for digest in ("d4", "d3", "d1", "d2"):
        with requests_sent(fresh_table) as sent:
            claim = worker.claim(keys[digest], "job-again")
        assert claim.result == results[digest]
        assert len(sent) == (1 if digest in ("d1", "d2") else 0), digest


def test_a_result_larger_than_the_whole_budget_is_served_from_the_table(
    fresh_table: Table, clock
) -> None:
    worker = DynamoDBResponseCache(
        fresh_table, BASE, 300, max_local_entries=50, clock=clock, max_local_bytes=100
    )
    key = worker.key("store-a", "big")
    assert worker.claim(key, "job-big").owner
    assert worker.fill(key, "job-big", {"emails": ["x" * 500]})  # cached, not held here
    clock.now += 1
    with requests_sent(fresh_table) as sent:
        assert worker.claim(key, "job-again").result == {"emails": ["x" * 500]}
    assert [operation for operation, _ in sent] == ["UpdateItem"]
