"""The model session pools of every worker container, as one shared gauge.

A container's ``SessionPool`` knows only its own sessions, and the API container that
answers ``/api/email/stats`` runs no model calls at all, so its pool says nothing about
the service. Each container that writes copy therefore keeps its figures in one shared
item, ``gauge#pools``: an atomic ``ADD`` to its own active count when a job takes its
sessions (+n, one per variant it writes at once) and gives them back (-n) — once per
job, not per variant (``JobRunner``'s ``sessions``) — order-free, so concurrent updates
never lose a count, with its pool size and the time it was last seen. ``snapshot`` reads
that one item and sums the containers seen within ``fresh_seconds``; a container that
died mid-job stops counting once it is stale, and its attributes are removed then so
the item stays small.

A container's changes are coalesced: while one write is on its way, the changes that
arrive meanwhile (the jobs of one SQS batch start together) are summed and sent by that
same writer in one more write (a +n and a -n in one round cancel and cost none).
``change`` still returns only once its own change is in the table; it just shares the
write. Sessions given back while others of the container are still busy are not written
on their own: they go with the container's next change, at the latest the one that
leaves it idle. The price is that while another job runs the gauge may count sessions
just freed (never more than the container's pool, never once it is idle).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from .table import Table

GAUGE_KEY = "gauge#pools"
logger = logging.getLogger(__name__)


class PoolGauge:
    """One container's view into the shared pool gauge."""

    def __init__(
        self,
        table: Table,
        pool_size: int,
        container: str | None = None,
        fresh_seconds: float = 600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._table = table
        self._size = pool_size
        self._container = container or uuid.uuid4().hex[:12]
        self._fresh = fresh_seconds
        self._clock = clock
        self._round = threading.Condition()
        self._pending = 0  # the sum of the changes of the open round
        self._changed = False  # whether the open round has any change (sum 0 or not)
        self._open = 1  # the round taking changes now
        self._sent = 0  # the last round written (or given up on)
        self._writing = False
        self._active = 0  # sessions in use here now, whether written yet or not

    def change(self, delta: int) -> None:
        """Sessions in use here changed by ``delta`` (+n taken, -n given back).

        Returns once the change is written, alone or with those of other threads; a
        release while other sessions here are busy returns at once (a later write takes it).
        Best effort: a failed write is logged, never raised into a caller's job.
        """
        with self._round:
            self._active += delta
            self._pending += delta
            if delta < 0 and self._active > 0:  # others still busy: goes with a later write
                return
            self._changed = True
            mine = self._open
            if self._writing:  # the writer on its way sends this round next
                self._round.wait_for(lambda: self._sent >= mine)
                return
            self._writing = True
        self._write_rounds()

    def _write_rounds(self) -> None:
        """Write round after round until no change is left unwritten."""
        finished = False
        try:
            while True:
                with self._round:
                    if not self._changed:  # decided under the lock: no change is stranded
                        self._writing = False
                        finished = True
                        return
                    amount, round_number = self._pending, self._open
                    self._pending, self._changed = 0, False
                    self._open += 1
                try:
                    if amount:
                        self._write(amount)
                finally:
                    with self._round:
                        self._sent = round_number
                        self._round.notify_all()
        finally:
            if not finished:  # interrupted (not a failed write: that is logged): let go
                with self._round:
                    self._writing = False
                    self._sent = self._open
                    self._open += 1
                    self._pending, self._changed = 0, False
                    self._round.notify_all()

    def _write(self, delta: int) -> None:
        c = self._container
        try:
            self._table.update(
                GAUGE_KEY,
                "ADD #a :d SET #m = :m, #t = :t",
                names={"#a": f"active#{c}", "#m": f"max#{c}", "#t": f"seen#{c}"},
                values={":d": delta, ":m": self._size, ":t": int(self._clock())},
            )
        except Exception:  # the gauge must never fail a model call
            logger.warning("pool gauge update failed", exc_info=True)

    def snapshot(self) -> dict[str, Any]:
        """``threadPool`` across the containers seen lately: the original stats' shape,
        plus ``containers`` (how many pools the figures add up)."""
        item = self._table.get(GAUGE_KEY) or {}
        now = self._clock()
        active = size = containers = 0
        stale: list[str] = []
        for key, seen in item.items():
            if not key.startswith("seen#"):
                continue
            container = key.removeprefix("seen#")
            if now - float(seen) > self._fresh:
                stale.append(container)
                continue
            pool = int(item.get(f"max#{container}", 0))
            active += min(pool, max(0, int(item.get(f"active#{container}", 0))))
            size += pool
            containers += 1
        if stale:
            self._forget(stale)
        return {
            "availableThreads": size - active,
            "activeThreads": active,
            "maxThreads": size,
            "utilization": round(active / size, 4) if size else 0.0,
            "containers": containers,
        }

    def _forget(self, containers: list[str]) -> None:
        names = {}
        for n, container in enumerate(containers[:30]):  # a bounded expression per call
            for prefix in ("active", "max", "seen"):
                names[f"#{prefix[0]}{n}"] = f"{prefix}#{container}"
        try:
            self._table.update(GAUGE_KEY, "REMOVE " + ", ".join(names), names=names)
        except Exception:
            logger.warning("pool gauge pruning failed", exc_info=True)
