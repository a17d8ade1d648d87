"""The shared pool gauge: every worker container's sessions, seen from any container."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sbemail.content import OfflineContentModel, WrittenCopy
from sbemail.domain import BlockLibrary, VariantBrief
from sbemail.service import GenerationService, JobRunner
from sbemail.storage import DynamoDBJobStore, Table
from sbemail.storage.pool_gauge import GAUGE_KEY, PoolGauge

from fakes.queues import RecordingQueue
from samples import ROOT, sample_body

LIBRARY = BlockLibrary.load(ROOT / "blocks")


def test_the_gauge_adds_up_the_containers_sessions_in_use(fresh_table: Table, clock) -> None:  # type: ignore[no-untyped-def]
    first = PoolGauge(fresh_table, pool_size=10, container="one", clock=clock)
    second = PoolGauge(fresh_table, pool_size=4, container="two", clock=clock)
    api = PoolGauge(fresh_table, pool_size=10, container="api", clock=clock)  # only reads
    for _ in range(3):
        first.change(1)
    second.change(1)
    assert api.snapshot() == {
        "availableThreads": 10,
        "activeThreads": 4,
        "maxThreads": 14,
        "utilization": round(4 / 14, 4),
        "containers": 2,
    }
    second.change(-1)  # "two" is idle: written at once
    assert api.snapshot()["activeThreads"] == 3
    first.change(-1)
    first.change(1)  # the release goes with the next change (net 0: no write at all)
    first.change(-1)
    assert api.snapshot()["activeThreads"] == 3  # two sessions freed, not yet written
    first.change(-1)
    first.change(-1)  # "one" is idle: everything it freed is written
    assert api.snapshot()["activeThreads"] == 0


def test_releases_while_others_are_busy_share_the_next_write(fresh_table: Table) -> None:
    table = CountingTable(fresh_table)
    gauge = PoolGauge(table, pool_size=10, container="job")  # type: ignore[arg-type]
    reader = PoolGauge(fresh_table, pool_size=10, container="reader")
    for _ in range(3):  # a job's three variants take their sessions
        gauge.change(1)
    assert (table.updates, reader.snapshot()["activeThreads"]) == (3, 3)
    gauge.change(-1)  # they end one by one
    gauge.change(-1)
    assert table.updates == 3  # not written yet
    gauge.change(1)  # another job's variant starts: one write carries -2 and +1
    assert (table.updates, reader.snapshot()["activeThreads"]) == (4, 2)
    gauge.change(-1)
    gauge.change(-1)  # the container is idle
    assert (table.updates, reader.snapshot()["activeThreads"]) == (5, 0)


def test_a_container_not_seen_lately_stops_counting_and_is_forgotten(
    fresh_table: Table,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    gone = PoolGauge(fresh_table, pool_size=10, container="gone", clock=clock)
    gone.change(1)  # died mid-call: never gives its session back
    clock.now += 300
    alive = PoolGauge(fresh_table, pool_size=10, container="alive", clock=clock)
    alive.change(1)
    assert alive.snapshot()["containers"] == 2
    clock.now += 400  # "gone" last seen 700 s ago, "alive" 400 s ago
    assert alive.snapshot() == {
        "availableThreads": 9,
        "activeThreads": 1,
        "maxThreads": 10,
        "utilization": 0.1,
        "containers": 1,
    }
    assert not any("gone" in key for key in fresh_table.get(GAUGE_KEY) or {})


def test_an_empty_gauge_reports_no_pools(fresh_table: Table) -> None:
    assert PoolGauge(fresh_table, pool_size=10).snapshot() == {
        "availableThreads": 0,
        "activeThreads": 0,
        "maxThreads": 0,
        "utilization": 0.0,
        "containers": 0,
    }


class GatedWriter(OfflineContentModel):
    """The offline writer, each write held until the test opens the gate."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started = threading.Semaphore(0)

    def write(self, brief: VariantBrief) -> WrittenCopy:
        self.started.release()
        assert self.gate.wait(10)
        return super().write(brief)


def test_a_running_job_holds_its_sessions_on_the_gauge(fresh_table: Table) -> None:
    table = CountingTable(fresh_table)
    worker = PoolGauge(table, pool_size=5, container="worker")  # type: ignore[arg-type]
    reader = PoolGauge(fresh_table, pool_size=5, container="reader")
    store = DynamoDBJobStore(fresh_table, ttl_seconds=300)
    writer = GatedWriter()
    queue = RecordingQueue()
    GenerationService(LIBRARY, writer, store, queue).submit(sample_body("cedar"))
    runner = JobRunner(LIBRARY, writer, store, concurrency=5, sessions=worker.change)
    with ThreadPoolExecutor(max_workers=1) as executor:
        run = executor.submit(runner.run, queue.sent[0])
        for _ in range(3):  # the job's three variants are all writing
            assert writer.started.acquire(timeout=10)
        during = reader.snapshot()
        writer.gate.set()
        assert run.result(timeout=30)["VariantsWritten"] == 3
    assert during["activeThreads"] == 3 and during["maxThreads"] == 5
    assert reader.snapshot()["activeThreads"] == 0
    assert table.updates == 2  # once when the job took its sessions, once when it ended


def test_a_failing_gauge_never_fails_a_job() -> None:
    class Broken:
        def update(self, *args: object, **kwargs: object) -> None:
            raise ConnectionError("table unreachable")

    gauge = PoolGauge(Broken(), pool_size=1)  # type: ignore[arg-type]
    gauge.change(1)  # logged, not raised: the job goes on
    gauge.change(-1)


class CountingTable:
    """The table, counting the updates sent to it."""

    def __init__(self, table: Table) -> None:
        self._table = table
        self.updates = 0

    def update(self, *args: object, **kwargs: object) -> object:
        self.updates += 1
        return self._table.update(*args, **kwargs)  # type: ignore[arg-type]

    def get(self, *args: object, **kwargs: object) -> object:
        return self._table.get(*args, **kwargs)  # type: ignore[arg-type]


class GatedTable:
    """The table, with its first update held until the test opens the gate."""

    def __init__(self, table: Table) -> None:
        self._table = table
        self.updates = 0
        self.entered = threading.Event()
        self.gate = threading.Event()

    def update(self, *args: object, **kwargs: object) -> object:
        self.updates += 1
        if self.updates == 1:
            self.entered.set()
            assert self.gate.wait(10)
        return self._table.update(*args, **kwargs)  # type: ignore[arg-type]


def test_changes_arriving_during_a_write_share_the_next_one(fresh_table: Table) -> None:
    table = GatedTable(fresh_table)
    gauge = PoolGauge(table, pool_size=10, container="busy")  # type: ignore[arg-type]
    reader = PoolGauge(fresh_table, pool_size=10, container="reader")
    first = threading.Thread(target=gauge.change, args=(1,))
    first.start()
    assert table.entered.wait(10)  # the first change's write is on its way
    others = [threading.Thread(target=gauge.change, args=(1,)) for _ in range(3)]
    for thread in others:
        thread.start()
    deadline = time.monotonic() + 10
    while gauge._pending < 3 and time.monotonic() < deadline:  # all three are waiting
        time.sleep(0.005)
    assert all(thread.is_alive() for thread in others)  # none returns before its write
    table.gate.set()
    for thread in (first, *others):
        thread.join(10)
    assert table.updates == 2  # the three later changes went in one write
    assert reader.snapshot()["activeThreads"] == 4
    for _ in range(4):
        gauge.change(-1)
    assert reader.snapshot()["activeThreads"] == 0
