"""Reading a generate request: validation with every invalid field named, and its ids.

Kept apart from the use case so the API side (which parses) and the worker side (which
re-reads a stored request) share one definition of a valid request.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ..domain import GenerateRequest
from ..domain.themes import theme_name
from ..storage import cache_digest
from .errors import InvalidRequestError

MAX_DETAILS = 20
"""At most this many invalid fields are listed: an error body stays small."""
_MAX_FIELD_PART = 60


def parse_request(
    body: Any, default_variants: int = 3, max_text: int = 600, max_brief: int = 4000
) -> GenerateRequest:
    """Validate a request body, naming every invalid field.

    ``max_brief`` caps ``userContext`` (marketers' briefs run to thousands of
    characters); ``max_text`` caps the short free texts (``tone``, ``imageContext``).
    Fields are named as callers spell them: ``cartUrl``, ``offer.endsAt``,
    ``stories.1.summary``; a link off the store's hosts is named like any other error.

    Raises:
        InvalidRequestError: the body is not an object or a field is invalid.
    """
    if not isinstance(body, dict):
        raise InvalidRequestError("request body must be a JSON object", [{"field": "$"}])
    if "variants" not in body:
        body = {**body, "variants": default_variants}
    try:
        request = GenerateRequest.model_validate(body)
    except ValidationError as error:
        details = [
            {"field": _field_name(issue["loc"]), "message": issue["msg"]}
            for issue in error.errors(include_url=False, include_input=False)
        ][:MAX_DETAILS]
        fields = ", ".join(dict.fromkeys(d["field"] for d in details))
        raise InvalidRequestError(f"invalid fields: {fields}", details) from None
    too_long = [
        {"field": alias, "message": f"at most {limit} characters"}
        for alias, value, limit in (
            ("userContext", request.user_context, max_brief),
            ("tone", request.tone, max_text),
            ("imageContext", request.image_context, max_text),
        )
        if len(value) > limit
    ]
    if too_long:
        fields = ", ".join(d["field"] for d in too_long)
        raise InvalidRequestError(f"invalid fields: {fields}", too_long)
    return request


def _field_name(loc: tuple[str | int, ...]) -> str:
    """A field's dotted name, as callers spell it; a caller's own key (a social network's
    name can be 100 KB long) is cut short so no error echoes the body back."""
    parts = [str(part) for part in loc]
    return ".".join(
        part if len(part) <= _MAX_FIELD_PART else part[: _MAX_FIELD_PART - 1] + "…"
        for part in parts
    )


# Optional facts added after the original request format: left out of the seed when
# absent, so a request without them keeps the seed (and layouts) it always had.
_OPTIONAL_FACTS = ("offer", "cart_url", "stories", "language", "personalization")


def request_seed(request: GenerateRequest) -> str:
    """A stable digest of the request, so identical requests get identical layouts."""
    document = request.model_dump(mode="json")
    for name in _OPTIONAL_FACTS:
        if document.get(name) is None:
            document.pop(name, None)
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def output_digest(request: GenerateRequest, producer: Mapping[str, str]) -> str:
    """A digest of everything that decides a request's emails: the response-cache key.

    The store is left out (it partitions the key instead: ``cache#<storeId>#…``) and so
    is how the theme was spelled: ``designAesthetic`` or its alias ``styleId``, and any
    spelling of one theme, share entries; an unknown name stays in, as it is echoed in
    warnings. ``producer`` names what writes the answer (model, provider, block library
    and prompt versions), so a new one never serves an old answer.
    """
    theme, fell_back = theme_name(request.aesthetic)  # the name only: no contrast work
    parts = {
        "request": request.model_dump(
            mode="json", exclude={"store_id", "design_aesthetic", "style_id"}
        ),
        "theme": request.aesthetic if fell_back else theme,
        **producer,
    }
    return cache_digest(parts)


MAX_ID = 64
ID_PATTERN = r"^[A-Za-z0-9_-]+$"
"""What a job or batch id given back to us may be (``new_job_id`` makes 32 of these
characters): URL-safe base64 only, so an id can never reach another item's key."""


def new_job_id() -> str:
    """192 random bits, URL-safe: unguessable."""
    return secrets.token_urlsafe(24)
