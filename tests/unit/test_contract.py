"""The OpenAPI document: generated from the routes, complete, and true to what we accept."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
from functools import cache
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

import sbemail
from sbemail.api.contract import OPENAPI_PATH, document
from sbemail.api.request_bodies import GENERATE_EXAMPLE
from sbemail.api.resolver import allowed_methods
from sbemail.api.responses import ERRORS
from sbemail.local.embedded import read_template
from sbemail.local.gateway_events import http_api_event
from sbemail.local.runtime import LocalContext
from sbemail.service.requests import parse_request

from samples import ROOT, sample_body


@cache
def api() -> Any:
    """The real handler module (``functions/api/app.py``), loaded once."""
    spec = importlib.util.spec_from_file_location("contract_api_app", ROOT / "functions/api/app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spec() -> dict[str, Any]:
    return document(api().app)


def call(method: str, path: str) -> dict[str, Any]:
    event = http_api_event(method, path, {}, b"", "127.0.0.1")
    reply: dict[str, Any] = api().lambda_handler(event, LocalContext("api"))
    return reply


def request_validator() -> Draft202012Validator:
    """The generate request's schema, with the document's components to resolve refs."""
    document_ = spec()
    body = document_["paths"]["/api/email/generate"]["post"]["requestBody"]
    schema = {
        **body["content"]["application/json"]["schema"],
        "components": document_["components"],
    }
    return Draft202012Validator(schema)


def test_the_document_is_valid_openapi_3_1_titled_and_versioned_by_the_package() -> None:
    document_ = spec()
    validate(copy.deepcopy(document_))
    assert document_["openapi"].startswith("3.1")
    assert document_["info"]["title"] == sbemail.__title__
    assert document_["info"]["version"] == sbemail.__version__


def test_every_route_of_the_handler_is_documented_with_every_status_it_answers() -> None:
    app = api().app
    routes = {(route.method, route.openapi_path) for route in app._static_routes}
    routes |= {(route.method, route.openapi_path) for route in app._dynamic_routes}
    paths = spec()["paths"]
    documented = {(method.upper(), path) for path, ops in paths.items() for method in ops}
    assert routes == documented
    assert ("GET", OPENAPI_PATH) in documented
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation["summary"] and operation["tags"] and operation["operationId"]
            assert "422" not in operation["responses"], (method, path)  # ours is the 400
            for status, answer in operation["responses"].items():
                schema = answer["content"]["application/json"]["schema"]
                if int(status) >= 400 and int(status) != 502:
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (path, status)
    generate = paths["/api/email/generate"]["post"]["responses"]
    assert set(generate) >= {"200", "202", "400", "413", "415", "502"}
    operators = ("/api/email/stats", "/api/email/cache/clear", "/api/email/cache/cleanup")
    for route in (*operators, "/api/email/cache/warm"):
        operation = next(iter(paths[route].values()))
        assert {"401", "403"} <= set(operation["responses"])
        assert operation["security"] == [{"operatorToken": []}]
    assert "security" not in paths["/api/email/generate"]["post"]
    assert "security" not in paths[OPENAPI_PATH]["get"]


EXPECTED_STATUSES = {
    ("post", "/api/email/batch"): {"202", "400", "413", "415", "500", "503"},
    ("get", "/api/email/batches/{batch_id}"): {"200", "400", "404", "500", "503"},
    ("get", "/api/email/batches/{batch_id}/items/{index}"): {"200", "400", "404"},
    ("post", "/api/email/cache/warm"): {"200", "202", "400", "401", "403", "404", "413", "415"},
    ("post", "/api/brand-info"): {"200", "400", "404", "413", "415", "502", "503"},
    ("get", "/api/brands/{domain}"): {"200", "400", "404", "502", "503"},
}


@pytest.mark.parametrize(("method", "path"), list(EXPECTED_STATUSES))
def test_batch_brand_and_warming_routes_list_the_statuses_they_answer(
    method: str, path: str
) -> None:
    operation = spec()["paths"][path][method]
    assert EXPECTED_STATUSES[(method, path)] <= set(operation["responses"])
    for parameter in operation.get("parameters", []):
        assert parameter["description"], parameter["name"]


def test_a_brand_502_is_a_plain_error_not_a_failed_job() -> None:
    for path, method in (("/api/brand-info", "post"), ("/api/brands/{domain}", "get")):
        answers = spec()["paths"][path][method]["responses"]
        for status in ("404", "502", "503"):
            schema = answers[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (path, status)
            assert "job" not in answers[status]["description"].lower()


def test_generation_documents_its_event_stream_alternative() -> None:
    for path in ("/api/email/generate", "/api/generate-emails"):
        operation = spec()["paths"][path]["post"]
        assert set(operation["responses"]["200"]["content"]) == {
            "application/json",
            "text/event-stream",
        }
        assert "text/event-stream" in operation["description"]
        names = {parameter["name"]: parameter["in"] for parameter in operation["parameters"]}
        assert names["stream"] == "query"


@pytest.mark.parametrize(
    ("operation_id", "body"),
    [
        (
            "submitBatch",
            {"storeId": "s-1", "requests": [{"emailType": "Promotion"}], "mode": "economy"},
        ),
        ("warmCache", {"requests": [{"emailType": "Promotion"}]}),
        ("warmCache", {"batchId": "Zq8-x_1", "storeId": "s-1"}),
        ("brandInfo", {"domain": "northwind.example"}),
    ],
)
def test_the_new_request_bodies_describe_what_their_routes_accept(
    operation_id: str, body: dict
) -> None:
    operations = [op for ops in spec()["paths"].values() for op in ops.values()]
    operation = next(op for op in operations if op["operationId"] == operation_id)
    content = operation["requestBody"]["content"]["application/json"]
    validator = Draft202012Validator(content["schema"])
    assert list(validator.iter_errors(body)) == []
    assert list(validator.iter_errors(content["example"])) == []
    assert list(validator.iter_errors({**body, "unknown": 1})) or operation_id == "brandInfo"


@pytest.mark.parametrize(
    "body",
    [
        {"batchId": "b-1"},  # whose batch?
        {"requests": [{"emailType": "Promotion"}], "storeId": "s-1"},
        {"requests": [{"emailType": "Promotion"}], "batchId": "b-1", "storeId": "s-1"},
        {"batchId": "b#1", "storeId": "s-1"},
    ],
)
def test_the_warm_body_refuses_what_the_route_refuses(body: dict) -> None:
    operation = spec()["paths"]["/api/email/cache/warm"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert list(Draft202012Validator(schema).iter_errors(body))


def test_the_error_body_is_described_as_the_api_writes_it() -> None:
    schemas = spec()["components"]["schemas"]
    detail = schemas["ErrorDetail"]
    assert set(detail["required"]) == {"code", "message"}
    assert set(detail["properties"]) == {"code", "message", "details"}
    assert schemas["ErrorBody"]["required"] == ["error"]
    assert set(ERRORS) >= {400, 401, 403, 404, 413, 415, 500, 502, 503}
    for operations in spec()["paths"].values():
        for operation in operations.values():
            assert {"500", "503"} <= set(operation["responses"])


def test_the_document_is_served_publicly_at_api_openapi_json() -> None:
    reply = call("GET", OPENAPI_PATH)  # no Authorization header at all
    assert reply["statusCode"] == 200
    assert reply["headers"]["Content-Type"] == "application/json"
    assert json.loads(reply["body"]) == spec()
    assert allowed_methods(api().app, OPENAPI_PATH) == ["GET"]


BRAND_PROFILE_REQUEST: dict[str, Any] = {
    "emailType": "Newsletter",
    "userContext": "Spring picks: three new teas.",
    "brandData": {
        "title": "Cedar & Pine",
        "domain": "cedarpine.example",
        "fonts": {"title": "Lora", "body": "Inter"},
        "colors": [{"hex": "#2f4f3a", "name": "Forest"}, {"hex": "#d9a441", "name": "Amber"}],
        "logos": [{"url": "https://cedarpine.example/logo.png", "type": "logo", "mode": "light"}],
        "backdrops": [
            {"url": "https://cedarpine.example/b.jpg", "resolution": {"aspect_ratio": 3}}
        ],
        "socials": [{"type": "instagram", "url": "https://instagram.com/cedarpine"}],
    },
}
MINIMAL_REQUEST = {
    "emailType": "Promotion",
    "brandData": {"store_name": "Minimal Co", "store_url": "minimal.example"},
}


@pytest.mark.parametrize(
    "body",
    [
        sample_body("northwind"),
        sample_body("cedar"),
        sample_body("pixelpet"),
        BRAND_PROFILE_REQUEST,
        MINIMAL_REQUEST,
        GENERATE_EXAMPLE,
        {**MINIMAL_REQUEST, "brandData": {**MINIMAL_REQUEST["brandData"], "fonts": []}},
    ],
    ids=["northwind", "cedar", "pixelpet", "brand-profile", "minimal", "example", "fonts-list"],
)
def test_every_request_we_accept_matches_the_documented_request_body(body: dict) -> None:
    parse_request(copy.deepcopy(body))  # accepted by our parser (the validator) ...
    errors = [error.message for error in request_validator().iter_errors(body)]
    assert errors == []  # ... and by the document that describes it


@pytest.mark.parametrize(
    "change",
    [
        {"variants": True},
        {"variants": 9},
        {"emailType": "Flyer"},
        {"brandData": {"store_url": "minimal.example"}},
        {"stories": [{"title": "no summary"}]},
    ],
    ids=["variants-bool", "variants-range", "email-type", "no-store-name", "story-summary"],
)
def test_the_document_refuses_what_our_parser_refuses_by_shape(change: dict) -> None:
    body = {**MINIMAL_REQUEST, **change}
    with pytest.raises(Exception, match="invalid fields"):
        parse_request(copy.deepcopy(body))
    assert list(request_validator().iter_errors(body))


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/email/jobs/abc", "storeId"),
        ("/api/email/jobs/abc?storeId=", "storeId"),
        ("/api/email/jobs/abc?storeId=two%20words", "storeId"),
        (f"/api/email/jobs/{'j' * 65}?storeId=s", "job_id"),
        ("/api/email/batches/b1", "storeId"),
        ("/api/email/batches/b1/items/x?storeId=s", "index"),
        ("/api/email/batches/b1/items/%D9%A1?storeId=s", "index"),  # an Arabic digit
        ("/api/email/batches/b1/items/1234?storeId=s", "index"),
    ],
)
def test_parameter_validation_is_our_400_naming_the_field(path: str, field: str) -> None:
    reply = call("GET", path)
    assert reply["statusCode"] == 400
    error = json.loads(reply["body"])["error"]
    assert error["code"] == "invalid_request"
    assert [detail["field"] for detail in error["details"]] == [field]
    assert field in error["message"]


def deployed_routes() -> dict[tuple[str, str], bool]:
    """``(method, path) -> public`` for every route of the HTTP API in template.yaml,
    path parameters written ``{name}`` as in the document."""
    resources = read_template(ROOT / "template.yaml")["Resources"]
    routes: dict[tuple[str, str], bool] = {}
    for event in resources["ApiFunction"]["Properties"]["Events"].values():
        properties = event["Properties"]
        key = (properties["Method"].upper(), properties["Path"])
        routes[key] = "Auth" not in properties
    for resource in resources.values():
        if resource["Type"] == "AWS::ApiGatewayV2::Route":
            method, path = resource["Properties"]["RouteKey"].split(" ", 1)
            routes[(method, path)] = False
    return routes


def test_every_documented_route_is_deployed_and_public_ones_stay_public() -> None:
    deployed = {
        (method, re.sub(r"\{[^}]+\}", "{}", path)): public
        for (method, path), public in deployed_routes().items()
    }
    for path, operations in spec()["paths"].items():
        for method, operation in operations.items():
            key = (method.upper(), re.sub(r"\{[^}]+\}", "{}", path))
            assert key in deployed, f"{key} is documented but not a route of the HTTP API"
            if deployed[key]:
                assert "security" not in operation
    assert deployed[("GET", OPENAPI_PATH)] is True  # the document needs no credentials
