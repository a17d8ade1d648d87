"""Hostile and unusual input through the local server: clear 4xx answers, never a 5xx."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from http_client import Reply, call
from samples import sample_body

GENERATE = "/api/email/generate"
EMAIL_TYPES = ("Newsletter", "Productgrid", "Promotion", "AbandonedCart")


def post(local_url: str, body: object = None, raw: bytes | None = None, wait: int = 0) -> Reply:
    headers = {"Prefer": f"wait={wait}"}
    return call("POST", local_url + GENERATE, body, headers, raw=raw)


def error_of(reply: Reply) -> dict:
    assert b"Traceback" not in reply.body
    return reply.json()["error"]


# -- 1. bodies that are no JSON object ---------------------------------------------------


def test_json_nested_10000_deep_is_a_400(local_url: str) -> None:
    reply = post(local_url, raw=b"[" * 10_000 + b"]" * 10_000)
    assert reply.status == 400
    error = error_of(reply)
    assert error["code"] == "invalid_json" and "nested deeper" in error["message"]


def test_json_nested_deep_inside_an_ignored_field_is_a_400(local_url: str) -> None:
    body = json.dumps(sample_body("cedar"))[:-1] + ', "extra": ' + "[" * 100 + "]" * 100 + "}"
    reply = post(local_url, raw=body.encode())
    assert reply.status == 400 and "nested deeper" in error_of(reply)["message"]


def test_a_body_that_is_not_utf8_is_a_400(local_url: str) -> None:
    reply = post(local_url, raw=b'{"emailType": "Promotion\xff\xfe"}')
    assert reply.status == 400
    error = error_of(reply)
    assert error["code"] == "invalid_json" and "not valid UTF-8" in error["message"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_a_utf16_or_utf32_body_is_a_400_naming_the_encoding(local_url: str, encoding: str) -> None:
    reply = post(local_url, raw=json.dumps(sample_body("cedar")).encode(encoding))
    assert reply.status == 400
    error = error_of(reply)
    assert error["code"] == "invalid_json" and "UTF-8" in error["message"]


def test_nan_is_no_json_number(local_url: str) -> None:
    body = json.dumps(sample_body("cedar"))[:-1] + ', "variants": NaN}'
    reply = post(local_url, raw=body.encode())
    assert reply.status == 400 and "NaN" in error_of(reply)["message"]


# -- 2. a minimal brand works for every type ------------------------------------------


@pytest.mark.parametrize("email_type", EMAIL_TYPES)
def test_a_minimal_brand_works_for_every_type(local_url: str, email_type: str) -> None:
    request = {
        "emailType": email_type,
        "brandData": {"store_name": "Minimal Co", "store_url": "minimal.example"},
        "storeId": f"minimal-{uuid.uuid4().hex[:8]}",
    }
    reply = post(local_url, request, wait=25)
    assert reply.status == 200, reply.body[:2000]
    result = reply.json()
    assert result["success"] is True and len(result["emails"]) == 3
    for email in result["emails"]:
        assert email["html"].startswith("<!doctype html") and "Minimal Co" in email["html"]


# -- 3. every list and string bounded ----------------------------------------------------


@pytest.mark.parametrize(
    ("brand_change", "field"),
    [
        ({"social_links": {f"n{i}": "https://x.example/a" for i in range(500)}}, "social_links"),
        ({"social_links": {"k" * 100_000: "https://x.example/a"}}, "social_links"),
        ({"social_links": {"instagram": "https://x.example/" + "a" * 2100}}, "social_links"),
        ({"fonts": [{"usage": "title", "name": "Inter"}] * 11}, "fonts"),
        ({"products": [{"name": f"P{i}"} for i in range(7)]}, "products"),
        ({"address": {"street": "x" * 201}}, "address"),
        ({"description": "x" * 2001}, "description"),
        ({"primary_color": "not-a-colour"}, "primary_color"),
        ({"primary_color": "x" * 500}, "primary_color"),
    ],
)
def test_unbounded_brand_input_is_a_400_naming_the_field(
    local_url: str, brand_change: dict, field: str
) -> None:
    request = sample_body("northwind")
    request["brandData"].update(brand_change)
    reply = post(local_url, request)
    assert reply.status == 400, reply.body[:500]
    error = error_of(reply)
    assert error["code"] == "invalid_request"
    assert {d["field"].split(".")[1] for d in error["details"]} == {field}
    assert len(reply.body) < 4000, "the error does not echo the body back"


def test_the_largest_valid_brand_still_generates(local_url: str) -> None:
    request = sample_body("northwind")
    request["storeId"] = f"largest-{uuid.uuid4().hex[:8]}"
    request["variants"] = 1
    request["brandData"]["social_links"] = {
        f"network{i:02d}": f"https://social{i}.example/" + "a" * 2000 for i in range(20)
    }
    reply = post(local_url, request, wait=25)
    assert reply.status == 200, reply.body[:2000]
    assert reply.json()["success"] is True


# -- 4. strict types and public hosts ------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"variants": True}, "variants"),
        ({"variants": "3"}, "variants"),
        ({"brandData": {"products": [{"name": "P", "price": True}]}}, "brandData.products.0.price"),
        ({"brandData": {"customHeroImage": "yes"}}, "brandData.customHeroImage"),
        ({"brandData": {"store_url": "http://169.254.169.254/"}}, "brandData.store_url"),
        ({"brandData": {"store_url": "https://br\u0430mble.example"}}, "brandData.store_url"),
        ({"brandData": {"logo_url": "http://[::1]/logo.png"}}, "brandData.logo_url"),
        (
            {"brandData": {"products": [{"name": "P", "image_url": "http://10.0.0.1/p.png"}]}},
            "brandData.products.0.image_url",
        ),
        (
            {"brandData": {"social_links": {"instagram": "http://127.0.0.1/x"}}},
            "brandData.social_links.instagram",
        ),
        ({"cartUrl": "http://10.0.0.1/cart"}, "cartUrl"),
    ],
)
def test_lenient_values_and_private_hosts_are_refused(
    local_url: str, change: dict, field: str
) -> None:
    request = sample_body("northwind")
    for key, value in change.items():
        if key == "brandData":
            request["brandData"] = {**request["brandData"], **value}
        else:
            request[key] = value
    reply = post(local_url, request)
    assert reply.status == 400, reply.body[:500]
    assert {d["field"] for d in error_of(reply)["details"]} == {field}


# -- 5. a coalesced caller is told it got a hit --------------------------------------------


def test_a_request_answered_by_an_identical_job_says_hit(local_url: str) -> None:
    request = {**sample_body("cedar"), "storeId": f"coalesce-{uuid.uuid4().hex[:8]}"}
    first = post(local_url, request, wait=0)
    assert first.status == 202
    job_id = first.json()["jobId"]
    second = post(local_url, request, wait=25)  # attaches to the job, or finds its result
    assert second.status == 200
    assert second.json()["jobId"] == job_id and second.json()["cache"] == "hit"
    deadline = time.monotonic() + 30
    status = call("GET", local_url + first.json()["statusUrl"]).json()
    while status["status"] != "completed" and time.monotonic() < deadline:
        time.sleep(0.2)
        status = call("GET", local_url + first.json()["statusUrl"]).json()
    assert status["result"]["cache"] == "miss", "the job that generated was a miss"


# -- 6. wrong method ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [GENERATE, "/api/generate-emails"])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_the_generate_routes_answer_other_methods_with_405(
    local_url: str, path: str, method: str
) -> None:
    reply = call(method, local_url + path)
    assert reply.status == 405
    assert reply.headers.get("Allow") == "POST"
    assert error_of(reply)["code"] == "method_not_allowed"


def test_unknown_paths_stay_404(local_url: str) -> None:
    reply = call("GET", f"{local_url}/api/email/nothing-here")
    assert reply.status == 404 and error_of(reply)["code"] == "not_found"
