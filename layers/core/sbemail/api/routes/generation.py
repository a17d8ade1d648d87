"""Generation routes: submit a request (answered from the cache, in time, or as a job) and
read a job's status and result. What each answers is documented in ``api.contract``."""

from __future__ import annotations

import time
from typing import Annotated, Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit

from ...bootstrap import services
from ...domain import MAX_STORE_ID, STORE_ID_PATTERN
from .. import contract
from ..bodies import arrival_time, json_request
from ..documents import answered_result, failure_body, job_document, parse_prefer_wait, status_url
from ..resolver import json_response
from ..streaming import buffered_response, is_stream_request

router = APIGatewayHttpRouter()
metrics = Metrics()

PreferHeader = Annotated[
    str | None,
    Header(description="wait=N: seconds to wait for the result (at most 25) before a 202"),
]
StreamFlag = Annotated[
    str | None,
    Query(
        description=(
            "1 (or true, yes): answer with server-sent events, as `Accept: "
            "text/event-stream` does, for clients whose Accept header is fixed"
        ),
        max_length=8,
    ),
]
JobId = Annotated[str, Path(description="the jobId of a 202", min_length=1, max_length=64)]
StoreId = Annotated[
    str,
    Query(
        alias="storeId",
        description="the storeId the job was submitted with",
        min_length=1,
        max_length=MAX_STORE_ID,
        pattern=STORE_ID_PATTERN,
    ),
]


@router.post("/api/email/generate", **contract.GENERATE)
@router.post("/api/generate-emails", **contract.GENERATE_ALIAS)
def generate(prefer: PreferHeader = None, stream: StreamFlag = None) -> Response[Any]:
    event = router.current_event
    if is_stream_request(event.raw_event):  # Accept: text/event-stream, or `stream`
        return buffered_response(event.raw_event)
    arrived = arrival_time(event.raw_event.get("requestContext") or {}, time.time())
    body = json_request(
        event.headers.get("content-type"), event.body, bool(event.is_base64_encoded)
    )
    generation = services().generation
    submission = generation.submit(body)
    served = submission.result is not None or submission.coalesced  # no generation of its own
    metrics.add_metric("CacheHit" if served else "CacheMiss", MetricUnit.Count, 1)
    if submission.extended:  # adaptive TTL: the hit kept its entry alive longer
        metrics.add_metric("CacheTtlExtended", MetricUnit.Count, 1)
    if submission.result is not None:
        return json_response(200, submission.result)
    assert submission.job_id is not None
    wait = parse_prefer_wait(prefer, services().settings.default_wait_seconds)
    # the deadline counts from arrival; the job as submitting saw it saves a first read
    job = generation.wait(submission.job_id, wait, arrived=arrived, seen=submission.job)
    if job.status.value == "completed":
        return json_response(200, answered_result(generation.result(job), submission.coalesced))
    if job.status.value == "failed":
        return json_response(502, failure_body(job))
    accepted = {"jobId": job.id, "status": job.status.value, "pollAfterMs": 1000}
    return json_response(202, {**accepted, "statusUrl": status_url(job.id, submission.store_id)})


@router.get("/api/email/jobs/<job_id>", **contract.JOB_STATUS)
def job_status(job_id: JobId, store_id: StoreId) -> Response[Any]:
    generation = services().generation
    job = generation.progress(job_id, store_id)  # the request itself is not shown
    result = generation.result(job) if job.status.value == "completed" else None
    return json_response(200, job_document(job, result))
