"""The API's published contract: an OpenAPI 3.1 document Powertools generates from the routes.

Each route's decorator takes one entry of this module (``**contract.GENERATE``): its
summary, tag, operation id and every status it really answers, with the body of each.
Powertools builds the document from those and from the handlers' own signatures (path,
query and header parameters, which its validation then checks); ``publish`` serves it at
``GET /api/openapi.json``.

Two parts Powertools cannot derive are added here, from our own definitions:

- the generate request's body. Our parser (``api.bodies`` + ``service.requests``) stays
  the validator: it refuses non-JSON (415), oversized (413), non-UTF-8 and over-deep
  bodies with our error body, which Powertools' body validation would not; so the body is
  described (``GenerateRequest``'s own JSON schema, plus the brand-profile forms it
  accepts) rather than declared as a handler parameter;
- the error statuses. Powertools documents a 422 for its validation errors; we answer
  those with our 400 (``resolver.map_errors``), so the 422 is dropped.

To document a new route: describe its answers with ``operation(...)`` (reusing
``ERRORS`` for the error statuses and a pydantic model for the success body), then pass
it to the route's decorator as ``**operation_name``. A route that reads a JSON body the
way generation does adds its body schema to ``REQUEST_BODIES`` under its operation id.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic.json_schema import models_json_schema

from .. import __title__, __version__
from ..domain import GenerateRequest
from .bodies import MAX_BODY_BYTES
from .documents import MAX_WAIT_SECONDS

OPENAPI_PATH = "/api/openapi.json"
COMPONENTS = "#/components/schemas/"
OPERATOR_AUTH = "operatorToken"


# -- bodies the API answers with (for the document only: the handlers build plain dicts) --


class _Document(BaseModel):
    """camelCase on the wire; fields not listed may appear (the document names the
    ones callers rely on, not every internal figure)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class ErrorDetail(_Document):
    code: str = Field(description="stable, machine-readable reason, e.g. invalid_request")
    message: str = Field(description="for people; never a stack trace")
    details: list[Any] | None = Field(
        default=None,
        description="for 400s: each invalid field, as {field, message} (absent otherwise)",
    )


class ErrorBody(_Document):
    """Every error: ``{"error": {"code", "message", "details"?}}``."""

    error: ErrorDetail


class Usage(_Document):
    input_tokens: int
    output_tokens: int
    cached_tokens: int


class Costs(_Document):
    total: float | None = Field(description="USD; null when the model has no known price")
    priced: bool


class VariantError(_Document):
    index: int | None = None
    code: str | None = None
    message: str | None = None


class FailureDetail(ErrorDetail):
    job_id: str
    usage: Usage
    costs_usd: Costs = Field(alias="costsUSD")
    details: list[VariantError] | None = Field(default=None, description="why, per variant")


class FailureBody(_Document):
    """A job whose every variant failed: why, and what its billed calls cost."""

    error: FailureDetail


class Email(_Document):
    """One variant: the rendered email, or (``error``) why there is none."""

    index: int
    layout_id: str
    blocks: list[str]
    subject_line: str | None = None
    preheader: str | None = None
    mjml: str | None = None
    html: str | None = None
    text: str | None = None
    size_bytes: int | None = None
    usage: Usage
    cost_usd: float | None = Field(alias="costUSD", description="null: unpriced model")
    error: dict[str, Any] | None = None


class GenerationResult(_Document):
    """The emails of a completed job (from the cache: ``cache`` is ``hit``)."""

    success: bool = Field(description="whether at least one variant was written")
    job_id: str
    cache: Literal["hit", "miss"]
    emails: list[Email]
    usage: Usage
    costs_usd: Costs = Field(alias="costsUSD")


class Accepted(_Document):
    """Not ready within the wait: poll ``statusUrl``."""

    job_id: str
    status: Literal["queued", "running"]
    poll_after_ms: int
    status_url: str


class Progress(_Document):
    done: int
    total: int


class JobDocument(_Document):
    job_id: str
    status: Literal["queued", "running", "completed", "failed"]
    progress: Progress
    result: GenerationResult | None = Field(default=None, description="when completed")
    error: dict[str, Any] | None = Field(default=None, description="when failed")


class Health(_Document):
    status: Literal["ok"]
    blocks: int = Field(description="blocks in the library")


