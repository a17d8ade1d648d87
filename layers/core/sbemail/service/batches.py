"""The batch use case: many generate requests in one call, each answered on its own.

A batch is an envelope (``storeId``, ``requests``, optional ``mode`` and ``defaults``)
around up to 100 requests shaped like the single route's; ``defaults`` holds the fields
they share (the brand profile, say) so a batch of 100 fits the 256 KB body limit, and
``storeId`` is the batch's: an item may repeat it but not name another store. The
envelope is checked as a whole (a bad one is a 400); every request inside it is then
checked on its own, so one invalid item is an error entry of its own and never fails
its neighbours. Each valid item goes through the
generate use case's own admission (``GenerationService.admit``): answered from the
response cache, attached to an identical job in flight, or given a job of its own.
Identical items inside the batch are recognised before that (same store and cache
digest) and share the first one's outcome, so they cost one generation with or without
a cache. New jobs are queued together, ten to an SQS call; a job that cannot be queued
is failed at once (its item says so) rather than left waiting. The request each distinct
valid item was admitted with (defaults merged, brand resolved) is kept with the batch,
so the cache can be warmed with the batch later (``admitted_requests``).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..content.openai_batches import WINDOW_SECONDS
from ..domain import GenerateRequest, is_store_id
from ..queue import JobQueue
from ..storage import Batch, DynamoDBBatchStore, Job, JobStatus
from .errors import InvalidRequestError, JobUnavailableError, ServiceError
from .generate import GenerationService
from .requests import new_job_id

logger = logging.getLogger(__name__)

MAX_ITEMS = 100
ECONOMY_UNAVAILABLE = (
    "economy mode needs OpenAI's Responses API (an API key, no OPENAI_BASE_URL); "
    "this batch runs in standard mode"
)
MODES = ("standard", "economy")


@dataclass(frozen=True)
class BatchSubmission:
    """The stored batch and what each of its items became, as answered to the caller."""

    batch: Batch
    counts: Counter[str]
    """How many items were ``jobs`` (new generations), ``cached``, ``coalesced`` onto a
    job in flight, ``duplicates`` of an earlier item, and ``invalid``."""


class BatchError(JobUnavailableError):
    """No such batch (unknown, expired, or another store's): a 404 like an unknown job."""

    code = "batch_not_found"

    def __init__(self, batch_id: str, field: str | None = None) -> None:
        """``field``: the request field that named the batch (a body's ``batchId``), for
        the error's details."""
        message = "no such batch (unknown, expired, or not yours)"
        details = [{"field": field, "message": message}] if field else None
        ServiceError.__init__(self, message, details)
        self.job_id = batch_id
        self.batch_id = batch_id


class BatchService:
    """Accepts batches of generate requests and reports their progress."""

    def __init__(
        self,
        generation: GenerationService,
        store: DynamoDBBatchStore,
        queue: JobQueue,
        clock: Callable[[], float] = time.time,
        economy: Callable[[], bool] = lambda: False,
        economy_ttl_seconds: int = WINDOW_SECONDS + 3600,
    ) -> None:
        """``economy`` says whether economy batches can run here (the Batch API is
        OpenAI's Responses API's); an economy batch and its jobs live
        ``economy_ttl_seconds`` (the Batch API's 24 h window and time to read them)."""
        self._generation = generation
        self._store = store
        self._queue = queue
        self._clock = clock
        self._economy = economy
        self._economy_ttl = economy_ttl_seconds

    # -- submitting ----------------------------------------------------------------------

    def submit(self, body: Any) -> BatchSubmission:
        """Admit every valid item of a batch and queue the new jobs.

        Raises:
            InvalidRequestError: the envelope is wrong (not an object, no ``storeId``,
                ``requests`` not a list of 1 to 100 items, an unknown ``mode``).
        """
        store_id, requests, mode, defaults = _envelope(body)
        state: dict[str, Any] = {}
        if mode == "economy" and not self._economy():
            mode = "standard"
            state["warnings"] = [ECONOMY_UNAVAILABLE]
        ttl = self._economy_ttl if mode == "economy" else 0
        keep_until = int(self._clock()) + ttl if ttl else 0
        items: list[dict[str, Any]] = []
        answers: dict[int, dict[str, Any]] = {}
        first_of: dict[str, int] = {}
        new_jobs: list[str] = []
        admitted: dict[int, dict[str, Any]] = {}
        counts: Counter[str] = Counter()
        for index, raw in enumerate(requests):
            try:
                request = self._parse_item(raw, store_id, defaults)
            except InvalidRequestError as error:
                items.append({"index": index, "error": _error(error.code, error.message, error)})
                counts["invalid"] += 1
                continue
            key = self._generation.request_key(request)
            if key in first_of:
                original = items[first_of[key]]
                items.append(
                    {**_outcome(original), "index": index, "duplicateOf": original["index"]}
                )
                counts["duplicates"] += 1
                continue
            first_of[key] = index
            admitted[index] = request.model_dump(mode="json", by_alias=True)  # as a job's
            item = self._admit(index, request, answers, new_jobs, keep_until)
            counts[_kind(item)] += 1
            items.append(item)
        if mode == "economy":
            state.update(phase="new", jobs=new_jobs)
        batch = Batch(new_job_id(), store_id, mode, items, self._clock(), state=state)
        try:
            batch = self._store.create(batch, answers, ttl=ttl, requests=admitted)
            if mode == "economy" and new_jobs:
                self._store.mark_open(batch.id)  # the poller takes it from here
        except Exception:
            for job_id in new_jobs:  # nobody could ever ask for them: do not run them
                self._generation.unqueue(job_id, "could not record the batch")
            raise
        if mode == "economy":
            return BatchSubmission(batch, counts)
        unsent = set(self._queue.send_many(new_jobs)) if new_jobs else set()
        for job_id in unsent:
            self._generation.unqueue(job_id)
        counts["unqueued"] = len(unsent)
        return BatchSubmission(batch, counts)

    def _parse_item(self, raw: Any, store_id: str, defaults: dict[str, Any]) -> GenerateRequest:
        """One item as a request of the batch's store: the batch's ``defaults`` under the
        item's own fields; an item may repeat the batch's ``storeId`` but not name
        another (one batch, one store)."""
        if isinstance(raw, dict):
            raw = {**defaults, **raw}
            given = raw.get("storeId", store_id)
            if given != store_id:
                raise InvalidRequestError(
                    "invalid fields: storeId",
                    [{"field": "storeId", "message": "must be the batch's storeId"}],
                )
            raw = {**raw, "storeId": store_id}
        return self._generation.parse(raw)

    def _admit(
        self,
        index: int,
        request: GenerateRequest,
        answers: dict[int, dict[str, Any]],
        new_jobs: list[str],
        keep_until: int,
    ) -> dict[str, Any]:
        try:
            submission = self._generation.admit(request, enqueue=False, keep_until=keep_until)
        except Exception:  # one item's storage failure is that item's, not the batch's
            logger.exception("could not admit item %d of a batch", index)
            return {"index": index, "error": _error("internal_error", "could not accept it")}
        if submission.result is not None:
            answers[index] = submission.result
            return {"index": index, "cache": "hit"}
        assert submission.job_id is not None
        if submission.coalesced:
            return {"index": index, "jobId": submission.job_id, "coalesced": True}
        new_jobs.append(submission.job_id)
        return {"index": index, "jobId": submission.job_id}

    # -- reading -------------------------------------------------------------------------

    def get(self, batch_id: str, store_id: str, field: str | None = None) -> Batch:
        """The live batch (``BatchError`` naming ``field`` if unknown, expired or another
        store's)."""
        batch = self._store.get(batch_id)
        if batch is None or batch.store_id != store_id:
            raise BatchError(batch_id, field)
        return batch

    def admitted_requests(self, batch: Batch) -> dict[int, GenerateRequest | None]:
        """The requests the batch's distinct valid items were admitted with, by index
        (duplicates share their first item's; invalid items have none). ``None`` for a
        kept request that no longer validates (the request schema changed since)."""
        indexes = [item["index"] for item in batch.items if "duplicateOf" not in item]
        kept = self._store.requests(batch.id, indexes)
        requests: dict[int, GenerateRequest | None] = {}
        for index, document in sorted(kept.items()):
            try:
                requests[index] = GenerateRequest.model_validate(document)
            except ValidationError:
                logger.warning(
                    "the kept request of item %d of batch %s is invalid", index, batch.id
                )
                requests[index] = None
        return requests

    def status(self, batch: Batch) -> tuple[list[dict[str, Any]], dict[str, int]]:
        """Each item's status (from its job, read 100 to a call) and the batch's progress:
        ``done`` items have their result, ``failed`` ones never will."""
        job_ids = list(dict.fromkeys(i["jobId"] for i in batch.items if "jobId" in i))
        jobs = self._generation.jobs(job_ids) if job_ids else {}
        statuses = [_item_status(item, jobs) for item in batch.items]
        progress = {
            "done": sum(s["status"] == JobStatus.COMPLETED.value for s in statuses),
            "failed": sum(s["status"] in _FAILED for s in statuses),
            "total": len(statuses),
        }
        return statuses, progress

    def completion_latency(self, batch: Batch, progress: dict[str, int]) -> float | None:
        """Seconds from a standard batch's acceptance to the first status read that found
        every item ended (an upper bound: no worker knows its job's batch), reported once
        per batch; ``None`` otherwise. Economy batches report theirs from the poller."""
        if batch.mode != "standard" or progress["done"] + progress["failed"] < progress["total"]:
            return None
        now = self._clock()
        return now - batch.created_at if self._store.record_completion(batch.id, now) else None

    def item(self, batch: Batch, index: int) -> tuple[dict[str, Any], Job | None]:
        """Item ``index``: its entry and its job (``None`` for a cached or invalid item);
        an item answered from the cache carries its ``result``."""
        if not 0 <= index < len(batch.items):
            raise BatchError(batch.id)
        entry = dict(batch.items[index])
        if entry.get("cache") == "hit":
            answered = entry.get("duplicateOf", index)
            result = self._store.answer(batch.id, answered)
            if result is None:
                raise BatchError(batch.id)
            return {**entry, "result": result}, None
        if "jobId" in entry:
            return entry, self._generation.status(entry["jobId"], batch.store_id)
        return entry, None


_FAILED = ("failed", "invalid", "expired")


def _item_status(item: dict[str, Any], jobs: dict[str, Job]) -> dict[str, Any]:
    if "error" in item:
        return {**item, "status": "invalid"}
    if item.get("cache") == "hit":
        return {**item, "status": JobStatus.COMPLETED.value}
    job = jobs.get(item["jobId"])
    if job is None:  # its job outlived its TTL (or was never stored)
        return {**item, "status": "expired"}
    status: dict[str, Any] = {
        **item,
        "status": job.status.value,
        "progress": {"done": job.done, "total": job.total},
    }
    if job.error:
        status["error"] = {"code": job.error.get("code"), "message": job.error.get("message")}
    return status


def _outcome(item: dict[str, Any]) -> dict[str, Any]:
    """What a duplicate shares with the item it repeats (its job, or its cache hit)."""
    return {k: v for k, v in item.items() if k in ("jobId", "cache", "coalesced", "error")}


def _kind(item: dict[str, Any]) -> str:
    if "error" in item:
        return "invalid"
    if item.get("cache") == "hit":
        return "cached"
    return "coalesced" if item.get("coalesced") else "jobs"


def _error(code: str, message: str, error: InvalidRequestError | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if error is not None and error.details:
        body["details"] = error.details
    return body


def _envelope(body: Any) -> tuple[str, list[Any], str, dict[str, Any]]:
    """The batch's store, items, mode and defaults, or one 400 naming every bad
    envelope field."""
    if not isinstance(body, dict):
        raise InvalidRequestError("request body must be a JSON object", [{"field": "$"}])
    problems: list[dict[str, str]] = []
    store_id = body.get("storeId")
    if not is_store_id(store_id):  # as a single request's storeId
        problems.append(
            {
                "field": "storeId",
                "message": "required: the store of every item (1-128 of A-Z a-z 0-9 _ . : -)",
            }
        )
    requests = body.get("requests")
    if not isinstance(requests, list):
        problems.append({"field": "requests", "message": "required: a list of requests"})
    elif not 1 <= len(requests) <= MAX_ITEMS:
        problems.append(
            {"field": "requests", "message": f"1 to {MAX_ITEMS} requests, not {len(requests)}"}
        )
    mode = body.get("mode", "standard")
    if mode not in MODES:
        problems.append({"field": "mode", "message": "one of: " + ", ".join(MODES)})
    defaults = body.get("defaults", {})
    if not isinstance(defaults, dict) or "storeId" in defaults:
        problems.append({"field": "defaults", "message": "an object of request fields"})
    unknown = sorted(set(body) - {"storeId", "requests", "mode", "defaults"})
    problems.extend({"field": str(name)[:60], "message": "unknown field"} for name in unknown[:5])
    if problems:
        fields = ", ".join(dict.fromkeys(p["field"] for p in problems))
        raise InvalidRequestError(f"invalid fields: {fields}", problems)
    assert isinstance(store_id, str) and isinstance(requests, list)
    return store_id, requests, str(mode), defaults
