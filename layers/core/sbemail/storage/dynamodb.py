"""Jobs in DynamoDB: one table, partition key ``pk``, TTL attribute ``expires_at``.

Items: ``job#<id>`` (state, progress, summary) and ``job#<id>#v<n>`` (one rendered
variant, zlib-compressed JSON, so five full emails fit well under the 400 KB item
limit). DynamoDB deletes expired items lazily, so every read checks ``expires_at``.
State changes are conditional writes: no lost updates, no leaving a final state. Each
write refreshes the TTL; live jobs are counted by ``ExpiryBuckets``.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from .counters import ExpiryBuckets
from .held_counts import HeldCounts
from .jobs import Job, JobLeasedError, JobNotFoundError, JobStateError, JobStatus
from .table import ConditionFailedError, Table

_NOT_FINAL = "attribute_exists(pk) AND NOT #s IN (:completed, :failed)"
_FINAL_VALUES = {":completed": JobStatus.COMPLETED.value, ":failed": JobStatus.FAILED.value}


_PEEKED = (
    "kind",
    "store_id",
    "status",
    "total",
    "done_indexes",
    "error",
    "summary",
    "created_at",
    "cache_key",
    "keep_until",
    "expires_at",
)
"""A job item's attributes but its request: what ``peek`` reads."""


def job_key(job_id: str) -> str:
    return f"job#{job_id}"


def variant_key(job_id: str, index: int) -> str:
    return f"job#{job_id}#v{index}"


def pack(document: Any) -> bytes:
    """Compact, compressed JSON for large attributes."""
    return pack_sized(document)[0]


def pack_sized(document: Any) -> tuple[bytes, int]:
    """``pack``, and the size of the JSON it compressed (what the document weighs)."""
    raw = json.dumps(document, separators=(",", ":")).encode()
    return zlib.compress(raw, 6), len(raw)


def unpack(blob: Any) -> Any:
    return unpack_sized(blob)[0]


def unpack_sized(blob: Any) -> tuple[Any, int]:
    """What ``pack`` stored, and the size of its JSON."""
    raw = zlib.decompress(bytes(blob.value if hasattr(blob, "value") else blob))
    return json.loads(raw), len(raw)


def _counting(done: Iterable[int], values: dict[str, Any]) -> str:
    """The clause that counts variants ``done`` into a job's progress as it ends (an
    ``ADD`` to a set: none counts twice), its value put in ``values``; "" for none."""
    indexes = set(done)
    if not indexes:
        return ""
    values[":idx"] = indexes
    return "ADD done_indexes :idx "


