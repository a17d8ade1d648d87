"""Counter changes held per container and written together, off the request's path.

Atomic counters (hit and miss totals, the live counts of cache entries and of jobs)
change on the hottest paths: every cache hit, every job created. Writing each change
when it happens costs a round trip on that path; ``HeldCounts`` sums the changes per
counter instead and writes them now and then, one update per counter, all at once.
One instance per container is shared by the response cache and the job store.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .table import Table

_COUNTER_WRITES = ThreadPoolExecutor(max_workers=8, thread_name_prefix="counter-writes")


def concurrently(*writes: Callable[[], object]) -> None:
    """Run independent counter writes at once and wait for all: a cache hit's bookkeeping
    then costs one round trip to DynamoDB however many counters it touches."""
    for future in [_COUNTER_WRITES.submit(write) for write in writes]:
        future.result()


COUNTS_FLUSH_SECONDS = 10.0
"""How long a container may hold back its counter changes."""

Increment = tuple[str, dict[str, int], int]
"""An atomic counter change: (item key, amounts by attribute, the item's expiry; 0: none)."""


class HeldCounts:
    """A container's counter changes on the hot paths, written together.

    A cache hit used to write up to five counters (the running total of hits, this
    minute's, and the entry's move between expiry buckets and hit classes), and a new
    job or cache entry one more (its live count), each a round trip after the work
    itself. Instead the changes are summed here per counter and written in one go, one
    update per counter, all at once: at the first change after ``interval`` seconds
    without a write (so a quiet container writes at once; an interval of 0 writes every
    change), and by ``stats`` in its own container. Under load that is one write per
    counter per container per interval, whatever the traffic.

    What a container may lose if it is shut down holding changes (at most an interval
    of its traffic): hit and miss counts, new jobs' and entries' live counts (live
    counts fall short until those items would have expired), and moves, so an item
    stays counted in the bucket it was last written to (counted as gone when that
    bucket passes, and in its old hit class) — a shortfall the counters' own expiry
    clears. Until a container's next request another container's ``stats`` lacks its
    held changes. A failed write keeps its changes for the next one.
    """

    def __init__(
        self,
        table: Table,
        clock: Callable[[], float] = time.time,
        interval: float = COUNTS_FLUSH_SECONDS,
    ) -> None:
        self._table = table
        self._clock = clock
        self._interval = interval
        self._held: dict[str, tuple[dict[str, int], int]] = {}
        self._written_at = -math.inf
        self._lock = threading.Lock()

    def add(self, *increments: Increment) -> None:
        if not increments:
            return
        now = self._clock()
        with self._lock:
            self._merge(increments)
            due = not 0 <= now - self._written_at < self._interval
        if due:
            self.flush()

    def _merge(self, increments: Iterable[Increment]) -> None:
        for key, amounts, expires_at in increments:
            held, held_expiry = self._held.get(key, ({}, 0))
            for name, amount in amounts.items():
                held[name] = held.get(name, 0) + amount
            self._held[key] = (held, max(held_expiry, expires_at))

    def flush(self) -> None:
        """Write every held change: one update per counter, all at once."""
        with self._lock:
            held, self._held = self._held, {}
            self._written_at = self._clock()
        held = {  # changes that cancelled out (a move within one counter) are no write
            key: (changed, expires_at)
            for key, (amounts, expires_at) in held.items()
            if (changed := {name: amount for name, amount in amounts.items() if amount})
        }
        if not held:
            return
        try:
            concurrently(
                *(
                    lambda key=key, amounts=amounts, expires_at=expires_at: self._write(
                        key, amounts, expires_at
                    )
                    for key, (amounts, expires_at) in held.items()
                )
            )
        except Exception:
            with self._lock:  # kept for the next write (one that did land counts twice)
                self._merge((key, amounts, exp) for key, (amounts, exp) in held.items())
            raise

    def _write(self, key: str, amounts: dict[str, int], expires_at: int) -> None:
        names = {f"#a{n}": name for n, name in enumerate(amounts)}
        values: dict[str, Any] = {f":a{n}": amount for n, amount in enumerate(amounts.values())}
        expression = "ADD " + ", ".join(f"#a{n} :a{n}" for n in range(len(amounts)))
        if expires_at:
            expression += " SET expires_at = :exp"
            values[":exp"] = expires_at
        self._table.update(key, expression, names=names, values=values)
