"""Brand lookup routes: a domain's brand profile as ``brandData``, looked up at Brand.dev
once and then served from the table (``service.brand_lookup``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ...bootstrap import services
from ...service import BrandLookup, InvalidRequestError
from .. import contract
from ..bodies import json_request
from ..resolver import json_response

router = APIGatewayHttpRouter()
MAX_BRAND_INFO_BYTES = 8 * 1024
"""A brand-info body holds one domain name."""
Domain = Annotated[
    str, Path(description="a public domain name, e.g. shop.example", min_length=1, max_length=253)
]


@router.post("/api/brand-info", **contract.BRAND_INFO)
def brand_info() -> Response[Any]:
    event = router.current_event
    body = json_request(
        event.headers.get("content-type"),
        event.body,
        bool(event.is_base64_encoded),
        MAX_BRAND_INFO_BYTES,
    )
    if not isinstance(body, dict):
        message = 'send a JSON object such as {"domain": "shop.example"}'
        raise InvalidRequestError(message, [{"field": "domain", "message": message}])
    return json_response(200, brand_document(services().brands.lookup(body.get("domain"))))


@router.get("/api/brands/<domain>", **contract.BRAND)
def brand(domain: Domain) -> Response[Any]:
    return json_response(200, brand_document(services().brands.lookup(unquote(domain))))


def brand_document(found: BrandLookup) -> dict[str, Any]:
    """The answer: the profile as ``brandData`` (ready to send to the generate routes),
    whether it came from the table, and when Brand.dev was asked for it."""
    fetched = (
        datetime.fromtimestamp(found.fetched_at, UTC).isoformat().replace("+00:00", "Z")
        if found.fetched_at
        else None
    )
    return {
        "success": True,
        "domain": found.domain,
        "brandData": found.brand_data,
        "cache": "hit" if found.cached else "miss",
        "fetchedAt": fetched,
    }
