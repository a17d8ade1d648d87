"""The API's published contract: an OpenAPI 3.1 document Powertools generates from the routes.

Each route's decorator takes one entry of this module (``**contract.GENERATE``): its
summary, tag, operation id and every status it really answers, with the body of each.
Powertools builds the document from those and from the handlers' own signatures (path,
query and header parameters, which its validation then checks); ``publish`` serves it at
``GET /api/openapi.json``.

Three parts Powertools cannot derive are added here, from our own definitions:

- request bodies our own parser reads and validates (``api.request_bodies``): described,
  not declared as handler parameters;
- the answers' bodies: routes name their models (``api.responses``) and the models
  (``api.answers``) are loaded with the document, not at every cold start;
- the error statuses. Powertools documents a 422 for its validation errors; we answer
  those with our 400 (``resolver.map_errors``), so the 422 is dropped.

To document a new route: describe its answers with ``operation(...)`` here (a pydantic
model in ``api.answers`` for the success body, named with ``responses.answer``; statuses
from ``responses.ERRORS`` for the errors), then pass it to the route's decorator as
``**contract.NAME``. A route that
reads a JSON body the way generation does adds its body to
``request_bodies.REQUEST_BODIES`` under its operation id.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from .. import __title__, __version__
from .documents import MAX_WAIT_SECONDS
from .events import MEDIA_TYPE
from .request_bodies import COMPONENTS, REQUEST_BODIES
from .responses import ERRORS, SCHEMAS, answer, body, error_answer

OPENAPI_PATH = "/api/openapi.json"
OPERATOR_AUTH = "operatorToken"


# -- the operations ----------------------------------------------------------------------

_JSON_WRITE_ERRORS = (400, 408, 411, 413, 415)
_BODYLESS_WRITE_ERRORS = (408, 411, 413, 415)  # a write that reads no body: framing only
_EVERY_ROUTE = (500, 503)


def operation(
    summary: str,
    tag: str,
    answers: dict[int, OpenAPIResponse],
    errors: tuple[int, ...] = (),
    *,
    operation_id: str,
    description: str | None = None,
    operators_only: bool = False,
) -> dict[str, Any]:
    """Keyword arguments for a route decorator that document the route (the errors every
    route may answer, ``_EVERY_ROUTE``, are added; ``answers`` may word one for the route,
    e.g. its own 404)."""
    responses = {**{status: ERRORS[status] for status in (*errors, *_EVERY_ROUTE)}, **answers}
    if operators_only:
        responses |= {status: ERRORS[status] for status in (401, 403)}
    documented: dict[str, Any] = {
        "summary": summary,
        "description": description,
        "tags": [tag],
        "operation_id": operation_id,
        "responses": dict(sorted(responses.items())),
    }
    if operators_only:
        documented["security"] = [{OPERATOR_AUTH: []}]
    return documented


_GENERATE_DESCRIPTION = (
    "Writes the emails of a request (see the request body). Answers 200 with the result "
    "when it is ready within the wait (`Prefer: wait=N`, at most "
    f"{MAX_WAIT_SECONDS:.0f} s, counted from the request's arrival), from the response "
    "cache for an identical request (`cache: hit`), otherwise 202 with the job's "
    "`statusUrl`.\n\n"
    "Asked with `Accept: text/event-stream` or `?stream=1`, it answers 200 with "
    "server-sent events instead: `accepted`, one `variant` per finished variant, then "
    "`done` (the JSON 200 body), `error` (the 502 body) or `pending` (the 202 body). "
    "A refused request gets the same JSON 4xx either way."
)
_EVENT_STREAM: OpenAPIResponse = {
    "description": (
        "JSON: the emails, ready within the wait or from the cache. Event stream (when "
        "asked): the generation's server-sent events, as described above"
    ),
    "content": {
        "application/json": {"schema": body("GenerationResult")},
        MEDIA_TYPE: {"schema": {"type": "string", "description": "event: NAME / data: JSON"}},
    },
}

GENERATE = operation(
    "Generate email variants",
    "generation",
    {
        200: _EVENT_STREAM,
        202: answer("Accepted: still generating; poll statusUrl", "Accepted"),
    },
    (*_JSON_WRITE_ERRORS, 502),
    operation_id="generateEmails",
    description=_GENERATE_DESCRIPTION,
)
GENERATE_ALIAS = {
    **GENERATE,
    "summary": "Generate email variants (the original service's path)",
    "operation_id": "generateEmailsAlias",
}
JOB_STATUS = operation(
    "A job's status and result",
    "generation",
    {200: answer("The job: status, progress, and its result or error", "JobDocument")},
    (400, 404),
    operation_id="getJob",
    description="Readable only with the job's own storeId, while it lives.",
)
BATCH_SUBMIT = operation(
    "Submit a batch of generate requests",
    "batches",
    {202: answer("Accepted: each item's job, cached answer or refusal", "BatchAccepted")},
    _JSON_WRITE_ERRORS,
    operation_id="submitBatch",
    description=(
        "Up to 100 generate requests under one storeId (`defaults` fills fields every "
        "item shares). An invalid item is refused alone (its `error`); a bad envelope "
        "is a 400 naming each field. `mode: economy` runs it through the provider's "
        "batch API when available (slower, cheaper)."
    ),
)
_NO_BATCH = error_answer("No such batch or item: unknown, expired, or not the caller's storeId")
BATCH_STATUS = operation(
    "A batch's progress and each item's status",
    "batches",
    {200: answer("The batch: progress and per-item status", "BatchDocument"), 404: _NO_BATCH},
    (400,),
    operation_id="getBatch",
    description="Readable only with the batch's own storeId, while it lives.",
)
BATCH_ITEM = operation(
    "One item of a batch, with its result when ready",
    "batches",
    {200: answer("The item: its status and result", "BatchItemDocument"), 404: _NO_BATCH},
    (400,),
    operation_id="getBatchItem",
)
_BRAND_ERRORS: dict[int, OpenAPIResponse] = {
    404: error_answer("The brand service knows no brand for the domain (brand_not_found)"),
    502: error_answer("The brand service failed or timed out, after retries"),
    503: error_answer(
        "No brand service configured (brand_lookup_unavailable), or locally every worker busy"
    ),
}
BRAND_INFO = operation(
    "Look up a domain's brand profile",
    "brands",
    {200: answer("The brand profile, as brandData", "BrandDocument"), **_BRAND_ERRORS},
    _JSON_WRITE_ERRORS,
    operation_id="brandInfo",
    description=(
        "Looks the domain up at the brand service once, then serves it from the table; "
        "`brandData` can be sent as is to the generate routes."
    ),
)
BRAND = operation(
    "A domain's brand profile",
    "brands",
    {200: answer("The brand profile, as brandData", "BrandDocument"), **_BRAND_ERRORS},
    (400,),
    operation_id="getBrand",
)
HEALTH = operation("Health", "operations", {200: answer("Up", "Health")}, operation_id="health")
STATS = operation(
    "Statistics: store, cache, session pool, block library",
    "operations",
    {200: answer("The figures", "Stats")},
    operation_id="stats",
    operators_only=True,
)


def _operators_command(summary: str, done: OpenAPIResponse, operation_id: str) -> dict[str, Any]:
    """An operators' POST that reads no body and answers 200 with what it did."""
    return operation(
        summary,
        "operations",
        {200: done},
        _BODYLESS_WRITE_ERRORS,
        operation_id=operation_id,
        operators_only=True,
    )


