"""One deadline for a whole stop: each join waits only for what is left of it."""

from __future__ import annotations

from conftest import ManualClock

from sbemail.local.runtime import StopDeadline


class BusyThread:
    """A thread that will not finish: a join waits out all of its timeout."""

    def __init__(self, clock: ManualClock) -> None:
        self._clock = clock
        self.granted: list[float | None] = []

    def join(self, timeout: float | None = None) -> None:
        self.granted.append(timeout)
        self._clock.now += timeout or 0.0


class QuickThread(BusyThread):
    """A thread that finishes ``seconds`` into its join."""

    def __init__(self, clock: ManualClock, seconds: float) -> None:
        super().__init__(clock)
        self._seconds = seconds

    def join(self, timeout: float | None = None) -> None:
        self.granted.append(timeout)
        self._clock.now += min(self._seconds, timeout or 0.0)


def test_busy_threads_share_the_deadline_instead_of_adding_up(clock: ManualClock) -> None:
    started = clock.now
    deadline = StopDeadline(5.0, clock)
    threads = [BusyThread(clock) for _ in range(4)]
    for thread in threads:
        deadline.join(thread)
    assert [thread.granted for thread in threads] == [[5.0], [0.0], [0.0], [0.0]]
    assert clock.now - started == 5.0  # four busy threads at 5 s each would have been 20


def test_each_join_gets_what_the_earlier_ones_left(clock: ManualClock) -> None:
    deadline = StopDeadline(5.0, clock)
    quick, busy, last = QuickThread(clock, 1.5), BusyThread(clock), BusyThread(clock)
    for thread in (quick, busy, last):
        deadline.join(thread)
    assert (quick.granted, busy.granted, last.granted) == ([5.0], [3.5], [0.0])
    assert deadline.remaining() == 0.0
