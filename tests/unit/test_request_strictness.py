"""A request is read strictly: bounded, typed as sent, and with public web addresses only.

Each case is a 400 naming the field (as callers spell it), decided when the request is
read; nothing hostile gets as far as a job.
"""

from __future__ import annotations

from typing import Any

import pytest

from sbemail.domain import BrandData
from sbemail.domain.brand import MAX_SOCIAL_LINKS
from sbemail.domain.web_addresses import public_host, safe_url
from sbemail.service import InvalidRequestError, parse_request
from sbemail.service.requests import MAX_DETAILS

from fakes.hostile import MARKUP_PAYLOADS
from samples import sample_body


def with_brand(**brand: Any) -> dict[str, Any]:
    body = sample_body("northwind")
    body["brandData"] = {**body["brandData"], **brand}
    return body


def refusal(body: dict[str, Any]) -> InvalidRequestError:
    with pytest.raises(InvalidRequestError) as caught:
        parse_request(body)
    return caught.value


def fields_of(body: dict[str, Any]) -> set[str]:
    return {detail["field"] for detail in refusal(body).details}


# -- types: a bool is not a number, a string is not a number --------------------------------


@pytest.mark.parametrize("variants", [True, False, "3", 3.0, None, [3]])
def test_variants_is_an_integer_as_sent(variants: Any) -> None:
    assert fields_of({**sample_body("cedar"), "variants": variants}) == {"variants"}


def test_variants_as_an_integer_is_read() -> None:
    assert parse_request({**sample_body("cedar"), "variants": 2}).variants == 2


@pytest.mark.parametrize("price", [True, False, float("nan"), float("inf"), [1], {"amount": 1}])
def test_a_price_is_text_or_a_finite_number(price: Any) -> None:
    body = with_brand(products=[{"name": "Parka", "price": price}])
    assert fields_of(body) == {"brandData.products.0.price"}


@pytest.mark.parametrize(("price", "text"), [("$21", "$21"), (21, "21"), (21.5, "21.5")])
def test_numeric_prices_become_text(price: Any, text: str) -> None:
    body = with_brand(products=[{"name": "Parka", "price": price}])
    assert parse_request(body).brand.products[0].price == text


@pytest.mark.parametrize("value", ["true", "false", 1, 0, "yes"])
def test_custom_hero_image_is_a_json_bool(value: Any) -> None:
    assert fields_of(with_brand(customHeroImage=value)) == {"brandData.customHeroImage"}


# -- bounds: every list and string -------------------------------------------------------


def test_social_links_are_at_most_twenty() -> None:
    links = {f"network{i}": f"https://s{i}.example/shop" for i in range(MAX_SOCIAL_LINKS)}
    assert len(parse_request(with_brand(social_links=links)).brand.social_links) == 20
    links["one-more"] = "https://more.example/shop"
    assert fields_of(with_brand(social_links=links)) == {"brandData.social_links"}


def test_500_social_links_are_refused_even_when_blank() -> None:
    links = {f"n{i}": "" for i in range(500)}
    assert fields_of(with_brand(social_links=links)) == {"brandData.social_links"}


def test_a_social_network_name_is_at_most_40_characters_and_not_echoed() -> None:
    error = refusal(with_brand(social_links={"k" * 100_000: "https://x.example/a"}))
    [detail] = error.details
    assert detail["field"].startswith("brandData.social_links.kkk")
    assert len(detail["field"]) < 100 and len(error.message) < 200
    assert parse_request(with_brand(social_links={"k" * 40: "https://x.example/a"}))


def test_a_social_link_is_at_most_2048_characters() -> None:
    long = "https://x.example/" + "a" * 2048
    assert fields_of(with_brand(social_links={"ig": long})) == {"brandData.social_links.ig"}


