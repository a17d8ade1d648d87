"""How a caller waiting on a job (``Prefer: wait``) polls it: few reads, the end seen soon.

DynamoDB cannot tell a Lambda function that an item changed, so a waiting caller reads
its job again and again. Two costs pull against each other: each read is CPU and a billed
request, each pause is time by which the end may be seen late. A fixed back-off (0.1 s
growing to 1 s) pays both: about ten reads for a six-second job, and the end seen half a
second late on average (a tenth of the job).

The pauses here follow what the job shows and what jobs like it took:

- **Expected end.** Each container remembers how long the last jobs its callers waited
  on took, by number of variants (from the job's creation to the end a wait saw). Until
  90 % of the typical duration nothing is expected to happen, so the caller sleeps 60 % of
  the way there at each step (the pauses doubling from 0.1 s, never over 1 s): a handful
  of reads, and a job that ends earlier than usual is seen no later than before.
- **Progress.** Variants are written in parallel, so once one is stored the others are
  close behind. Whenever the count of stored variants moves, and when the expected end is
  reached, the caller polls at the *tail pace* for a while (a fifth of the job's age):
  every 2 % of the job's age (0.1 s to 1 s), so the end is seen at most about 2 % late.
- **Nothing moves.** Past the expected end with no progress, or with no history yet, each
  pause is half as long again as the last, up to 1 s: a slow or stuck job costs few reads.

Each read is one consistent GetItem projected on the job's small attributes (``peek``),
logging nothing. The alternatives were judged heavier: an SQS reply queue per caller
means creating and deleting queues (or filtering a shared one) and a worker that also
sends, more moving parts and failure modes on the hot path to save a few sub-millisecond
reads; DynamoDB Streams invoke functions, they cannot wake a caller that is waiting.
"""

from __future__ import annotations

import statistics
import threading
from collections import deque

FIRST_PAUSE = 0.1
"""Seconds before the first re-read when nothing better is known."""
LONGEST_PAUSE = 1.0
SHORTEST_PAUSE = 0.1
TAIL_SHARE = 0.02
"""Near the end, a read every this share of the job's age: the end is seen this late."""
APPROACH_SHARE = 0.6
"""Before the expected end, each pause covers this share of the way left to it."""
AIM_EARLY = 0.9
"""The tail pace starts at this share of the typical duration."""
TAIL_WINDOW_SHARE = 0.2
"""The tail pace lasts this share of the job's age after progress or the expected end."""


class JobDurations:
    """How long recent jobs took, by number of variants: this container's memory (lost
    with it, rebuilt by the next few waits; nothing is shared or stored)."""

    def __init__(self, keep: int = 32) -> None:
        self._keep = keep
        self._recent: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def add(self, variants: int, seconds: float) -> None:
        with self._lock:
            self._recent.setdefault(variants, deque(maxlen=self._keep)).append(seconds)

    def typical(self, variants: int) -> float | None:
        """The median duration of recent jobs with ``variants`` (``None``: none seen)."""
        with self._lock:
            recent = list(self._recent.get(variants, ()))
        return statistics.median(recent) if recent else None


class PollSchedule:
    """The pauses of one wait, given the job's typical duration (see the module)."""

    def __init__(self, typical: float | None) -> None:
        self._target = None if typical is None else typical * AIM_EARLY
        self._pause = 0.0
        self._done = 0
        self._tail_until = 0.0
        self._reached = False

    def next_pause(self, age: float, done: int) -> float:
        """Seconds to sleep before the next read of a job ``age`` seconds old that has
        ``done`` variants stored."""
        moved, self._done = done > self._done, max(done, self._done)
        reached = self._target is not None and age >= self._target and not self._reached
        self._reached = self._reached or reached
        if moved or reached:  # the end is near: the tail pace, for a while
            self._tail_until = age * (1 + TAIL_WINDOW_SHARE)
        tail = min(LONGEST_PAUSE, max(SHORTEST_PAUSE, TAIL_SHARE * age))
        if age < self._tail_until:
            pause = tail
        elif self._target is not None and age < self._target:
            grown = max(FIRST_PAUSE, self._pause * 2)  # an estimate is no promise
            pause = max(tail, min(grown, LONGEST_PAUSE, APPROACH_SHARE * (self._target - age)))
        elif self._pause:
            pause = min(LONGEST_PAUSE, self._pause * 1.5)
        else:
            pause = FIRST_PAUSE
        self._pause = max(pause, SHORTEST_PAUSE)
        return self._pause
