"""HTTP API: adapts API Gateway (HTTP API, payload v2) requests to the services."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from sbemail.api import check_operator, error_body, job_document, parse_prefer_wait, status_url
from sbemail.bootstrap import services
from sbemail.service import InvalidRequestError, JobUnavailableError, ServiceError

MAX_BODY_BYTES = 256 * 1024
logger = Logger()
metrics = Metrics()
app = APIGatewayHttpResolver()


def _json(status: int, document: dict[str, Any]) -> Response:
    return Response(status, "application/json", json.dumps(document))


def _fail(status: int, code: str, message: str, details: list[Any] | None = None) -> Response:
    return _json(status, error_body(code, message, details))


@app.get("/health")
def health() -> dict[str, Any]:
    return {"status": "ok", "blocks": len(services().library)}


@app.post("/api/email/generate")
@app.post("/api/generate-emails")
def generate() -> Response:
    raw = app.current_event.decoded_body or ""
    if len(raw.encode()) > MAX_BODY_BYTES:
        return _fail(413, "body_too_large", f"request body exceeds {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(raw)
    except ValueError:
        return _fail(400, "invalid_json", "request body is not valid JSON")
    generation = services().generation
    submission = generation.submit(body)
    served = submission.result is not None or submission.coalesced  # no generation of its own
    metrics.add_metric("CacheHit" if served else "CacheMiss", MetricUnit.Count, 1)
    if submission.result is not None:
        return _json(200, submission.result)
    assert submission.job_id is not None
    wait = parse_prefer_wait(
        app.current_event.headers.get("prefer"), services().settings.default_wait_seconds
    )
    job = generation.wait(submission.job_id, wait)
    if job.status.value == "completed":
        return _json(200, generation.result(job))
    if job.status.value == "failed":
        return _fail(502, "generation_failed", "the job failed", [job.error or {}])
    accepted = {"jobId": job.id, "status": job.status.value, "pollAfterMs": 1000}
    return _json(202, {**accepted, "statusUrl": status_url(job.id, submission.store_id)})


@app.get("/api/email/jobs/<job_id>")
def job_status(job_id: str) -> Response:
    store_id = app.current_event.get_query_string_value("storeId")
    if not store_id:
        raise InvalidRequestError("storeId is required", [{"field": "storeId"}])
    generation = services().generation
    job = generation.status(job_id, store_id)
    result = generation.result(job) if job.status.value == "completed" else None
    return _json(200, job_document(job, result))


@app.get("/api/email/stats")
def stats() -> dict[str, Any]:
    return {"success": True, "stats": services().operations.stats()}


@app.post("/api/email/cache/clear")
def clear_cache() -> dict[str, Any]:
    return {"success": True, "cleared": services().operations.clear_cache()}


@app.post("/api/email/cache/cleanup")
def cleanup() -> dict[str, Any]:
    return {"success": True, **services().operations.cleanup()}


def operators_only(app: APIGatewayHttpResolver, next_middleware: Any) -> Response:
    """Operations routes: IAM in the cloud, a bearer token locally (see sbemail.api.auth)."""
    path = app.current_event.path
    if path.startswith(("/api/email/stats", "/api/email/cache/")):
        event = app.current_event
        check = check_operator(
            event.headers,
            event.raw_event.get("requestContext", {}),
            services().settings.admin_token,
        )
        if not check.allowed:
            code = "unauthorized" if check.status == 401 else "forbidden"
            return _fail(check.status, code, check.message)
    return next_middleware(app)


app.use(middlewares=[operators_only])


@app.not_found
def not_found(_: Exception) -> Response:
    return _fail(404, "not_found", "no such route")


@app.exception_handler(InvalidRequestError)
def invalid_request(error: InvalidRequestError) -> Response:
    return _fail(400, error.code, error.message, error.details)


@app.exception_handler(JobUnavailableError)
def job_unavailable(error: JobUnavailableError) -> Response:
    return _fail(404, error.code, error.message)


@app.exception_handler(ServiceError)
def service_error(error: ServiceError) -> Response:
    return _fail(500, error.code, error.message)


@app.exception_handler(Exception)
def unexpected(error: Exception) -> Response:
    logger.exception("unhandled error")
    return _fail(500, "internal_error", "internal error; it has been logged")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