def test_blank_social_links_are_dropped_and_other_types_refused() -> None:
    brand = parse_request(with_brand(social_links={"ig": "", "fb": None, "x": "  "})).brand
    assert brand.social_links == {}
    assert fields_of(with_brand(social_links={"ig": 5})) == {"brandData.social_links.ig"}
    assert fields_of(with_brand(social_links=["https://x.example"])) == {"brandData.social_links"}


@pytest.mark.parametrize(
    ("brand", "field"),
    [
        ({"fonts": [{"usage": "title", "name": "Inter"}] * 11}, "brandData.fonts"),
        ({"fonts": [{"usage": "u" * 41, "name": "Inter"}]}, "brandData.fonts.0.usage"),
        ({"fonts": [{"usage": "title", "name": "n" * 81}]}, "brandData.fonts.0.name"),
        ({"products": [{"name": f"P{i}"} for i in range(7)]}, "brandData.products"),
        (
            {"products": [{"name": "P", "description": "d" * 601}]},
            "brandData.products.0.description",
        ),
        ({"address": {"street": "s" * 201}}, "brandData.address.street"),
        ({"address": {"city": "c" * 101}}, "brandData.address.city"),
        ({"address": {"state_code": "s" * 41}}, "brandData.address.state_code"),
        ({"address": {"postal_code": "p" * 41}}, "brandData.address.postal_code"),
        ({"address": {"country": "c" * 101}}, "brandData.address.country"),
        ({"store_name": "n" * 121}, "brandData.store_name"),
        ({"tone": "t" * 601}, "brandData.tone"),
        ({"description": "d" * 2001}, "brandData.description"),
        ({"slogan": "s" * 201}, "brandData.slogan"),
        ({"logo_url": "https://cdn.example/" + "a" * 2048}, "brandData.logo_url"),
    ],
)
def test_every_brand_string_and_list_is_bounded(brand: dict[str, Any], field: str) -> None:
    assert fields_of(with_brand(**brand)) == {field}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"designAesthetic": "d" * 61}, "designAesthetic"),
        ({"styleId": "s" * 61}, "styleId"),
        ({"storeId": "s" * 129}, "storeId"),
        ({"cartUrl": "https://northwind.example/" + "c" * 2048}, "cartUrl"),
        ({"language": "en-" + "a" * 40}, "language"),
        ({"stories": [{"summary": "s"}] * 5}, "stories"),
        ({"offer": {"description": "d" * 301}}, "offer.description"),
        (
            {"personalization": {"firstName": "*|FNAME|*", "fallback": "f" * 41}},
            "personalization.fallback",
        ),
    ],
)
def test_every_request_string_and_list_is_bounded(change: dict[str, Any], field: str) -> None:
    assert fields_of({**sample_body("northwind"), **change}) == {field}


def test_an_error_lists_at_most_a_few_dozen_fields() -> None:
    body = with_brand(products=[{"name": "", "url": "x", "image_url": "y"}] * 6)
    body["brandData"]["fonts"] = [{"usage": 1, "name": 2}] * 10
    assert len(refusal(body).details) == MAX_DETAILS


# -- colours: one rule at any length ----------------------------------------------------------


@pytest.mark.parametrize(
    "colour",
    ["#1f3b4d", "#FFF", "1f3b4d", "#1f3b4dcc", "rgb(31, 59, 77)", "rgba(0,0,0,0.5)", "white", ""],
)
def test_colours_the_themes_read_are_accepted(colour: str) -> None:
    assert parse_request(with_brand(primary_color=colour)).brand.primary_color == colour


@pytest.mark.parametrize(
    "colour",
    [
        "navy",
        "#12345",
        "#zzz",
        "red; background:url(x)",
        *MARKUP_PAYLOADS,
        "x" * 40,
        "x" * 41,
        "#" * 500,
    ],
)
def test_anything_else_is_refused_with_the_same_message_at_any_length(colour: str) -> None:
    for field in ("primary_color", "text_color", "body_color", "button_color", "button_text_color"):
        [detail] = refusal(with_brand(**{field: colour})).details
        assert detail["field"] == f"brandData.{field}"
        assert detail["message"].startswith("must be a colour")


