"""Sweeping expired items in bounded pages, resuming across runs."""

from __future__ import annotations

from sbemail.storage import DynamoDBJobStore, DynamoDBResponseCache, Job, JobStatus, TableSweeper
from sbemail.storage.table import Table


def add_jobs(store: DynamoDBJobStore, count: int, prefix: str) -> None:
    for n in range(count):
        store.create(
            Job(id=f"{prefix}{n}", store_id="s", status=JobStatus.QUEUED, request={}, total=1)
        )


def test_expired_jobs_and_cache_entries_are_removed_live_ones_kept(
    fresh_table: Table, clock
) -> None:
    store = DynamoDBJobStore(fresh_table, ttl_seconds=300, clock=clock)
    cache = DynamoDBResponseCache(fresh_table, 600, 300, 500, clock=clock)
    add_jobs(store, 3, "old")
    key = cache.key("s", "d")
    cache.claim(key, "old0")
    cache.fill(key, "old0", {"emails": []})
    clock.now += 400  # old jobs expired, the cache entry (10 min) not yet
    add_jobs(store, 2, "new")
    report = TableSweeper(fresh_table, clock=clock).sweep().as_dict()
    assert report["removed"]["store"] == 3 and report["removed"]["cache"] == 0
    assert report["finished"] is True
    assert store.get("new0") is not None and fresh_table.get(key) is not None
    assert all(fresh_table.get(f"job#old{n}") is None for n in range(3))


def test_entries_of_a_cleared_epoch_are_removed(fresh_table: Table, clock) -> None:
    cache = DynamoDBResponseCache(fresh_table, 600, 300, 500, clock=clock)
    key = cache.key("s", "d")
    cache.claim(key, "j")
    cache.fill(key, "j", {"emails": []})
    cache.clear()
    report = TableSweeper(fresh_table, clock=clock).sweep().as_dict()
    assert report["removed"]["cache"] == 1
    assert fresh_table.get(key) is None


def test_a_big_table_is_swept_in_bounded_runs_that_resume(fresh_table: Table, clock) -> None:
    store = DynamoDBJobStore(fresh_table, ttl_seconds=300, clock=clock)
    add_jobs(store, 30, "j")
    clock.now += 301
    sweeper = TableSweeper(fresh_table, page_size=5, max_pages=2, clock=clock)
    removed, runs = 0, 0
    while True:
        runs += 1
        before = fresh_table.calls
        report = sweeper.sweep()
        reads = fresh_table.calls - before - sum(report.removed.values())
        assert reads <= 2 + 2 + 1  # epoch + cursor, at most two pages, cursor write
        removed += report.removed["job"]
        if report.finished:
            break
        assert runs < 20
    assert removed == 30 and runs > 1