class DynamoDBJobStore:
    """``JobStore`` on the service's DynamoDB table."""

    def __init__(
        self,
        table: Table,
        ttl_seconds: int,
        clock: Callable[[], float] = time.time,
        held: HeldCounts | None = None,
    ):
        self._table = table
        self._ttl = ttl_seconds
        self._clock = clock
        self.live_counter = ExpiryBuckets(table, "jobs", ttl_seconds, clock=clock)
        # The live count's changes are held with the container's other counts (one write
        # per counter per interval, off the request's path); without them, written at once.
        self._held = held or HeldCounts(table, clock, interval=0.0)

    def live(self) -> int:
        """Jobs live now (``stats``): this container's held count changes first."""
        self._held.flush()
        return self.live_counter.live()

    def _expiry(self, keep_until: int = 0) -> int:
        return max(int(self._clock()) + self._ttl, keep_until)

    def create(self, job: Job) -> None:
        expires_at = self._expiry(job.keep_until)
        try:
            self._table.put(
                {
                    "pk": job_key(job.id),
                    "kind": "job",
                    "store_id": job.store_id,
                    "status": job.status.value,
                    "request": pack(job.request),
                    "total": job.total,
                    "created_at": str(job.created_at or self._clock()),
                    "cache_key": job.cache_key,
                    "keep_until": job.keep_until,
                    "expires_at": expires_at,
                },
                condition="attribute_not_exists(pk)",
            )
        except ConditionFailedError as error:
            raise JobStateError(f"job {job.id} already exists") from error
        if not job.keep_until:  # the live count covers jobs on the store's TTL
            self._held.add(self.live_counter.increment(expires_at))

    def get(self, job_id: str) -> Job | None:
        return self._job(job_id, self._table.get(job_key(job_id)))

    def peek(self, job_id: str) -> Job | None:
        """The live job without its request (``request`` is empty): what a status read or
        a waiting caller's poll needs, read with a projection, so the largest attribute
        (the compressed request) is neither sent nor decompressed on every poll."""
        return self._job(job_id, self._table.get(job_key(job_id), attributes=_PEEKED))

    def get_many(self, job_ids: list[str]) -> dict[str, Job]:
        """Live jobs by id, read 100 to a request (a batch's status costs one or two)."""
        items = self._table.get_many(job_key(job_id) for job_id in job_ids)
        found = {job_id: self._job(job_id, items.get(job_key(job_id))) for job_id in job_ids}
        return {job_id: job for job_id, job in found.items() if job is not None}

    def _job(self, job_id: str, item: dict[str, Any] | None) -> Job | None:
        """The job an item holds, unless it is missing, past its TTL, or no job at all (an
        id holding ``#`` names another item, such as one of a job's variants)."""
        if not item or item.get("kind") != "job" or int(item.get("expires_at", 0)) <= self._clock():
            return None
        return Job(
            id=job_id,
            store_id=str(item["store_id"]),
            status=JobStatus(item["status"]),
            request=unpack(item["request"]) if "request" in item else {},
            total=int(item["total"]),
            done=len(item.get("done_indexes", ())),
            error=json.loads(item["error"]) if "error" in item else None,
            summary=json.loads(item["summary"]) if "summary" in item else {},
            created_at=float(item.get("created_at", 0)),
            cache_key=str(item.get("cache_key", "")),
            keep_until=int(item.get("keep_until", 0)),
        )

    def start(
        self,
        job_id: str,
        lease_seconds: float | None = None,
        holder: str = "",
        keep_until: int = 0,
    ) -> Job:
        """Running, and with ``lease_seconds`` leased to ``holder``.

        SQS delivers at least once (and a send retried after a lost answer queues the job
        twice), so two workers may receive one job at the same time; the lease lets only
        one of them write it. A worker leases for as long as its invocation may live, so a
        worker that dies never holds the job past the message's next delivery.
        """
        now = int(self._clock())
        expression = "SET #s = :running"
        condition = _NOT_FINAL + " AND expires_at > :now"
        values: dict[str, Any] = {":running": JobStatus.RUNNING.value, ":now": now}
        if lease_seconds is not None:
            expression += ", lease_until = :until, lease_holder = :holder"
            condition += " AND (attribute_not_exists(lease_until) OR lease_until <= :now)"
            # rounded down: the lease never outlasts the invocation that holds it
            values |= {":until": now + math.floor(lease_seconds), ":holder": holder}
        try:
            # The item as it was comes back from the update itself (no read after it):
            # the job is that item, now running; a queued one was never started before.
            old = self._update(
                job_id,
                expression,
                condition,
                {**values, **_FINAL_VALUES},
                keep_until=keep_until,
                returns="ALL_OLD",
            )
        except JobStateError:
            item = self._table.get(job_key(job_id)) or {}
            status = item.get("status")
            live = status not in (JobStatus.COMPLETED.value, JobStatus.FAILED.value, None)
            if live and int(item.get("lease_until", 0)) > now:
                raise JobLeasedError(f"job {job_id} is leased to another worker") from None
            raise
        job = self._job(job_id, old)
        if job is None:
            raise JobNotFoundError(job_id)
        started_before = old.get("status") != JobStatus.QUEUED.value
        return replace(job, status=JobStatus.RUNNING, started_before=started_before)

    def release(self, job_id: str, holder: str) -> None:
        with contextlib.suppress(ConditionFailedError):
            self._table.update(
                job_key(job_id),
                "REMOVE lease_until, lease_holder",
                "lease_holder = :holder",
                values={":holder": holder},
            )

    def save_variant(
        self,
        job_id: str,
        index: int,
        payload: dict[str, Any],
        keep_until: int = 0,
        counted: bool = True,
    ) -> None:
        self._table.put(
            {
                "pk": variant_key(job_id, index),
                "kind": "variant",
                "data": pack(payload),
                "expires_at": self._expiry(keep_until),
            }
        )
        if not counted:  # the job's last variant: ``complete`` counts it, one write fewer
            return
        # ADD to a set is idempotent: a redelivered variant does not count twice.
        self._update(
            job_id,
            "ADD done_indexes :idx",
            _NOT_FINAL,
            {":idx": {index}, **_FINAL_VALUES},
            keep_until=keep_until,
        )

    def variants(self, job_id: str, total: int) -> dict[int, dict[str, Any]]:
        keys = [variant_key(job_id, index) for index in range(total)]
        now = self._clock()
        return {
            int(pk.rsplit("#v", 1)[1]): unpack(item["data"])
            for pk, item in self._table.get_many(keys).items()
            if int(item.get("expires_at", 0)) > now
        }

    def complete(
        self,
        job_id: str,
        summary: dict[str, Any],
        keep_until: int = 0,
        done: Iterable[int] = (),
    ) -> None:
        values: dict[str, Any] = {
            ":completed": JobStatus.COMPLETED.value,
            ":running": JobStatus.RUNNING.value,
            ":summary": json.dumps(summary, separators=(",", ":")),
        }
        self._update(
            job_id,
            _counting(done, values) + "SET #s = :completed, summary = :summary",
            "attribute_exists(pk) AND #s = :running",
            values,
            keep_until=keep_until,
        )

    def fail(
        self,
        job_id: str,
        error: dict[str, Any],
        keep_until: int = 0,
        done: Iterable[int] = (),
    ) -> None:
        values: dict[str, Any] = {":error": json.dumps(error), **_FINAL_VALUES}
        self._update(
            job_id,
            _counting(done, values) + "SET #s = :failed, #e = :error",
            _NOT_FINAL,
            values,
            names={"#e": "error"},
            keep_until=keep_until,
        )

    def _update(
        self,
        job_id: str,
        expression: str,
        condition: str,
        values: dict[str, Any],
        names: dict[str, str] | None = None,
        keep_until: int = 0,
        returns: str = "UPDATED_OLD",
    ) -> dict[str, Any]:
        """A conditional update that also refreshes the TTL and moves the live count
        (a job kept until a given time keeps that expiry, and is not counted); returns
        the old values (``returns``: those updated, or the whole item)."""
        new_expiry = self._expiry(keep_until)
        refresh = (
            f"{expression}, expires_at = :exp"
            if "SET" in expression
            else (f"{expression} SET expires_at = :exp")
        )
        try:
            old = self._table.update(
                job_key(job_id),
                refresh,
                condition,
                names={"#s": "status", **(names or {})},
                values={**values, ":exp": new_expiry},
                returns=returns,
            )
        except ConditionFailedError as error:
            action = expression.split()[1]
            raise JobStateError(f"job {job_id}: {action} not allowed in its state") from error
        if "expires_at" in old and not keep_until:
            self._held.add(*self.live_counter.moves(float(old["expires_at"]), new_expiry))
        return old