def test_a_brand_profile_alone_stays_tolerant_of_junk_colours() -> None:
    """The renderer ignores them; only the request's edge refuses them."""
    brand = BrandData.model_validate(
        {"store_name": "S", "store_url": "https://s.example", "primary_color": "navy"}
    )
    assert brand.primary_color == "navy"


# -- public hosts: no IP literal, no local name, no look-alike ------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "169.254.169.254",
        "10.0.0.1",
        "127.0.0.1",
        "::1",
        "::ffff:a9fe:a9fe",
        "0x7f.1",
        "2130706433",
        "0177.0.0.1",
        "shop.example.123",
        "localhost",
        "intranet",
        "api.localhost",
        "br\u0430mble.example",  # a Cyrillic a among Latin letters
        "xn--brmble-4nf.example",  # the same look-alike, in punycode
        "p\u0430ypal.example",
        "\uff45xample.com",  # a full-width e
        "10%2e0%2e0%2e1.example",
        "shop!.example",
        "a..example",
        "",
    ],
)
def test_hosts_that_are_no_public_names_are_refused(host: str) -> None:
    assert not public_host(host)


@pytest.mark.parametrize(
    "host",
    [
        "shop.example",
        "www.shop.example.",
        "cdn-1.shop.example",
        "blog_x.shop.example",
        "b\u00fccher.example",  # Latin with a diacritic: one script
        "xn--bcher-kva.example",
        "\u4f8b\u3048.jp",  # Han with Hiragana: Japanese
        "\ud55c\uad6d.kr",  # Hangul
        "\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",  # all Cyrillic
        "1.2.3.4.example",
    ],
)
def test_public_names_pass(host: str) -> None:
    assert public_host(host)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://[v1.x]/",
        "http://10.0.0.1/",
        "https://localhost:3000/",
        "https://br\u0430mble.example/",
    ],
)
def test_safe_url_is_the_one_gate_and_refuses_them(url: str) -> None:
    assert safe_url(url) is None


@pytest.mark.parametrize(
    ("brand", "field"),
    [
        ({"store_url": "169.254.169.254"}, "brandData.store_url"),
        ({"store_url": "https://br\u0430mble.example"}, "brandData.store_url"),
        ({"store_url": "http://[::1]:8080/"}, "brandData.store_url"),
        ({"logo_url": "http://10.0.0.1/logo.png"}, "brandData.logo_url"),
        ({"banner_url": "https://localhost/b.png"}, "brandData.banner_url"),
        ({"banner_url": "javascript:alert(1)"}, "brandData.banner_url"),
        ({"products": [{"name": "P", "url": "http://10.0.0.1/p"}]}, "brandData.products.0.url"),
        (
            {"products": [{"name": "P", "image_url": "http://[::1]/p.png"}]},
            "brandData.products.0.image_url",
        ),
        (
            {"social_links": {"instagram": "https://br\u0430mble.example/x"}},
            "brandData.social_links.instagram",
        ),
    ],
)
def test_brand_urls_on_private_or_look_alike_hosts_are_refused(
    brand: dict[str, Any], field: str
) -> None:
    assert fields_of(with_brand(**brand)) == {field}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cartUrl": "http://10.0.0.1/cart"}, "cartUrl"),
        ({"offer": {"description": "Sale", "url": "http://[::1]/sale"}}, "offer.url"),
        ({"stories": [{"summary": "S", "url": "http://169.254.169.254/"}]}, "stories.0.url"),
    ],
)
def test_caller_links_on_private_hosts_are_refused(change: dict[str, Any], field: str) -> None:
    assert fields_of({**sample_body("northwind"), **change}) == {field}


def test_blank_brand_urls_mean_none() -> None:
    request = parse_request(with_brand(logo_url="", banner_url="", products=[{"name": "P"}]))
    assert request.brand.logo_url == "" and request.brand.products[0].url == ""
