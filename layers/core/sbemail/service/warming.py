"""Cache warming: fill the response cache ahead of time, e.g. the evening before a
campaign, so the campaign's requests are hits from the first one.

Each request goes through the generation service's own submit path (validation, the
cache claim, the queue and the worker), so a warm-up is an ordinary job and identical
requests coalesce with it. Warming differs in three ways: it counts neither hits nor
misses (the hit rate stays the callers'), an entry it creates starts at the cache's cap
(24 hours by default) instead of the base TTL, and a cached entry it finds is extended
to its cap. The cap counts from when an entry was generated, so warming never makes a
result older than the cap.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import InvalidRequestError
from .generate import GenerationService

logger = logging.getLogger(__name__)

MAX_WARM_REQUESTS = 100
"""Requests per warm-up call: one call stays well inside the API's 30-second limit."""


class WarmRequest(BaseModel):
    """The body of a warm-up: ``requests`` (generate bodies), or ``batchId`` (a batch's
    requests, once batches exist). Each item is validated by the generation service,
    so one invalid item is reported on its own instead of failing the call."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    requests: list[Any] | None = Field(default=None, max_length=MAX_WARM_REQUESTS)
    batch_id: str | None = Field(default=None, alias="batchId", min_length=1, max_length=200)


def parse_warm_request(body: Any) -> WarmRequest:
    """Validate a warm-up body, naming the field at fault.

    Raises:
        InvalidRequestError: not an object, an unknown field, neither or both forms,
            more than ``MAX_WARM_REQUESTS`` requests, or a ``batchId`` (not available).
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
    if warm.batch_id is not None:
        message = "batchId warming not available yet; send the requests"
        raise InvalidRequestError(message, [{"field": "batchId", "message": message}])
    if not warm.requests:
        message = "requests must hold at least one request"
        raise InvalidRequestError(message, [{"field": "requests", "message": message}])
    return warm


class WarmingService:
    """Warms the response cache through the generation service."""

    def __init__(self, generation: GenerationService) -> None:
        self._generation = generation

    def warm(self, body: Any) -> dict[str, Any]:
        """Submit every request as a warm-up; report what became of each.

        Returns:
            ``{"summary": {status: count}, "items": [...]}``: per item its ``index`` and
            ``status``: ``cached`` (already there, now kept until its cap), ``queued``
            (with the ``jobId`` that will fill it, maybe one already in flight),
            ``invalid`` (with the ``error``) or ``failed`` (could not be queued).
        """
        warm = parse_warm_request(body)
        items = [self._warm_one(index, item) for index, item in enumerate(warm.requests or [])]
        summary = dict.fromkeys(("cached", "queued", "invalid", "failed"), 0)
        for item in items:
            summary[item["status"]] += 1
        return {"summary": summary, "items": items}

    def _warm_one(self, index: int, body: Any) -> dict[str, Any]:
        try:
            submission = self._generation.submit(body, warm=True)
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
