"""Removing expired items now, rather than whenever DynamoDB's TTL gets to them.

The sweep reads the table in bounded pages and resumes where the previous run stopped
(a cursor item), so every run costs at most ``page_size * max_pages`` reads however big
the table is. Deletes are conditional on the item still being expired, so an item whose
TTL was refreshed meanwhile survives. Cache entries of earlier epochs (after a clear)
are dead too and go as well.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .cache_entries import current_epoch, epoch_of
from .table import ConditionFailedError, Table

CURSOR_KEY = "sweep-cursor"


@dataclass
class SweepReport:
    scanned: int = 0
    removed: Counter[str] = field(default_factory=Counter)
    finished: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "scanned": self.scanned,
            "removed": {
                "store": self.removed["job"] + self.removed["variant"],
                "cache": self.removed["cache"],
                "counters": self.removed["counter"],
            },
            "finished": self.finished,
        }


def _kind(pk: str) -> str:
    if pk.startswith("job#"):
        return "variant" if "#v" in pk[4:] else "job"
    return pk.split("#", 1)[0]


class TableSweeper:
    """Deletes expired items page by page, resuming across runs."""

    def __init__(
        self,
        table: Table,
        page_size: int = 200,
        max_pages: int = 25,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._table = table
        self._page_size = page_size
        self._max_pages = max_pages
        self._clock = clock

    def sweep(self) -> SweepReport:
        """One bounded pass; ``finished`` says whether the whole table was covered."""
        report = SweepReport()
        now = int(self._clock())
        epoch = current_epoch(self._table)
        cursor_item = self._table.get(CURSOR_KEY)
        start = str(cursor_item["after"]) if cursor_item else None
        resume: str | None = start
        for items, after in self._table.scan_pages(self._page_size, self._max_pages, start):
            report.scanned += len(items)
            for item in items:
                self._remove_if_dead(item, now, epoch, report)
            resume = after
        report.finished = resume is None
        if resume is None:
            if cursor_item:
                self._table.delete(CURSOR_KEY)
        else:
            self._table.put({"pk": CURSOR_KEY, "after": resume})
        return report

    def _remove_if_dead(
        self, item: dict[str, Any], now: int, epoch: int, report: SweepReport
    ) -> None:
        pk = str(item["pk"])
        kind = _kind(pk)
        expires_at = item.get("expires_at")
        stale_epoch = kind == "cache" and epoch_of(pk) != epoch
        if stale_epoch:
            self._table.delete(pk)
        elif expires_at is not None and int(expires_at) <= now:
            try:
                self._table.delete(pk, condition="expires_at <= :now", values={":now": now})
            except ConditionFailedError:
                return  # refreshed since we read it
        else:
            return
        report.removed[kind] += 1
