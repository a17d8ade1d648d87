"""Serving ready cache entries: the sliding expiry, the hit counts and the container's LRU.

Split from ``cache`` (claims, fills and operations), which asks this for every hit. A hit
is one conditional update that slides the entry's expiry and counts the hit (``serve``);
a hot entry this container holds is confirmed at most once per
``TOUCH_INTERVAL_SECONDS`` (``touch``). The live-entry counters move with every expiry
change, through this container's held counts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from cachetools import TTLCache

from .cache_entries import Claim, ReadyEntry, epoch_of
from .cache_usage import LiveEntryCounters, hit_class
from .held_counts import HeldCounts
from .table import ConditionFailedError, Table

TOUCH_INTERVAL_SECONDS = 10
"""A container writes a hot entry's hits and expiry at most this often (see ``touch``)."""

MAX_LOCAL_BYTES = 48 * 2**20
"""What a container's LRU may hold in results, at most (about 5 % of a 1 GB function).

A result is large (a 3-variant email set is ~200 KB of MJML, HTML and text), and every
container that fills or serves entries keeps them: 500 entries would be ~100 MB, most
of it in workers that fill entries but never serve them."""


@dataclass(frozen=True)
class LocalBudget:
    """How much the container's LRU holds: at most ``entries`` results and at most
    ``size`` bytes of them (``ReadyEntry.size``), whichever is reached first."""

    entries: int
    size: int = MAX_LOCAL_BYTES

    def weight(self, entry: ReadyEntry) -> int:
        """An entry's share of ``size``: its own, but never under ``size / entries``, so
        one budget bounds both the bytes and the count."""
        return max(entry.size, self.size // max(1, self.entries))


class EntryHits:
    """Hits on ready entries, with the per-container LRU in front of the table."""

    def __init__(
        self,
        table: Table,
        ttl_seconds: int,
        budget: LocalBudget,
        counters: LiveEntryCounters,
        held: HeldCounts,
        clock: Callable[[], float],
    ) -> None:
        self._table = table
        self._ttl = ttl_seconds
        self._counters = counters
        self._held = held
        self._clock = clock
        self._local: TTLCache[str, ReadyEntry] = TTLCache(
            maxsize=budget.size, ttl=ttl_seconds, timer=clock, getsizeof=budget.weight
        )
        self._lock = threading.Lock()

    # -- the container's LRU -------------------------------------------------------------

    def remembered(self, key: str) -> ReadyEntry | None:
        with self._lock:
            return self._local.get(key)

    def remember(self, key: str, entry: ReadyEntry) -> None:
        with self._lock:
            self._keep(key, entry)

    def _keep(self, key: str, entry: ReadyEntry) -> None:
        """Hold ``entry`` (the lock held), evicting the least recent to fit the budget."""
        try:
            self._local[key] = entry
        except ValueError:  # larger than the whole budget: served from the table
            self._local.pop(key, None)

    def forget(self, key: str) -> None:
        with self._lock:
            self._local.pop(key, None)

    def forget_all(self) -> None:
        with self._lock:
            self._local.clear()

    # -- hits ----------------------------------------------------------------------------

    def serve(self, key: str) -> Claim | None:
        """A hit this container's LRU does not hold, in one round trip: a conditional
        update that counts the hit, slides the expiry to ``now + base TTL`` and returns
        the entry (``ALL_NEW``; ``prev_expires_at`` keeps the expiry it replaced, for the
        live counters).

        When the condition fails, the item it found comes back with the failure: a live
        pending claim is joined at once, and a ready entry whose expiry would not move
        this way (already later, or at its cap) is served by ``touch``. ``None`` leaves
        the rest (nothing there, or expired) to ``claim``'s general path.
        """
        now = int(self._clock())
        target = now + self._ttl
        try:
            item = self._table.update(
                key,
                "SET prev_expires_at = expires_at, expires_at = :new ADD hits :one",
                condition=(
                    "#state = :ready AND expires_at > :now AND expires_at <= :new"
                    " AND cap_at >= :new"
                ),
                names={"#state": "state"},
                values={":ready": "ready", ":now": now, ":new": target, ":one": 1},
                returns="ALL_NEW",
                failed_item=True,
            )
        except ConditionFailedError as failure:
            return self.found(key, failure.item, now)
        entry = replace(ReadyEntry.from_item(item), touched_at=now)
        hits, old_expiry = int(item["hits"]), int(item["prev_expires_at"])
        self._held.add(
            *self._counters.increments(
                epoch_of(key),
                entry.cap_at,
                (old_expiry, hit_class(hits - 1)),
                (target, hit_class(hits)),
            )
        )
        with self._lock:
            self._keep(key, entry)
        return Claim(key, result=entry.result, extended=target > old_expiry)

    def found(self, key: str, item: dict[str, Any] | None, now: int) -> Claim | None:
        """The claim a live item found at ``key`` answers (``None``: none, or expired)."""
        if item is None or int(item.get("expires_at", 0)) <= now:
            return None
        if item.get("state") == "pending":
            return Claim.pending(key, item)
        entry = ReadyEntry.from_item(item)
        extended = self.touch(key, entry, warm=False)
        return None if extended is None else Claim(key, result=entry.result, extended=extended)

    def touch(self, key: str, entry: ReadyEntry, warm: bool) -> bool | None:
        """Count a hit on a ready entry and slide its expiry, in one conditional update.

        The new expiry is ``now + base TTL`` (the cap with ``warm``), never past the
        entry's cap and never earlier than the expiry this container knows. The update
        only applies to the same entry (its job), still live, whose expiry is not already
        later (another container's hit got there first: then only the hit is counted).
        The old values come back from the same update, so the live counters move from
        exactly where the entry was counted, however many containers race.

        A hot entry is written at most once per ``TOUCH_INTERVAL_SECONDS`` per container:
        a hit within that time of this container's last confirmation is served from the
        LRU and its count carried by the next write (one item takes only so many writes
        a second, each billed on the entry's size).

        Returns:
            whether the expiry moved later, or ``None`` when the entry is gone.
        """
        now = int(self._clock())
        if not warm and now - entry.touched_at < TOUCH_INTERVAL_SECONDS < entry.expires_at - now:
            with self._lock:
                current = self._local.get(key, entry)
                self._keep(key, replace(current, unflushed=current.unflushed + 1))
            return False
        target = entry.cap_at if warm else min(now + self._ttl, entry.cap_at)
        target = max(target, entry.expires_at)
        hits = (0 if warm else 1) + entry.unflushed
        live = "#state = :ready AND job_id = :job AND expires_at > :now"
        names = {"#state": "state"}
        values: dict[str, Any] = {":ready": "ready", ":job": entry.job_id, ":now": now, ":n": hits}
        try:
            # UPDATED_OLD carries the old hits (always changed by a hit) and the old
            # expiry when it changed; a warm-up changes no count, so it reads them whole.
            old = self._table.update(
                key,
                "SET expires_at = :new ADD hits :n",
                condition=live + " AND expires_at <= :new",
                names=names,
                values={**values, ":new": target},
                returns="ALL_OLD" if warm else "UPDATED_OLD",
            )
        except ConditionFailedError:
            try:  # still live, but already expiring later: count the hit where it is
                old = self._table.update(
                    key,
                    "ADD hits :n",
                    condition=live,
                    names=names,
                    values=values,
                    returns="ALL_OLD",
                )
            except ConditionFailedError:
                return None
            target = int(old["expires_at"])
        old_expiry, old_hits = int(old.get("expires_at", target)), int(old.get("hits", 0))
        self._held.add(
            *self._counters.increments(
                epoch_of(key),
                entry.cap_at,
                (old_expiry, hit_class(old_hits)),
                (target, hit_class(old_hits + hits)),
            )
        )
        with self._lock:
            current = self._local.get(key, entry)
            unflushed = max(0, current.unflushed - entry.unflushed)  # served meanwhile
            self._keep(key, replace(entry, expires_at=target, touched_at=now, unflushed=unflushed))
        return target > old_expiry