class Stats(_Document):
    success: Literal[True]
    stats: dict[str, Any] = Field(
        description="timestamp, store, threadPool, responseCache and blockCache figures"
    )


class Cleared(_Document):
    success: Literal[True]
    cleared: int = Field(description="cached responses that were live")


class Removed(_Document):
    store: int
    cache: int
    counters: int


class Cleanup(_Document):
    success: Literal[True]
    scanned: int
    removed: Removed
    finished: bool = Field(description="false: a bounded pass stopped early; run it again")


# -- the answers ---------------------------------------------------------------------------


def _error(description: str) -> OpenAPIResponse:
    return {"description": description, "content": {"application/json": {"model": ErrorBody}}}


ERRORS: dict[int, OpenAPIResponse] = {
    400: _error(
        "Invalid request: the body is not UTF-8 JSON, nests deeper than 32 levels, or a "
        "field or parameter is invalid (each is named in details); locally also a "
        "malformed Content-Length"
    ),
    401: _error("Operations route without 'Authorization: Bearer <token>' (local server)"),
    403: _error("Operations route with a token or identity that may not use it"),
    404: _error("No such job: unknown, expired, or not the caller's storeId"),
    408: _error("Local server: the request did not arrive in full in time"),
    411: _error("Local server: chunked transfer encoding; send Content-Length"),
    413: _error(f"Request body over {MAX_BODY_BYTES // 1024} KB"),
    415: _error("Request body not declared as application/json"),
    500: _error("Internal error, e.g. storage unavailable (logged; no trace in the body)"),
    502: {
        "description": "Every variant of the job failed (failed calls are billed too)",
        "content": {"application/json": {"model": FailureBody}},
    },
    503: _error("Local server: every worker busy; retry after Retry-After seconds"),
}
"""Every error status the API (or the local server in front of it) answers, once."""

_JSON_WRITE_ERRORS = (400, 408, 411, 413, 415)
_EVERY_ROUTE = (500, 503)


def answer(description: str, model: type[BaseModel]) -> OpenAPIResponse:
    """A success answer: its description and the model of its JSON body."""
    return {"description": description, "content": {"application/json": {"model": model}}}


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
    route may answer, ``_EVERY_ROUTE``, are added)."""
    responses = {**answers, **{status: ERRORS[status] for status in (*errors, *_EVERY_ROUTE)}}
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
    "`statusUrl`."
)

GENERATE = operation(
    "Generate email variants",
    "generation",
    {
        200: answer("The emails, ready within the wait or from the cache", GenerationResult),
        202: answer("Accepted: still generating; poll statusUrl", Accepted),
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
    {200: answer("The job: status, progress, and its result or error", JobDocument)},
    (400, 404),
    operation_id="getJob",
    description="Readable only with the job's own storeId, while it lives.",
)
HEALTH = operation("Health", "operations", {200: answer("Up", Health)}, operation_id="health")
STATS = operation(
    "Statistics: store, cache, session pool, block library",
    "operations",
    {200: answer("The figures", Stats)},
    operation_id="stats",
    operators_only=True,
)
CLEAR_CACHE = operation(
    "Invalidate every cached response",
    "operations",
    {200: answer("How many were live", Cleared)},
    (408, 411, 413, 415),
    operation_id="clearCache",
    operators_only=True,
)
CLEANUP = operation(
    "Remove expired store and cache items now",
    "operations",
    {200: answer("What one bounded pass removed", Cleanup)},
    (408, 411, 413, 415),
    operation_id="cleanup",
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


# -- request bodies our own parser reads (described, not validated by Powertools) ---------

_BRAND_PROFILE_FORMS: dict[str, Any] = {
    "title": {"type": "string", "description": "the store's name, when store_name is absent"},
    "domain": {"type": "string", "description": "the store's site, when store_url is absent"},
    "colors": {
        "type": "array",
        "description": "a palette [{hex, name}]: fills primary_color and button_color",
        "items": {"type": ["object", "string"]},
    },
    "logos": {
        "type": "array",
        "description": "[{url, type: logo|icon, mode: light|dark|has_opaque_background}]",
        "items": {"type": "object"},
    },
    "backdrops": {
        "type": "array",
        "description": "[{url, resolution: {aspect_ratio}}]: the widest fills banner_url",
        "items": {"type": "object"},
    },
    "socials": {
        "type": "array",
        "description": "[{type, url}]: fills social_links",
        "items": {"type": "object"},
    },
}


GENERATE_EXAMPLE: dict[str, Any] = {
    "storeId": "northwind-001",
    "emailType": "Promotion",
    "userContext": "Winter clearance: 30% off all insulated jackets until Sunday.",
    "tone": "Urgent & Promotional",
    "variants": 2,
    "offer": {"description": "30% off insulated jackets", "code": "WINTER30"},
    "brandData": {
        "store_name": "Northwind Outfitters",
        "store_url": "https://northwind.example/",
        "primary_color": "#1f3b4d",
        "fonts": [{"usage": "title", "name": "Montserrat"}],
        "products": [
            {"name": "Ridge Parka", "price": "$189", "url": "https://northwind.example/p/ridge"}
        ],
    },
}
"""A request as a caller sends it: Swagger UI's "Try it out" starts from it."""


