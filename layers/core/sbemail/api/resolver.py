"""What every HTTP route shares: JSON responses, the error mapping, the operators' guard.

Registered on the handler's resolver so the handler itself stays a short list of routes.
This is the one place where service errors become HTTP statuses, and where a route
called with a method it does not take becomes a 405 (Powertools answers every unmatched
request as not found, so the not-found handler tells the two apart).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

from ..service import (
    BrandLookupError,
    BrandLookupFailedError,
    BrandLookupUnavailableError,
    BrandNotFoundError,
    InvalidRequestError,
    JobUnavailableError,
    ServiceError,
)
from .auth import check_operator
from .bodies import BodyError
from .documents import error_body

OPERATIONS_PREFIXES = ("/api/email/stats", "/api/email/cache/")
BRAND_LOOKUP_STATUSES: dict[type[BrandLookupError], int] = {
    BrandNotFoundError: 404,
    BrandLookupUnavailableError: 503,  # nothing to look brands up with: say what to set
    BrandLookupFailedError: 502,  # the brand service failed, after retries
}


class PerThreadResolver(APIGatewayHttpResolver):
    """Powertools' HTTP API resolver, keeping the request it resolves per thread.

    Powertools keeps the current event and Lambda context on a class attribute, and the
    routing context in one dict, which is right for Lambda: a container serves one
    request at a time. The local server serves many at once from one process, and there a
    request could be routed or validated with another's event (seen as 500s when 20
    threads mix routes). Kept per thread, each request sees only its own; in Lambda, with
    one thread, nothing changes.
    """

    _request = threading.local()
    """Shared by every instance, as Powertools' class attribute is: a router included in
    more than one resolver (tests load the handler more than once) reads the request of
    its thread whichever resolver it was last included in."""

    @property  # type: ignore[override]
    def current_event(self) -> BaseProxyEvent:
        return self._request.event  # type: ignore[no-any-return]

    @current_event.setter
    def current_event(self, event: BaseProxyEvent) -> None:
        self._request.event = event

    @property  # type: ignore[override]
    def lambda_context(self) -> Any:
        return self._request.lambda_context

    @lambda_context.setter
    def lambda_context(self, context: Any) -> None:
        self._request.lambda_context = context

    @property  # type: ignore[override]
    def context(self) -> dict[str, Any]:
        if not hasattr(self._request, "context"):
            self._request.context = {}
        return self._request.context  # type: ignore[no-any-return]

    @context.setter
    def context(self, value: dict[str, Any]) -> None:
        self._request.context = value

    def resolve(self, event: Any, context: Any) -> dict[str, Any]:
        self.current_event = self._to_proxy_event(event)
        self.lambda_context = context
        return super().resolve(event, context)


def json_response(
    status: int, document: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    return Response(status, "application/json", json.dumps(document), headers=headers)


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return json_response(status, error_body(code, message, details), headers)


def allowed_methods(app: APIGatewayHttpResolver, path: str) -> list[str]:
    """The methods of the routes registered for ``path`` (none: no such route).

    Powertools keeps its routes in ``_static_routes`` and ``_dynamic_routes`` (each with a
    ``method`` and a compiled ``rule``); it has no public way to list them.
    """
    routes = [*getattr(app, "_static_routes", ()), *getattr(app, "_dynamic_routes", ())]
    return sorted({route.method for route in routes if route.rule.match(path)})


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


def validation_details(error: RequestValidationError) -> list[dict[str, str]]:
    """Powertools' validation errors (a path, query or header parameter) as our 400's
    details: each field named as the caller spells it (``storeId``), why, never the value."""
    details = []
    for issue in error.errors():
        location = [str(part) for part in issue.get("loc", ())]
        field = ".".join(location[1:] if len(location) > 1 else location) or "$"
        details.append({"field": field, "message": str(issue.get("msg") or issue.get("type"))})
    return details


def map_errors(app: APIGatewayHttpResolver, logger: logging.Logger | Any) -> None:
    """JSON errors for every failure; never a stack trace to the caller."""

    @app.not_found
    def not_found(_: Exception) -> Response:
        event = app.current_event
        allowed = allowed_methods(app, event.path)
        if allowed:
            methods = ", ".join(allowed)
            message = f"{event.http_method.upper()} is not allowed here; use {methods}"
            return error_response(405, "method_not_allowed", message, headers={"Allow": methods})
        return error_response(404, "not_found", "no such route")

    @app.exception_handler(BodyError)
    def unreadable_body(error: BodyError) -> Response:
        return error_response(error.status, error.code, error.message)

    @app.exception_handler(RequestValidationError)
    def invalid_parameter(error: RequestValidationError) -> Response:
        details = validation_details(error)
        fields = ", ".join(dict.fromkeys(detail["field"] for detail in details))
        return error_response(400, "invalid_request", f"invalid fields: {fields}", details)

    @app.exception_handler(InvalidRequestError)
    def invalid_request(error: InvalidRequestError) -> Response:
        return error_response(400, error.code, error.message, error.details)

    @app.exception_handler(JobUnavailableError)
    def job_unavailable(error: JobUnavailableError) -> Response:
        return error_response(404, error.code, error.message, error.details)

    @app.exception_handler(BrandLookupError)
    def brand_lookup_failed(error: BrandLookupError) -> Response:
        status = BRAND_LOOKUP_STATUSES.get(type(error), 502)
        return error_response(status, error.code, error.message, error.details)

    @app.exception_handler(ServiceError)
    def service_error(error: ServiceError) -> Response:
        return error_response(500, error.code, error.message)

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")
        return error_response(500, "internal_error", "internal error; it has been logged")
