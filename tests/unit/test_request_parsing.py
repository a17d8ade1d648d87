"""Request validation: what callers get told when a field is wrong."""

from __future__ import annotations

import pytest

from sbemail.service import InvalidRequestError, parse_request

from fakes.hostile import UNSAFE_URLS
from samples import sample_body


def fields_of(error: InvalidRequestError) -> set[str]:
    return {detail["field"] for detail in error.details}


def test_a_sample_parses_with_extra_brand_fields_ignored() -> None:
    body = sample_body("northwind")
    body["brandData"]["backdrops"] = [{"url": "x"}]
    request = parse_request(body, default_variants=4)
    assert request.variants == 4 and request.brand.store_name == "Northwind Outfitters"


def test_style_id_is_an_alias_of_design_aesthetic() -> None:
    body = {**sample_body("pixelpet"), "styleId": "luxe_mono"}
    assert parse_request(body).aesthetic == "luxe_mono"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"variants": 0}, "variants"),
        ({"variants": 6}, "variants"),
        ({"emailType": "Flyer"}, "emailType"),
        ({"userContext": "x" * 4001}, "userContext"),
        ({"tone": "x" * 601}, "tone"),
        ({"imageContext": "x" * 601}, "imageContext"),
        ({"storeId": "a b"}, "storeId"),
        ({"storeId": "x#y"}, "storeId"),
    ],
)
def test_invalid_fields_are_named(change: dict, field: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        parse_request({**sample_body("cedar"), **change})
    assert fields_of(caught.value) == {field}


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_a_store_url_that_is_no_web_address_is_refused(url: str) -> None:
    body = sample_body("cedar")
    body["brandData"]["store_url"] = url
    with pytest.raises(InvalidRequestError) as caught:
        parse_request(body)
    assert fields_of(caught.value) == {"brandData.store_url"}


def test_a_bare_store_host_is_accepted_as_https() -> None:
    body = sample_body("cedar")
    body["brandData"]["store_url"] = "cedarash.example"
    assert parse_request(body).brand.store_url == "https://cedarash.example"


def test_free_text_cap_is_configuration() -> None:
    body = {**sample_body("cedar"), "tone": "x" * 200}
    with pytest.raises(InvalidRequestError) as caught:
        parse_request(body, max_text=100)
    assert fields_of(caught.value) == {"tone"}


def test_a_brief_as_long_as_marketers_write_them_is_accepted() -> None:
    brief = "Our winter letter. " * 210  # 3,990 characters
    request = parse_request({**sample_body("cedar"), "userContext": brief})
    assert request.user_context == brief.strip()


def test_the_brief_cap_is_configuration_up_to_a_hard_ceiling() -> None:
    body = {**sample_body("cedar"), "userContext": "x" * 5000}
    assert len(parse_request(body, max_brief=8000).user_context) == 5000
    with pytest.raises(InvalidRequestError) as caught:
        parse_request(body, max_brief=1000)
    assert fields_of(caught.value) == {"userContext"}
    with pytest.raises(InvalidRequestError) as caught:
        parse_request({**body, "userContext": "x" * 20_001}, max_brief=50_000)
    assert fields_of(caught.value) == {"userContext"}


def test_a_body_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidRequestError):
        parse_request([1, 2])
