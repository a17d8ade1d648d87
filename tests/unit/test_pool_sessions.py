"""The session pool: bounded, warm, always released, clear when exhausted."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sbemail.content import (
    PooledContentModel,
    SessionPool,
    SessionPoolTimeoutError,
    Usage,
    WrittenCopy,
)


class Session:
    """A stand-in session that counts how often it was used."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.uses = 0


def counting_factory():
    created: list[Session] = []

    def factory() -> Session:
        session = Session(len(created))
        created.append(session)
        return session

    return factory, created


def test_sessions_are_created_on_demand_and_reused_warm() -> None:
    factory, created = counting_factory()
    pool = SessionPool(factory, size=10)
    assert created == []  # nothing is built until someone needs it
    for _ in range(25):
        with pool.session() as session:
            session.uses += 1
    assert len(created) == 1
    assert created[0].uses == 25


def test_stats_follow_the_original_shape() -> None:
    factory, _ = counting_factory()
    pool = SessionPool(factory, size=4)
    assert pool.stats() == {
        "availableThreads": 4,
        "activeThreads": 0,
        "maxThreads": 4,
        "utilization": 0.0,
    }
    with pool.session(), pool.session(), pool.session():
        assert pool.stats() == {
            "availableThreads": 1,
            "activeThreads": 3,
            "maxThreads": 4,
            "utilization": 0.75,
        }
    assert pool.stats()["activeThreads"] == 0


def test_acquire_times_out_clearly_when_every_session_is_busy() -> None:
    factory, _ = counting_factory()
    pool = SessionPool(factory, size=2, acquire_timeout=0.01)
    busy = r"within 0.01 s \(2 of 2 in use\)"
    with pool.session(), pool.session(), pytest.raises(SessionPoolTimeoutError, match=busy):
        pool.acquire()
    assert pool.counters()["timeouts"] == 1
    with pool.session():  # capacity is back once the holders left
        pass


def test_a_session_is_released_when_the_work_fails() -> None:
    factory, created = counting_factory()
    pool = SessionPool(factory, size=1, acquire_timeout=0.01)
    with pytest.raises(RuntimeError), pool.session():
        raise RuntimeError("the model call blew up")
    with pool.session() as session:  # the same warm session, not a leaked slot
        assert session is created[0]


def test_a_failing_factory_does_not_leak_capacity() -> None:
    calls = []

    def factory() -> Session:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("cannot read the key")
        return Session(len(calls))

    pool = SessionPool(factory, size=1, acquire_timeout=0.01)
    with pytest.raises(OSError):
        pool.acquire()
    assert pool.stats()["activeThreads"] == 0
    with pool.session() as session:
        assert session.number == 2


def test_a_waiter_gets_the_session_another_thread_releases() -> None:
    factory, created = counting_factory()
    pool = SessionPool(factory, size=1, acquire_timeout=5.0)
    held = pool.acquire()
    got: list[Session] = []
    waiter = threading.Thread(target=lambda: got.append(pool.acquire()))
    waiter.start()
    pool.release(held)
    waiter.join()
    assert got == [created[0]]


class BlockingModel:
    """A content model that records how many writes run at once."""

    provider = "test"
    model = "blocking"
    lock = threading.Lock()
    running = 0
    peak = 0

    def write(self, brief: object) -> WrittenCopy:
        cls = type(self)
        with cls.lock:
            cls.running += 1
            cls.peak = max(cls.peak, cls.running)
        try:
            threading.Event().wait(0.005)
            return WrittenCopy(values={"brief": brief}, usage=Usage(1, 1, 0))
        finally:
            with cls.lock:
                cls.running -= 1


def test_pooled_model_bounds_concurrency_from_many_threads() -> None:
    pool: SessionPool = SessionPool(BlockingModel, size=3, acquire_timeout=10.0)
    model = PooledContentModel(pool, provider="test", model="blocking")
    with ThreadPoolExecutor(max_workers=12) as executor:
        results = list(executor.map(model.write, range(60)))
    assert [r.values["brief"] for r in results] == list(range(60))
    assert BlockingModel.peak <= 3
    assert pool.counters()["created"] <= 3
    assert model.pool_stats()["activeThreads"] == 0
    assert (model.provider, model.model) == ("test", "blocking")


def test_pool_needs_a_size() -> None:
    with pytest.raises(ValueError):
        SessionPool(Session, size=0)


def test_pooled_model_fails_a_variant_clearly_when_no_session_frees_up() -> None:
    pool: SessionPool = SessionPool(BlockingModel, size=1, acquire_timeout=0.01)
    model = PooledContentModel(pool, provider="test", model="blocking")
    with pool.session(), pytest.raises(SessionPoolTimeoutError) as raised:
        model.write("brief")
    assert raised.value.code == "session_pool_exhausted"
    assert model.totals()["failures"] == 1
    model.write("brief")
    assert model.totals()["written"] == 1