CLEAR_CACHE = _operators_command(
    "Invalidate every cached response", answer("How many were live", "Cleared"), "clearCache"
)
CLEANUP = _operators_command(
    "Remove expired store and cache items now",
    answer("What one bounded pass removed", "Cleanup"),
    "cleanup",
)
WARM_CACHE = operation(
    "Warm the response cache with requests",
    "operations",
    {
        200: answer("Every request was already cached (now kept to its cap)", "WarmReport"),
        202: answer("Some requests were queued to fill the cache", "WarmReport"),
        404: error_answer(
            "No such batchId for that storeId: unknown, expired or another store's "
            "(batch_not_found, details name batchId)"
        ),
    },
    _JSON_WRITE_ERRORS,
    operation_id="warmCache",
    description=(
        "Up to 100 generate requests, or a batch's requests by `batchId` and `storeId` "
        "(replayed as the batch admitted them); an invalid one is reported on its own."
    ),
    operators_only=True,
)
OPENAPI = operation(
    "This document",
    "contract",
    {
        200: {
            "description": "The OpenAPI 3.1 document",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
    operation_id="openapi",
)


# -- the document --------------------------------------------------------------------------

_POWERTOOLS_ERRORS = ("HTTPValidationError", "ResponseValidationError", "ValidationError")


def document(app: APIGatewayHttpResolver) -> dict[str, Any]:
    """The OpenAPI document of ``app``'s routes, as served."""
    # Powertools' OpenAPI models cost ~130 ms to import, ours ~20 ms: only this needs them.
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    from . import answers

    generated = app.get_openapi_json_schema(
        title=__title__,
        version=__version__,
        description=(
            "Turns a brand profile and a brief into ready-to-send marketing email "
            'variants. Every error is {"error": {"code", "message", "details"?}}.'
        ),
        security_schemes={
            OPERATOR_AUTH: HTTPBearer(
                description=(
                    "Operations routes: locally the bearer token SBEMAIL_ADMIN_TOKEN; "
                    "in AWS, IAM (SigV4-signed requests) instead"
                )
            )
        },
    )
    spec: dict[str, Any] = json.loads(generated)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(answers.schemas())  # the answers' bodies, named by the routes
    for operations in spec["paths"].values():
        for details in operations.values():
            details["responses"].pop("422", None)  # Powertools' own; ours is the 400
            request_body = REQUEST_BODIES.get(details.get("operationId", ""))
            if request_body is not None:
                details["requestBody"], extra = request_body()
                schemas.update(copy.deepcopy(extra))
    operations_text = json.dumps(spec["paths"])
    for unused in _POWERTOOLS_ERRORS:  # none of our answers uses them
        if json.dumps(COMPONENTS + unused) not in operations_text:
            schemas.pop(unused, None)
    named = set(re.findall(re.escape(SCHEMAS) + r'([^"]+)"', operations_text))
    if named - schemas.keys():  # a route names a model no module defines
        raise LookupError(f"no schema for answers named {sorted(named - schemas.keys())}")
    return spec


def publish(app: APIGatewayHttpResolver) -> None:
    """Serve the document at ``OPENAPI_PATH`` (public; built once per container).

    Built under a lock: Powertools' schema generation is not safe to run twice at once
    (the local server serves requests on many threads).
    """
    building = threading.Lock()

    @cache
    def built() -> str:
        return json.dumps(document(app))

    def served() -> str:
        with building:
            return built()

    @app.get(OPENAPI_PATH, **OPENAPI)
    def openapi() -> Response[Any]:
        return Response(200, "application/json", served())
