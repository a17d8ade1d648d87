"""Shapes of what the API returns."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ..storage import Job, JobStatus

MAX_WAIT_SECONDS = 25.0  # API Gateway cuts requests at 30 s
_WAIT = re.compile(r"(?:^|[\s,;])wait\s*=\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


def error_body(code: str, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    """``{"error": {code, message, details?}}`` — never a stack trace."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"error": error}


def failure_body(job: Job) -> dict[str, Any]:
    """A failed job's 502 body: why, per variant, and what its billed calls cost."""
    error = dict(job.error or {})
    body = error_body(
        "generation_failed",
        str(error.get("message") or "the job failed"),
        [
            {"index": v.get("index"), "code": v.get("code"), "message": v.get("message")}
            for v in error.get("variants", [])
        ]
        or None,
    )
    body["error"]["jobId"] = job.id
    body["error"]["usage"] = error.get(
        "usage", {"inputTokens": 0, "outputTokens": 0, "cachedTokens": 0}
    )
    body["error"]["costsUSD"] = error.get("costsUSD", {"total": 0.0, "priced": True})
    return body


def parse_prefer_wait(header: str | None, default: float) -> float:
    """Seconds to wait from a ``Prefer: wait=N`` header (RFC 7240), capped at 25."""
    match = _WAIT.search(header or "")
    seconds = float(match.group(1)) if match else default
    return max(0.0, min(seconds, MAX_WAIT_SECONDS))


def answered_result(result: dict[str, Any], coalesced: bool) -> dict[str, Any]:
    """The result as this caller receives it: ``cache`` is ``"hit"`` for a caller whose
    request was answered by an identical job already in flight (no generation of its own),
    as for one answered from the cache; the job's own document says ``"miss"``."""
    return {**result, "cache": "hit"} if coalesced else result


def status_url(job_id: str, store_id: str) -> str:
    return f"/api/email/jobs/{job_id}?storeId={quote(store_id, safe='')}"


def job_document(job: Job, result: dict[str, Any] | None = None) -> dict[str, Any]:
    """``GET /api/email/jobs/{id}``: status, progress, and the result or error."""
    document: dict[str, Any] = {
        "jobId": job.id,
        "status": job.status.value,
        "progress": {"done": job.done, "total": job.total},
    }
    if job.status is JobStatus.COMPLETED and result is not None:
        document["result"] = result
    if job.error:
        document["error"] = job.error
    return document
