"""Brand lookup through the API handler, with the table on moto's server and Brand.dev
played by a fake of our own over HTTP: mapping, the per-domain cache, retries, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest

from sbemail import bootstrap
from sbemail.local.embedded import LocalAws
from sbemail.local.gateway_events import http_api_event
from sbemail.local.runtime import LocalContext, load_handler

from fakes.branddev_server import API_KEY, FakeBrandDev, running_branddev
from samples import ROOT, sample_body

HANDLER = load_handler(ROOT / "functions" / "api" / "app.py", "api_brands_under_test")


@pytest.fixture
def branddev() -> Iterator[FakeBrandDev]:
    with running_branddev(FakeBrandDev(hang_seconds=2.0)) as fake:
        yield fake


@pytest.fixture
def lookup_env(
    aws: LocalAws, branddev: FakeBrandDev, monkeypatch: pytest.MonkeyPatch
) -> FakeBrandDev:
    """The service wired to the fake Brand.dev with a key; short timeouts, 3 attempts."""
    for name, value in {
        "BRANDDEV_API_KEY": API_KEY,
        "BRANDDEV_BASE_URL": branddev.url,
        "BRANDDEV_TIMEOUT_SECONDS": "0.5",
        "BRANDDEV_MAX_ATTEMPTS": "3",
        "BRANDDEV_RETRY_BUDGET_SECONDS": "10",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BRANDDEV_API_KEY_PARAMETER", raising=False)
    bootstrap.services.cache_clear()
    return branddev


def call(method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else b""
    sent = {"content-type": "application/json", **(headers or {})}
    reply = HANDLER(http_api_event(method, path, sent, data, "127.0.0.1"), LocalContext("api"))
    assert "Traceback" not in reply["body"]
    return reply["statusCode"], json.loads(reply["body"])


def brand_info(domain: Any) -> Any:
    return call("POST", "/api/brand-info", {"domain": domain})


# -- the profile, mapped and kept -------------------------------------------------------


def test_simultaneous_lookups_of_a_new_brand_cost_one_call(lookup_env: FakeBrandDev) -> None:
    bootstrap.services()  # built before the burst
    lookup_env.faults["larkspur-goods.example"] = ["slow"]  # the first answer takes a while
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda _: brand_info("larkspur-goods.example"), range(6)))
    assert [status for status, _ in replies] == [200] * 6
    assert sorted(answer["cache"] for _, answer in replies) == ["hit"] * 5 + ["miss"]
    assert lookup_env.calls["larkspur-goods.example"] == 1


def test_a_profile_is_mapped_to_brand_data(lookup_env: FakeBrandDev) -> None:
    status, answer = brand_info("https://www.larkspur-goods.example/")
    assert status == 200, answer
    assert answer["domain"] == "larkspur-goods.example" and answer["cache"] == "miss"
    brand = answer["brandData"]
    assert brand["store_name"] == "Larkspur Goods"
    assert brand["store_url"] == "https://larkspur-goods.example"
    assert brand["logo_url"] == "https://media.larkspur-goods.example/logo-light.png"
    assert brand["banner_url"] == "https://media.larkspur-goods.example/mill.jpg"
    assert (brand["primary_color"], brand["button_color"]) == ("#1d3557", "#e63946")
    assert brand["social_links"]["instagram"] == "https://instagram.com/larkspurgoods"
    assert answer["fetchedAt"].endswith("Z")
    assert lookup_env.authorizations == [f"Bearer {API_KEY}"]


def test_the_second_lookup_is_served_from_the_table(lookup_env: FakeBrandDev) -> None:
    first = brand_info("larkspur-goods.example")
    second = call("GET", "/api/brands/larkspur-goods.example")
    third = brand_info("WWW.Larkspur-Goods.example")
    assert [reply[0] for reply in (first, second, third)] == [200, 200, 200]
    assert [reply[1]["cache"] for reply in (first, second, third)] == ["miss", "hit", "hit"]
    assert second[1]["brandData"] == first[1]["brandData"]
    assert second[1]["fetchedAt"] == first[1]["fetchedAt"]
    assert lookup_env.calls["larkspur-goods.example"] == 1  # Brand.dev asked once


def test_the_profile_lives_in_the_table_with_a_ttl_of_the_configured_days(
    aws: LocalAws, lookup_env: FakeBrandDev, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRAND_CACHE_DAYS", "7")
    bootstrap.services.cache_clear()
    status, _ = brand_info("tiny-kiln.example")
    assert status == 200
    client = boto3.client("dynamodb", endpoint_url=aws.endpoint, region_name="us-east-1")
    item = client.get_item(TableName=aws.table_name, Key={"pk": {"S": "brand#tiny-kiln.example"}})
    fetched, expires = int(item["Item"]["fetched_at"]["N"]), int(item["Item"]["expires_at"]["N"])
    assert expires - fetched == 7 * 86400


def test_a_sparse_profile_is_mapped_with_what_it_has(lookup_env: FakeBrandDev) -> None:
    status, answer = brand_info("tiny-kiln.example")
    assert status == 200
    brand = answer["brandData"]
    assert brand["store_name"] == "Tiny Kiln"
    assert brand["logo_url"] == "https://tiny-kiln.example/favicon.png"
    assert brand["primary_color"] == "" and brand["description"] == ""


# -- errors -------------------------------------------------------------------------


BAD_DOMAINS = ("localhost", "10.0.0.1", "not a domain", "", None, 7, "intranet", "{{x}}.example")


def test_a_bad_domain_is_a_400_naming_domain(lookup_env: FakeBrandDev) -> None:
    for domain in BAD_DOMAINS:  # one service build for all (the unit tests hold the rule)
        status, answer = brand_info(domain)
        assert status == 400, domain
        assert answer["error"]["code"] == "invalid_request"
        assert [detail["field"] for detail in answer["error"]["details"]] == ["domain"]
    assert sum(lookup_env.calls.values()) == 0  # never sent on


def test_a_body_without_a_domain_or_not_an_object_names_domain(lookup_env: FakeBrandDev) -> None:
    for body in ({}, ["larkspur-goods.example"]):
        status, answer = call("POST", "/api/brand-info", body)
        assert status == 400
        assert answer["error"]["details"][0]["field"] == "domain"


def test_a_bad_domain_in_the_path_is_a_400_too(lookup_env: FakeBrandDev) -> None:
    status, answer = call("GET", "/api/brands/127.0.0.1")
    assert status == 400 and answer["error"]["details"][0]["field"] == "domain"


def test_without_a_key_the_answer_is_a_503_saying_what_to_set(
    aws: LocalAws, branddev: FakeBrandDev, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("BRANDDEV_API_KEY", "BRANDDEV_API_KEY_PARAMETER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRANDDEV_BASE_URL", branddev.url)
    bootstrap.services.cache_clear()
    status, answer = brand_info("larkspur-goods.example")
    assert status == 503
    assert answer["error"]["code"] == "brand_lookup_unavailable"
    assert "BRANDDEV_API_KEY" in answer["error"]["message"]
    assert "BrandDevApiKeyParameter" in answer["error"]["message"]
    assert sum(branddev.calls.values()) == 0


def test_an_unknown_domain_is_our_404(lookup_env: FakeBrandDev) -> None:
    status, answer = brand_info("nobody-here.example")
    assert status == 404
    assert answer["error"]["code"] == "brand_not_found"
    assert "nobody-here.example" in answer["error"]["message"]
    assert lookup_env.calls["nobody-here.example"] == 1  # a 404 is not retried


def test_a_passing_failure_is_retried_and_the_lookup_succeeds(lookup_env: FakeBrandDev) -> None:
    lookup_env.faults["larkspur-goods.example"] = ["503", "429"]
    status, answer = brand_info("larkspur-goods.example")
    assert status == 200, answer
    assert lookup_env.calls["larkspur-goods.example"] == 3


def test_errors_that_persist_are_a_502_with_the_reason(lookup_env: FakeBrandDev) -> None:
    lookup_env.always["larkspur-goods.example"] = "500"
    status, answer = brand_info("larkspur-goods.example")
    assert status == 502
    message = answer["error"]["message"]
    assert answer["error"]["code"] == "brand_lookup_failed"
    assert "500" in message and "Upstream crawl failed" in message and "3 attempts" in message
    assert lookup_env.calls["larkspur-goods.example"] == 3


def test_a_slow_answer_times_out_and_is_a_502_after_retries(
    lookup_env: FakeBrandDev, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRANDDEV_MAX_ATTEMPTS", "2")
    bootstrap.services.cache_clear()
    lookup_env.always["larkspur-goods.example"] = "hang"
    status, answer = brand_info("larkspur-goods.example")
    assert status == 502
    assert "did not answer in time after 2 attempts" in answer["error"]["message"]
    assert lookup_env.calls["larkspur-goods.example"] == 2


def test_an_answer_that_is_no_profile_is_retried_then_a_502(lookup_env: FakeBrandDev) -> None:
    lookup_env.always["larkspur-goods.example"] = "garbage"
    status, answer = brand_info("larkspur-goods.example")
    assert status == 502 and "not JSON" in answer["error"]["message"]


def test_a_refused_key_is_a_502_with_brand_devs_reason(
    lookup_env: FakeBrandDev, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRANDDEV_API_KEY", "wrong-key")
    bootstrap.services.cache_clear()
    status, answer = brand_info("larkspur-goods.example")
    assert status == 502
    assert "401" in answer["error"]["message"] and "Invalid API key" in answer["error"]["message"]
    assert "wrong-key" not in json.dumps(answer)


def test_failures_are_not_cached(lookup_env: FakeBrandDev) -> None:
    lookup_env.faults["larkspur-goods.example"] = ["500", "500", "500"]
    assert brand_info("larkspur-goods.example")[0] == 502
    status, answer = brand_info("larkspur-goods.example")
    assert status == 200 and answer["cache"] == "miss"


# -- the key from SSM, as in the cloud ------------------------------------------------


def test_the_key_is_read_from_ssm_when_a_parameter_is_named(
    aws: LocalAws, branddev: FakeBrandDev, monkeypatch: pytest.MonkeyPatch
) -> None:
    ssm = boto3.client("ssm", endpoint_url=aws.endpoint, region_name="us-east-1")
    name = f"/sbemail/branddev-key-{aws.table_name}"
    ssm.put_parameter(Name=name, Value=API_KEY, Type="SecureString")
    monkeypatch.delenv("BRANDDEV_API_KEY", raising=False)
    monkeypatch.setenv("BRANDDEV_API_KEY_PARAMETER", name)
    monkeypatch.setenv("BRANDDEV_BASE_URL", branddev.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", aws.endpoint)
    bootstrap.services.cache_clear()
    status, answer = brand_info("larkspur-goods.example")
    assert status == 200, answer
    assert branddev.authorizations == [f"Bearer {API_KEY}"]


def test_an_unreadable_key_parameter_is_a_503_naming_it(
    aws: LocalAws, branddev: FakeBrandDev, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BRANDDEV_API_KEY", raising=False)
    monkeypatch.setenv("BRANDDEV_API_KEY_PARAMETER", "/sbemail/no-such-parameter")
    monkeypatch.setenv("BRANDDEV_BASE_URL", branddev.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", aws.endpoint)
    bootstrap.services.cache_clear()
    status, answer = brand_info("larkspur-goods.example")
    assert status == 503
    assert "/sbemail/no-such-parameter" in answer["error"]["message"]
    assert sum(branddev.calls.values()) == 0


# -- brandDomain in a generate request ------------------------------------------------


def generate(body: dict[str, Any]) -> Any:
    return call("POST", "/api/email/generate", body, {"prefer": "wait=0"})


def without_brand(**changes: Any) -> dict[str, Any]:
    body = {k: v for k, v in sample_body("northwind").items() if k not in ("brandData", "offer")}
    return {**body, **changes}


def test_a_generate_request_may_name_its_brand_by_domain(
    aws: LocalAws, lookup_env: FakeBrandDev
) -> None:
    status, answer = generate(without_brand(brandDomain="larkspur-goods.example"))
    assert status == 202, answer
    job = bootstrap.services().store.get(answer["jobId"])
    assert job is not None
    assert job.request["brandData"]["store_name"] == "Larkspur Goods"
    assert job.request["brandData"]["logo_url"].endswith("/logo-light.png")
    assert "brandDomain" not in job.request


def test_a_bad_brand_domain_is_a_400_naming_brand_domain(lookup_env: FakeBrandDev) -> None:
    for domain in BAD_DOMAINS:
        if domain is None or domain == "":
            continue  # blank: no brandDomain at all (brandData is then the missing field)
        status, answer = generate(without_brand(brandDomain=domain))
        assert status == 400, domain
        assert [d["field"] for d in answer["error"]["details"]] == ["brandDomain"]


def test_a_blank_brand_domain_leaves_brand_data_the_missing_field(
    lookup_env: FakeBrandDev,
) -> None:
    status, answer = generate(without_brand(brandDomain=""))
    assert status == 400
    assert [d["field"] for d in answer["error"]["details"]] == ["brandData"]


def test_brand_data_and_brand_domain_together_are_refused(lookup_env: FakeBrandDev) -> None:
    body = {**sample_body("northwind"), "brandDomain": "larkspur-goods.example"}
    status, answer = generate(body)
    assert status == 400
    assert answer["error"]["details"][0]["field"] == "brandDomain"
    assert sum(lookup_env.calls.values()) == 0


def test_a_brand_domain_brand_dev_does_not_know_is_a_404(lookup_env: FakeBrandDev) -> None:
    status, answer = generate(without_brand(brandDomain="nobody-here.example"))
    assert status == 404 and answer["error"]["code"] == "brand_not_found"


def test_a_brand_domain_without_a_key_is_a_503(
    aws: LocalAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("BRANDDEV_API_KEY", "BRANDDEV_API_KEY_PARAMETER"):
        monkeypatch.delenv(name, raising=False)
    bootstrap.services.cache_clear()
    status, answer = generate(without_brand(brandDomain="larkspur-goods.example"))
    assert status == 503 and "BRANDDEV_API_KEY" in answer["error"]["message"]
