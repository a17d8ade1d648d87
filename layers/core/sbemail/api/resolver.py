"""What every HTTP route shares: JSON responses, the error mapping, the operators' guard.

Registered on the handler's resolver so the handler itself stays a short list of routes.
This is the one place where service errors become HTTP statuses.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from ..service import InvalidRequestError, JobUnavailableError, ServiceError
from .auth import check_operator
from .documents import error_body

OPERATIONS_PREFIXES = ("/api/email/stats", "/api/email/cache/")


def json_response(status: int, document: dict[str, Any]) -> Response:
    return Response(status, "application/json", json.dumps(document))


def error_response(
    status: int, code: str, message: str, details: list[Any] | None = None
) -> Response:
    return json_response(status, error_body(code, message, details))


def guard_operations(app: APIGatewayHttpResolver, admin_token: Callable[[], str | None]) -> None:
    """Refuse operations routes to callers that are not operators (see ``auth``)."""

    def operators_only(app: APIGatewayHttpResolver, next_middleware: Any) -> Response:
        event = app.current_event
        if event.path.startswith(OPERATIONS_PREFIXES):
            context = event.raw_event.get("requestContext", {})
            check = check_operator(event.headers, context, admin_token())
            if not check.allowed:
                code = "unauthorized" if check.status == 401 else "forbidden"
                return error_response(check.status, code, check.message)
        return next_middleware(app)  # type: ignore[no-any-return]

    app.use(middlewares=[operators_only])


def map_errors(app: APIGatewayHttpResolver, logger: logging.Logger | Any) -> None:
    """JSON errors for every failure; never a stack trace to the caller."""

    @app.not_found
    def not_found(_: Exception) -> Response:
        return error_response(404, "not_found", "no such route")

    @app.exception_handler(InvalidRequestError)
    def invalid_request(error: InvalidRequestError) -> Response:
        return error_response(400, error.code, error.message, error.details)

    @app.exception_handler(JobUnavailableError)
    def job_unavailable(error: JobUnavailableError) -> Response:
        return error_response(404, error.code, error.message)

    @app.exception_handler(ServiceError)
    def service_error(error: ServiceError) -> Response:
        return error_response(500, error.code, error.message)

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")
        return error_response(500, "internal_error", "internal error; it has been logged")
