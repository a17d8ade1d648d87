"""The moment between winning a cache claim and storing its job, over a real DynamoDB.

The owner of a request's claim writes the claim first and its job just after. An
identical request arriving in between finds the claim but no job yet: it must join that
job (one generation), not take the claim over as if its owner had died.
"""

from __future__ import annotations

import pytest
from conftest import ManualClock

from sbemail.content import OfflineContentModel
from sbemail.domain import BlockLibrary
from sbemail.service import GenerationService
from sbemail.service.generate import CLAIM_SETUP_SECONDS
from sbemail.storage import DynamoDBJobStore, DynamoDBResponseCache, Job, Table

from fakes.queues import RecordingQueue
from samples import ROOT, sample_body

LIBRARY = BlockLibrary.load(ROOT / "blocks")


class SlowStore(DynamoDBJobStore):
    """A job store whose new jobs are written only when ``flush`` says so (an owner
    between its claim and its job), or never (an owner that died there)."""

    def __init__(self, table: Table, clock: ManualClock, fail_creates: int = 0) -> None:
        super().__init__(table, ttl_seconds=300, clock=clock)
        self.held: list[Job] = []
        self._fail_creates = fail_creates

    def create(self, job: Job) -> None:
        if self._fail_creates:
            self._fail_creates -= 1
            raise ConnectionError("the table did not answer")
        self.held.append(job)

    def flush(self) -> None:
        for job in self.held:
            super().create(job)
        self.held.clear()


class Waits:
    """The service's sleep: moves the test clock, and may let a held job be stored."""

    def __init__(self, clock: ManualClock, on_sleep=None) -> None:  # type: ignore[no-untyped-def]
        self.clock = clock
        self.slept: list[float] = []
        self._on_sleep = on_sleep

    def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.now += seconds
        if self._on_sleep is not None:
            self._on_sleep()


def make_service(
    table: Table, clock: ManualClock, store: SlowStore, waits: Waits
) -> tuple[GenerationService, RecordingQueue]:
    queue = RecordingQueue()
    cache = DynamoDBResponseCache(table, 600, 300, 500, clock=clock)
    content = OfflineContentModel()
    service = GenerationService(
        LIBRARY, content, store, queue, cache=cache, clock=clock, sleep=waits
    )
    return service, queue


def test_a_request_finding_a_claim_before_its_job_joins_that_job(
    fresh_table: Table, clock: ManualClock
) -> None:
    store = SlowStore(fresh_table, clock)
    waits = Waits(clock, on_sleep=store.flush)  # the owner stores its job meanwhile
    service, queue = make_service(fresh_table, clock, store, waits)
    first = service.submit(sample_body("cedar"))
    assert store.held and first.job_id is not None  # claimed, job not yet readable
    second = service.submit(sample_body("cedar"))
    assert second.coalesced and second.job_id == first.job_id
    assert queue.sent == [first.job_id]  # one job, so one generation
    assert len(waits.slept) == 1 and waits.slept[0] < 0.1  # found at the first look back


def test_a_claim_whose_job_never_appears_is_taken_over_once_it_is_old(
    fresh_table: Table, clock: ManualClock
) -> None:
    store = SlowStore(fresh_table, clock)
    waits = Waits(clock)  # the owner died after claiming: its job is never stored
    service, queue = make_service(fresh_table, clock, store, waits)
    first = service.submit(sample_body("cedar"))
    store.held.clear()
    second = service.submit(sample_body("cedar"))
    assert not second.coalesced and second.job_id not in (None, first.job_id)
    assert queue.sent == [first.job_id, second.job_id]
    assert sum(waits.slept) == pytest.approx(
        CLAIM_SETUP_SECONDS
    )  # waited out the claim's setup time
    assert max(waits.slept) <= 0.5  # in short pauses, so an arriving job is seen soon


def test_a_job_that_could_not_be_stored_frees_its_claim_at_once(
    fresh_table: Table, clock: ManualClock
) -> None:
    store = SlowStore(fresh_table, clock, fail_creates=1)
    waits = Waits(clock, on_sleep=store.flush)
    service, queue = make_service(fresh_table, clock, store, waits)
    with pytest.raises(ConnectionError):  # the failed write reaches the caller
        service.submit(sample_body("cedar"))
    retry = service.submit(sample_body("cedar"))
    assert not retry.coalesced and retry.job_id is not None
    assert waits.slept == []  # nothing to wait for: the claim was released
    assert queue.sent == [retry.job_id]
