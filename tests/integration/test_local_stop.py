"""Stopping a busy local service: its worker poller and schedules share one deadline.

The worker and the schedules here are held busy (a model call that does not return),
so every join waits out all it is granted; the deadline's clock moves by exactly that,
and what each join was granted shows whether the stop kept to one deadline.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from conftest import ManualClock

from sbemail.local.cli import LocalService
from sbemail.local.embedded import LocalAws
from sbemail.local.runtime import CleanupSchedule, Joinable, QueuePoller, StopDeadline


class ObservedDeadline(StopDeadline):
    """The stop's deadline, noting what each join is granted; a join waits out all of it
    (the threads are busy), so the clock moves by the grant before the real join."""

    def __init__(self, seconds: float, clock: ManualClock) -> None:
        super().__init__(seconds, clock)
        self._manual = clock
        self.joins: list[tuple[str, float]] = []

    def join(self, thread: Joinable) -> None:
        granted = self.remaining()
        self.joins.append((getattr(thread, "name", "?"), granted))
        self._manual.now += granted
        super().join(thread)  # nothing left: returns at once, the thread still busy


class Busy:
    """A handler that signals it started, then blocks until the test lets it go."""

    def __init__(self) -> None:
        self.started = threading.Semaphore(0)
        self.release = threading.Event()
        self.running = 0
        self._lock = threading.Lock()

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        with self._lock:
            self.running += 1
        self.started.release()
        self.release.wait(60)
        with self._lock:
            self.running -= 1
        return {"batchItemFailures": []}

    def wait_started(self, times: int) -> None:
        for _ in range(times):
            assert self.started.acquire(timeout=30), "the handler never started"


@pytest.fixture
def busy() -> Iterator[Busy]:
    handler = Busy()
    yield handler
    handler.release.set()  # let the abandoned threads finish


def test_a_busy_service_stops_within_one_shared_deadline(
    aws: LocalAws, busy: Busy, clock: ManualClock
) -> None:
    # GIVEN two workers each in the middle of a batch and a cleanup run in progress
    sqs = boto3.client("sqs", endpoint_url=aws.endpoint, region_name="us-east-1")
    for number in range(2):
        sqs.send_message(QueueUrl=aws.queue_url, MessageBody=f"job {number}")
    poller = QueuePoller(busy, aws.endpoint, aws.queue_url, batch_size=1, concurrency=2)
    schedule = CleanupSchedule(busy, interval=0.01)
    poller.start()
    schedule.start()
    busy.wait_started(3)
    service = LocalService(url="http://127.0.0.1:0", aws=aws, parts=[poller, schedule])
    deadline = ObservedDeadline(5.0, clock)
    started = clock.now

    # WHEN the service stops
    service.stop(deadline)

    # THEN every busy thread was joined once, the first given the whole deadline and the
    # rest only what was left of it, so the stop took the deadline, not 5 s per thread
    assert deadline.joins == [("cleanup", 5.0), ("worker-0", 0.0), ("worker-1", 0.0)]
    assert clock.now - started == 5.0
    assert busy.running == 3  # the stop did not wait for the busy calls to end
