"""The shared pool gauge: every worker container's sessions, seen from any container."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sbemail.content import PooledContentModel, SessionPool, Usage, WrittenCopy
from sbemail.storage import Table
from sbemail.storage.pool_gauge import GAUGE_KEY, PoolGauge


class GatedModel:
    """A content model whose writes wait until the test opens the gate."""

    provider = "test"
    model = "gated"
    gate = threading.Event()
    started = threading.Semaphore(0)

    def write(self, brief: object) -> WrittenCopy:
        type(self).started.release()
        assert type(self).gate.wait(10)
        return WrittenCopy(values={"brief": brief}, usage=Usage(1, 1, 0))


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
    first.change(-1)
    second.change(-1)
    assert api.snapshot()["activeThreads"] == 2


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


def test_pooled_writes_move_the_gauge_while_they_run(fresh_table: Table) -> None:
    worker = PoolGauge(fresh_table, pool_size=5, container="worker")
    reader = PoolGauge(fresh_table, pool_size=5, container="reader")
    model = PooledContentModel(SessionPool(GatedModel, size=5), provider="t", model="gated")
    model.observe(worker.change)
    GatedModel.gate.clear()
    with ThreadPoolExecutor(max_workers=3) as executor:
        futures = [executor.submit(model.write, n) for n in range(3)]
        for _ in range(3):
            assert GatedModel.started.acquire(timeout=10)
        during = reader.snapshot()
        GatedModel.gate.set()
        assert [f.result(timeout=10).values["brief"] for f in futures] == [0, 1, 2]
    assert during["activeThreads"] == 3 and during["maxThreads"] == 5
    assert reader.snapshot()["activeThreads"] == 0


def test_a_failing_gauge_never_fails_the_variant() -> None:
    class Broken:
        def update(self, *args: object, **kwargs: object) -> None:
            raise ConnectionError("table unreachable")

    gauge = PoolGauge(Broken(), pool_size=1)  # type: ignore[arg-type]
    model = PooledContentModel(SessionPool(GatedModel, size=1), provider="t", model="gated")
    model.observe(gauge.change)
    GatedModel.gate.set()
    assert model.write("brief").values == {"brief": "brief"}


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
