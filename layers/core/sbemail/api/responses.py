"""How the contract words each status and names its body, without loading the models.

A route's decorator takes its documented answers at import, that is at every cold start
of the API function; the answer models (``api.answers``) would cost it ~20 ms of CPU to
build. So a route names its body's model here (``answer``, a reference into the
document's ``components/schemas``), and ``contract.document`` adds the models' schemas
when the document is first asked for (it refuses a name no model has).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from .bodies import MAX_BODY_BYTES

SCHEMAS = "#/components/schemas/"


def body(model: str) -> dict[str, Any]:
    """The JSON schema of the answer model named ``model`` (a class in ``api.answers``)."""
    return {"$ref": SCHEMAS + model}


def answer(description: str, model: str) -> OpenAPIResponse:
    """A success answer: its description and the model of its JSON body, by name."""
    return {"description": description, "content": {"application/json": {"schema": body(model)}}}


def error_answer(description: str) -> OpenAPIResponse:
    """An error status, worded for its route, with the error body."""
    return answer(description, "ErrorBody")


ERRORS: dict[int, OpenAPIResponse] = {
    400: error_answer(
        "Invalid request: the body is not UTF-8 JSON, nests deeper than 32 levels, or a "
        "field or parameter is invalid (each is named in details); locally also a "
        "malformed Content-Length"
    ),
    401: error_answer("Operations route without 'Authorization: Bearer <token>' (local server)"),
    403: error_answer("Operations route with a token or identity that may not use it"),
    404: error_answer("No such job: unknown, expired, or not the caller's storeId"),
    408: error_answer("Local server: the request did not arrive in full in time"),
    411: error_answer("Local server: chunked transfer encoding; send Content-Length"),
    413: error_answer(f"Request body over {MAX_BODY_BYTES // 1024} KB"),
    415: error_answer("Request body not declared as application/json"),
    500: error_answer("Internal error, e.g. storage unavailable (logged; no trace in the body)"),
    502: answer("Every variant of the job failed (failed calls are billed too)", "FailureBody"),
    503: error_answer("Local server: every worker busy; retry after Retry-After seconds"),
}
"""Every error status the API (or the local server in front of it) answers, once."""
