"""HTTP API: adapts API Gateway (HTTP API, payload v2) requests to the service."""

from __future__ import annotations

import json
import re
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths

from sbemail.bootstrap import services
from sbemail.service import InvalidRequestError, JobUnavailableError, ServiceError
from sbemail.storage import Job

MAX_BODY_BYTES = 256 * 1024
logger = Logger()
app = APIGatewayHttpResolver()


def _error(status: int, code: str, message: str, details: list[Any] | None = None) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return Response(status, "application/json", json.dumps({"error": body}))


def _json(status: int, document: dict[str, Any]) -> Response:
    return Response(status, "application/json", json.dumps(document))


def _wait_seconds() -> float:
    prefer = app.current_event.headers.get("prefer", "") or ""
    match = re.search(r"\bwait=(\d+(?:\.\d+)?)", prefer)
    default = services().settings.default_wait_seconds
    return min(float(match.group(1)), 25.0) if match else default


def _job_document(job: Job) -> dict[str, Any]:
    document: dict[str, Any] = {
        "jobId": job.id,
        "status": job.status.value,
        "progress": {"done": job.done, "total": job.total},
    }
    if job.status.value == "completed":
        document["result"] = services().generation.result(job)
    if job.error:
        document["error"] = job.error
    return document


@app.get("/health")
def health() -> dict[str, Any]:
    return {"status": "ok", "blocks": len(services().library)}


@app.post("/api/email/generate")
@app.post("/api/generate-emails")
def generate() -> Response:
    raw = app.current_event.decoded_body or ""
    if len(raw.encode()) > MAX_BODY_BYTES:
        return _error(413, "body_too_large", f"request body exceeds {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(raw)
    except ValueError:
        return _error(400, "invalid_json", "request body is not valid JSON")
    generation = services().generation
    job = generation.wait(generation.submit(body).id, _wait_seconds())
    if job.status.value == "completed":
        return _json(200, generation.result(job))
    return _json(
        202,
        {
            "jobId": job.id,
            "status": job.status.value,
            "statusUrl": f"/api/email/jobs/{job.id}",
            "pollAfterMs": 1000,
        },
    )


@app.get("/api/email/jobs/<job_id>")
def job_status(job_id: str) -> Response:
    return _json(200, _job_document(services().generation.status(job_id)))


@app.exception_handler(InvalidRequestError)
def invalid_request(error: InvalidRequestError) -> Response:
    return _error(400, error.code, error.message, error.details)


@app.exception_handler(JobUnavailableError)
def job_unavailable(error: JobUnavailableError) -> Response:
    return _error(404, error.code, error.message)


@app.exception_handler(ServiceError)
def service_error(error: ServiceError) -> Response:
    return _error(500, error.code, error.message)


@app.exception_handler(Exception)
def unexpected(error: Exception) -> Response:
    logger.exception("unhandled error")
    return _error(500, "internal_error", "internal error; it has been logged")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
