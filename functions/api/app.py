"""HTTP API: adapts API Gateway (HTTP API, payload v2) requests to the services."""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from sbemail.api import (
    answered_result,
    arrival_time,
    failure_body,
    job_document,
    json_body,
    parse_prefer_wait,
    require_json,
    status_url,
)
from sbemail.api.resolver import guard_operations, json_response, map_errors
from sbemail.bootstrap import services
from sbemail.service import InvalidRequestError

MAX_BODY_BYTES = 256 * 1024
logger = Logger()
metrics = Metrics()
tracer = Tracer()
app = APIGatewayHttpResolver()
guard_operations(app, lambda: services().settings.admin_token)
map_errors(app, logger)


@app.get("/health")
def health() -> dict[str, Any]:
    return {"status": "ok", "blocks": len(services().library)}


@app.post("/api/email/generate")
@app.post("/api/generate-emails")
def generate() -> Response:
    event = app.current_event
    arrived = arrival_time(event.raw_event.get("requestContext") or {}, time.time())
    require_json(event.headers.get("content-type"))
    body = json_body(event.body, event.is_base64_encoded, MAX_BODY_BYTES)
    generation = services().generation
    submission = generation.submit(body)
    served = submission.result is not None or submission.coalesced  # no generation of its own
    metrics.add_metric("CacheHit" if served else "CacheMiss", MetricUnit.Count, 1)
    if submission.result is not None:
        return json_response(200, submission.result)
    assert submission.job_id is not None
    wait = parse_prefer_wait(event.headers.get("prefer"), services().settings.default_wait_seconds)
    job = generation.wait(submission.job_id, wait, arrived=arrived)  # deadline from arrival
    if job.status.value == "completed":
        return json_response(200, answered_result(generation.result(job), submission.coalesced))
    if job.status.value == "failed":
        return json_response(502, failure_body(job))
    accepted = {"jobId": job.id, "status": job.status.value, "pollAfterMs": 1000}
    return json_response(202, {**accepted, "statusUrl": status_url(job.id, submission.store_id)})


@app.get("/api/email/jobs/<job_id>")
def job_status(job_id: str) -> Response:
    store_id = app.current_event.get_query_string_value("storeId")
    if not store_id:
        raise InvalidRequestError("storeId is required", [{"field": "storeId"}])
    generation = services().generation
    job = generation.status(job_id, store_id)
    result = generation.result(job) if job.status.value == "completed" else None
    return json_response(200, job_document(job, result))


@app.get("/api/email/stats")
def stats() -> dict[str, Any]:
    return {"success": True, "stats": services().operations.stats()}


@app.post("/api/email/cache/clear")
def clear_cache() -> dict[str, Any]:
    return {"success": True, "cleared": services().operations.clear_cache()}


@app.post("/api/email/cache/cleanup")
def cleanup() -> dict[str, Any]:
    return {"success": True, **services().operations.cleanup()}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
