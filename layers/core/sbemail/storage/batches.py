"""Batches in the service table: what each item of a batch became, and cached answers.

Items: ``batch#<id>`` (the store, the mode, the items' outcomes as compressed JSON),
``batch#<id>#i<n>`` (the result an item was answered with from the response cache, kept
with the batch so it stays readable after the cache entry expires or is cleared) and
``batch#<id>#r<n>`` (item ``n``'s request as admitted, compressed: what warming the
cache with the batch replays; one item each, so a batch of large requests never nears
DynamoDB's 400 KB item limit). All of them share the batch's expiry. Item
statuses are not copied here: they are read from the jobs when asked, so a batch record
is written once and never contended by the workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .dynamodb import pack, unpack
from .jobs import StorageError
from .table import ConditionFailedError, Table

OPEN_KEY = "batches#open"


def batch_key(batch_id: str) -> str:
    return f"batch#{batch_id}"


def answer_key(batch_id: str, index: int) -> str:
    return f"batch#{batch_id}#i{index}"


def request_key(batch_id: str, index: int) -> str:
    return f"batch#{batch_id}#r{index}"


@dataclass(frozen=True)
class Batch:
    """One batch as stored: ``items`` are the outcomes the POST answered with."""

    id: str
    store_id: str
    mode: str
    items: list[dict[str, Any]]
    created_at: float
    expires_at: int = 0
    state: dict[str, Any] = field(default_factory=dict)
    """Mode-specific progress (an economy batch's provider batch and its files)."""


class DynamoDBBatchStore:
    """Batch records with a TTL; expired ones are never returned."""

    def __init__(self, table: Table, ttl_seconds: int, clock: Callable[[], float] = time.time):
        self._table = table
        self._ttl = ttl_seconds
        self._clock = clock

    def create(
        self,
        batch: Batch,
        answers: dict[int, dict[str, Any]],
        ttl: int = 0,
        requests: dict[int, dict[str, Any]] | None = None,
    ) -> Batch:
        """Store a new batch, the cached answers of its items and the ``requests`` its
        items were admitted with (by index); ``ttl`` (seconds) overrides the default
        life (an economy batch lives as long as its window). The batch record goes
        last, so a batch that can be read has its answers and requests."""
        expires_at = int(self._clock()) + (ttl or self._ttl)
        for index, result in answers.items():
            self._table.put(
                {
                    "pk": answer_key(batch.id, index),
                    "kind": "batch-answer",
                    "data": pack(result),
                    "expires_at": expires_at,
                }
            )
        if requests:
            self._table.put_many(
                {
                    "pk": request_key(batch.id, index),
                    "kind": "batch-request",
                    "data": pack(request),
                    "expires_at": expires_at,
                }
                for index, request in requests.items()
            )
        try:
            self._table.put(
                {
                    "pk": batch_key(batch.id),
                    "kind": "batch",
                    "store_id": batch.store_id,
                    "mode": batch.mode,
                    "items": pack(batch.items),
                    "state": pack(batch.state),
                    "created_at": str(batch.created_at),
                    "expires_at": expires_at,
                },
                condition="attribute_not_exists(pk)",
            )
        except ConditionFailedError as error:
            raise StorageError(f"batch {batch.id} already exists") from error
        return Batch(
            batch.id,
            batch.store_id,
            batch.mode,
            batch.items,
            batch.created_at,
            expires_at,
            batch.state,
        )

    def get(self, batch_id: str) -> Batch | None:
        item = self._table.get(batch_key(batch_id))
        if (
            not item
            or item.get("kind") != "batch"
            or int(item.get("expires_at", 0)) <= self._clock()
        ):
            return None  # an id holding ``#`` may name another item (a kept request)
        return Batch(
            id=batch_id,
            store_id=str(item["store_id"]),
            mode=str(item.get("mode", "standard")),
            items=unpack(item["items"]),
            created_at=float(item.get("created_at", 0)),
            expires_at=int(item["expires_at"]),
            state=unpack(item["state"]) if "state" in item else {},
        )

    def save_state(self, batch_id: str, state: dict[str, Any]) -> None:
        """Record how far a batch's mode-specific work got (the batch must exist)."""
        self._table.update(
            batch_key(batch_id),
            "SET #state = :state",
            condition="attribute_exists(pk)",
            names={"#state": "state"},
            values={":state": pack(state)},
        )

    def record_completion(self, batch_id: str, at: float) -> bool:
        """Note when a batch was first seen complete; ``False`` if that was noted before
        (so exactly one observer reports its latency)."""
        try:
            self._table.update(
                batch_key(batch_id),
                "SET completed_at = :at",
                condition="attribute_exists(pk) AND attribute_not_exists(completed_at)",
                values={":at": str(at)},
            )
        except ConditionFailedError:
            return False
        return True

    # Open economy batches are listed in one item (a string set), so the poller finds
    # them with one read, never a scan, whatever the table holds.

    def open_batches(self) -> list[str]:
        item = self._table.get(OPEN_KEY)
        return sorted(item.get("ids", set())) if item else []

    def mark_open(self, batch_id: str) -> None:
        self._table.update(OPEN_KEY, "ADD ids :id", values={":id": {batch_id}})

    def mark_closed(self, batch_id: str) -> None:
        self._table.update(OPEN_KEY, "DELETE ids :id", values={":id": {batch_id}})

    def answer(self, batch_id: str, index: int) -> dict[str, Any] | None:
        """The cached result item ``index`` was answered with, while the batch lives."""
        item = self._table.get(answer_key(batch_id, index))
        if not item or int(item.get("expires_at", 0)) <= self._clock():
            return None
        return unpack(item["data"])  # type: ignore[no-any-return]

    def requests(self, batch_id: str, indexes: list[int]) -> dict[int, dict[str, Any]]:
        """The requests items ``indexes`` were admitted with, while the batch lives
        (read 100 to a call); an index without one (an invalid item) is absent."""
        keys = {request_key(batch_id, index): index for index in indexes}
        now = self._clock()
        return {
            keys[pk]: unpack(item["data"])
            for pk, item in self._table.get_many(keys).items()
            if int(item.get("expires_at", 0)) > now
        }