def _request_body(
    model: type[BaseModel], description: str, example: dict[str, Any]
) -> tuple[dict[str, Any], dict]:
    """An operation's ``requestBody`` and the component schemas it refers to."""
    references, top = models_json_schema(
        [(model, "validation")], ref_template=COMPONENTS + "{model}"
    )
    reference = references[(model, "validation")]
    body = {
        "required": True,
        "description": description,
        "content": {"application/json": {"schema": reference, "example": example}},
    }
    return body, top.get("$defs", {})


def _brand_profile_forms(schemas: dict[str, Any]) -> None:
    """``BrandData`` also takes a profile as brand-profile services return it (see
    ``domain.brand_profiles``): fonts as an object, the name and site under other keys."""
    brand = schemas["BrandData"]
    brand["properties"]["fonts"] = {
        "anyOf": [
            brand["properties"]["fonts"],
            {"type": "object", "additionalProperties": {"type": "string"}},
        ],
        "description": "[{usage, name}] or {usage: name}",
    }
    brand["properties"].update(_BRAND_PROFILE_FORMS)
    required = [
        name for name in brand.pop("required", []) if name not in ("store_name", "store_url")
    ]
    brand["allOf"] = [
        {"anyOf": [{"required": ["store_name"]}, {"required": ["title"]}]},
        {"anyOf": [{"required": ["store_url"]}, {"required": ["domain"]}]},
    ]
    if required:
        brand["required"] = required


def _generate_body() -> tuple[dict[str, Any], dict[str, Any]]:
    body, schemas = _request_body(
        GenerateRequest,
        "A brand profile (the original service's fields, or a brand-profile service's "
        "as returned) and a brief. Unknown fields are ignored; every string and list is "
        "bounded; every link must be on the store's own hosts.",
        GENERATE_EXAMPLE,
    )
    _brand_profile_forms(schemas)
    return body, schemas


REQUEST_BODIES = {
    "generateEmails": _generate_body,
    "generateEmailsAlias": _generate_body,
}
"""Operation id -> its request body and schemas, for routes whose body we parse ourselves."""


# -- the document --------------------------------------------------------------------------


def document(app: APIGatewayHttpResolver) -> dict[str, Any]:
    """The OpenAPI document of ``app``'s routes, as served."""
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
    for operations in spec["paths"].values():
        for details in operations.values():
            details["responses"].pop("422", None)  # Powertools' own; ours is the 400
            body = REQUEST_BODIES.get(details.get("operationId", ""))
            if body is not None:
                details["requestBody"], extra = body()
                schemas.update(copy.deepcopy(extra))
    operations_text = json.dumps(spec["paths"])
    for unused in _POWERTOOLS_ERRORS:  # none of our answers uses them
        if json.dumps(COMPONENTS + unused) not in operations_text:
            schemas.pop(unused, None)
    return spec


_POWERTOOLS_ERRORS = ("HTTPValidationError", "ResponseValidationError", "ValidationError")


def publish(app: APIGatewayHttpResolver) -> None:
    """Serve the document at ``OPENAPI_PATH`` (public; built once per container)."""

    @cache
    def served() -> str:
        return json.dumps(document(app))

    @app.get(OPENAPI_PATH, **OPENAPI)
    def openapi() -> Response[Any]:
        return Response(200, "application/json", served())
