"""Request bodies our own parser reads, described for the OpenAPI document.

Our parser (``api.bodies`` + ``service.requests``) stays the validator: it refuses
non-JSON (415), oversized (413), non-UTF-8 and over-deep bodies with our error body,
which Powertools' body validation would not. So a body is described here, from the
request model's own JSON schema, rather than declared as a handler parameter.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ..domain import MAX_STORE_ID, STORE_ID_PATTERN, GenerateRequest
from ..service.requests import ID_PATTERN, MAX_ID

COMPONENTS = "#/components/schemas/"

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


def _json_body(
    description: str,
    schema: dict[str, Any],
    example: dict[str, Any],
    schemas: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An operation's required JSON ``requestBody`` and the component ``schemas`` it
    refers to (none for a body described inline)."""
    body = {
        "required": True,
        "description": description,
        "content": {"application/json": {"schema": schema, "example": example}},
    }
    return body, schemas or {}


def _request_body(
    model: type[BaseModel], description: str, example: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``requestBody`` a pydantic model describes, with the schemas it refers to."""
    references, top = models_json_schema(
        [(model, "validation")], ref_template=COMPONENTS + "{model}"
    )
    return _json_body(description, references[(model, "validation")], example, top.get("$defs"))


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


# -- batches, cache warming, brand lookup -------------------------------------------------

_STORE_ID_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_STORE_ID,
    "pattern": STORE_ID_PATTERN,
}
_ITEMS = {
    "type": "array",
    "minItems": 1,
    "maxItems": 100,
    "items": {"type": "object", "description": "a generate request (see generateEmails)"},
}
_ITEM = {name: value for name, value in GENERATE_EXAMPLE.items() if name != "storeId"}


def _batch_body() -> tuple[dict[str, Any], dict[str, Any]]:
    schema = {
        "type": "object",
        "required": ["storeId", "requests"],
        "additionalProperties": False,
        "properties": {
            "storeId": {**_STORE_ID_SCHEMA, "description": "the store of every item"},
            "requests": {**_ITEMS, "description": "generate requests, without storeId"},
            "mode": {"enum": ["standard", "economy"], "default": "standard"},
            "defaults": {
                "type": "object",
                "description": "request fields every item shares (an item's own win)",
            },
        },
    }
    example = {"storeId": "northwind-001", "requests": [_ITEM], "mode": "standard"}
    return _json_body(
        "Generate requests under one storeId; each item is validated on its own.",
        schema,
        example,
    )


def _warm_body() -> tuple[dict[str, Any], dict[str, Any]]:
    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "requests": {**_ITEMS, "description": "generate requests to answer ahead of time"},
            "batchId": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_ID,
                "pattern": ID_PATTERN,
                "description": "a batch's id (its 202's batchId): warm with its requests",
            },
            "storeId": {**_STORE_ID_SCHEMA, "description": "with batchId: the batch's store"},
        },
        "oneOf": [
            {"required": ["requests"], "not": {"required": ["storeId"]}},
            {"required": ["batchId", "storeId"], "not": {"required": ["requests"]}},
        ],
    }
    return _json_body(
        "Generate requests to put in the response cache before callers ask, or the "
        "batch whose requests to replay.",
        schema,
        {"requests": [GENERATE_EXAMPLE]},
    )


def _brand_info_body() -> tuple[dict[str, Any], dict[str, Any]]:
    schema = {
        "type": "object",
        "required": ["domain"],
        "properties": {
            "domain": {
                "type": "string",
                "description": "a public domain name (a URL is reduced to its host)",
            }
        },
    }
    return _json_body("The domain to look up.", schema, {"domain": "northwind.example"})


REQUEST_BODIES: dict[str, Any] = {
    "generateEmails": _generate_body,
    "generateEmailsAlias": _generate_body,
    "submitBatch": _batch_body,
    "warmCache": _warm_body,
    "brandInfo": _brand_info_body,
}
"""Operation id -> its request body and schemas, for routes whose body we parse ourselves."""
