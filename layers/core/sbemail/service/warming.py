"""Cache warming: fill the response cache ahead of time, e.g. the evening before a
campaign, so the campaign's requests are hits from the first one.

Each request goes through the generation service's own admission (the cache claim, the
queue and the worker), so a warm-up is an ordinary job and identical requests coalesce
with it. Warming differs in three ways: it counts neither hits nor misses (the hit rate
stays the callers'), an entry it creates starts at the cache's cap (24 hours by default)
instead of the base TTL, and a cached entry it finds is extended to its cap. The cap
counts from when an entry was generated, so warming never makes a result older than the
cap.

The requests are given in the body, or named by a ``batchId`` (with its ``storeId``):
then the batch's own requests are replayed, as its items were admitted (defaults merged,
brand resolved), so a campaign sent as a batch can be warmed again without resending it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..domain import MAX_STORE_ID, STORE_ID_PATTERN
from .batches import BatchService
from .errors import InvalidRequestError
from .generate import GenerationService, Submission
from .requests import ID_PATTERN, MAX_ID

logger = logging.getLogger(__name__)

MAX_WARM_REQUESTS = 100
"""Requests per warm-up call: one call stays well inside the API's 30-second limit."""


STATUSES = ("cached", "queued", "invalid", "failed")


class WarmRequest(BaseModel):
    """The body of a warm-up: ``requests`` (generate bodies), or ``batchId`` and
    ``storeId`` (the batch's requests; a batch is only its store's). Each item is
    validated on its own, so one invalid item is reported alone instead of failing the
    call."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    requests: list[Any] | None = Field(default=None, max_length=MAX_WARM_REQUESTS)
    batch_id: str | None = Field(
        default=None, alias="batchId", min_length=1, max_length=MAX_ID, pattern=ID_PATTERN
    )
    store_id: str | None = Field(
        default=None,
        alias="storeId",
        min_length=1,
        max_length=MAX_STORE_ID,
        pattern=STORE_ID_PATTERN,
    )


def parse_warm_request(body: Any) -> WarmRequest:
    """Validate a warm-up body, naming the field at fault.

    Raises:
        InvalidRequestError: not an object, an unknown field, neither or both forms,
            more than ``MAX_WARM_REQUESTS`` requests, a ``batchId`` without its
            ``storeId`` or a ``storeId`` without a ``batchId``.
    """
    if not isinstance(body, dict):
        raise InvalidRequestError("request body must be a JSON object", [{"field": "$"}])
    try:
        warm = WarmRequest.model_validate(body)
    except ValidationError as error:
        details = [
            {"field": ".".join(str(p) for p in issue["loc"]) or "$", "message": issue["msg"]}
            for issue in error.errors(include_url=False, include_input=False)
        ][:20]
        fields = ", ".join(dict.fromkeys(d["field"] for d in details))
        raise InvalidRequestError(f"invalid fields: {fields}", details) from None
    if (warm.requests is None) == (warm.batch_id is None):
        message = "give either requests or batchId"
        raise InvalidRequestError(message, [{"field": "requests", "message": message}])
    if (warm.batch_id is None) != (warm.store_id is None):
        message = (
            "storeId is required with batchId: the batch's store"
            if warm.store_id is None
            else "storeId goes with batchId only; each request names its own"
        )
        raise InvalidRequestError(
            "invalid fields: storeId", [{"field": "storeId", "message": message}]
        )
    if warm.batch_id is not None:
        return warm
    if not warm.requests:
        message = "requests must hold at least one request"
        raise InvalidRequestError(message, [{"field": "requests", "message": message}])
    return warm


class WarmingService:
    """Warms the response cache through the generation service."""

    def __init__(self, generation: GenerationService, batches: BatchService | None = None) -> None:
        """``batches`` finds the requests of a ``batchId`` (without it, only the
        ``requests`` form is served)."""
        self._generation = generation
        self._batches = batches

    def warm(self, body: Any) -> dict[str, Any]:
        """Submit every request as a warm-up; report what became of each.

        Returns:
            ``{"summary": {status: count}, "items": [...]}``: per item its ``index`` and
            ``status``: ``cached`` (already there, now kept until its cap), ``queued``
            (with the ``jobId`` that will fill it, maybe one already in flight),
            ``invalid`` (with the ``error``) or ``failed`` (could not be queued). A
            batch's item repeating an earlier one says which (``duplicateOf``) and
            shares its outcome; the batch's ``batchId`` is reported with them.

        Raises:
            InvalidRequestError: the body is wrong (``parse_warm_request``).
            BatchError: no such batch for that store (a 404 naming ``batchId``).
        """
        warm = parse_warm_request(body)
        if warm.batch_id is not None:
            assert warm.store_id is not None
            items = self._warm_batch(warm.batch_id, warm.store_id)
            return {**_report(items), "batchId": warm.batch_id}
        items = [
            self._warm_one(index, partial(self._generation.submit, raw, warm=True))
            for index, raw in enumerate(warm.requests or [])
        ]
        return _report(items)

    def _warm_batch(self, batch_id: str, store_id: str) -> list[dict[str, Any]]:
        """The batch's items replayed in order: each distinct valid one warmed with the
        request it was admitted with, each duplicate given its first item's outcome,
        each invalid one reported with the error the batch gave it."""
        if self._batches is None:
            message = "batchId warming is not available here; send the requests"
            raise InvalidRequestError(message, [{"field": "batchId", "message": message}])
        batch = self._batches.get(batch_id, store_id, field="batchId")
        requests = self._batches.admitted_requests(batch)
        items: list[dict[str, Any]] = []
        for entry in batch.items:
            index = entry["index"]
            if "duplicateOf" in entry:
                first = items[entry["duplicateOf"]]
                items.append({**first, "index": index, "duplicateOf": first["index"]})
            elif (request := requests.get(index)) is not None:
                admit = partial(self._generation.admit, request, warm=True)
                items.append(self._warm_one(index, admit))
            else:
                items.append(_unwarmable(index, store_id, entry, index in requests))
        return items

    def _warm_one(self, index: int, submit: Callable[[], Submission]) -> dict[str, Any]:
        try:
            submission = submit()
        except InvalidRequestError as error:
            error_body = {"code": error.code, "message": error.message, "details": error.details}
            return {"index": index, "status": "invalid", "error": error_body}
        except Exception:
            logger.exception("could not warm request %d", index)
            failure = {"code": "queue_unavailable", "message": "could not queue; try again"}
            return {"index": index, "status": "failed", "error": failure}
        item: dict[str, Any] = {"index": index, "storeId": submission.store_id}
        if submission.result is not None:
            return {**item, "status": "cached"}
        return {**item, "status": "queued", "jobId": submission.job_id}


def _unwarmable(index: int, store_id: str, entry: dict[str, Any], outdated: bool) -> dict[str, Any]:
    """A batch item with no request to replay: invalid when the batch refused it (its
    error as the batch gave it), else failed (its request is no longer valid, or the
    batch predates kept requests)."""
    item: dict[str, Any] = {"index": index, "storeId": store_id}
    error = entry.get("error")
    if error is not None and error.get("code") == "invalid_request":
        return {**item, "status": "invalid", "error": error}
    message = (
        "its request no longer validates; send it again"
        if outdated
        else "its request was not kept with the batch; send it again"
    )
    return {
        **item,
        "status": "failed",
        "error": {"code": "request_unavailable", "message": message},
    }


def _report(items: list[dict[str, Any]]) -> dict[str, Any]:
    summary = dict.fromkeys(STATUSES, 0)
    for item in items:
        summary[item["status"]] += 1
    return {"summary": summary, "items": items}
