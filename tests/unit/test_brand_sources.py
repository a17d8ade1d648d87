"""Fetched brand profiles: which domains may be looked up, and how a profile (full,
sparse, or hostile) becomes ``brandData`` a generate request accepts as it is."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sbemail.domain.brand_sources import brand_data_from_profile, lookup_domain
from sbemail.service import parse_request

from fakes.branddev_server import FULL_PROFILE, HOSTILE_PROFILE, SPARSE_PROFILE


@pytest.mark.parametrize(
    ("given", "domain"),
    [
        ("larkspur-goods.example", "larkspur-goods.example"),
        ("  Larkspur-Goods.Example. ", "larkspur-goods.example"),
        ("www.larkspur-goods.example", "larkspur-goods.example"),
        ("https://www.larkspur-goods.example/about?x=1", "larkspur-goods.example"),
        ("shop.larkspur-goods.example", "shop.larkspur-goods.example"),
        ("bücher.example", "bücher.example"),
    ],
)
def test_public_domains_are_read_in_the_form_brand_services_expect(given: str, domain: str) -> None:
    assert lookup_domain(given) == domain


@pytest.mark.parametrize(
    "given",
    [
        "",
        "   ",
        "localhost",
        "intranet",
        "10.0.0.1",
        "0x7f.1",
        "[::1]",
        "https://127.0.0.1/",
        "ftp://larkspur-goods.example",
        "larkspur-goods.example/path",
        "larkspur goods.example",
        "user@larkspur-goods.example",
        "{{domain}}.example",
        "lаrkspur.example",  # a Cyrillic a among Latin letters: a look-alike  # noqa: RUF001
        "a" * 64 + ".example",
        "x." * 130 + "example",
        None,
        42,
        ["larkspur-goods.example"],
    ],
)
def test_anything_but_a_public_domain_is_refused(given: Any) -> None:
    assert lookup_domain(given) is None


def test_a_full_profile_fills_every_role_and_keeps_its_lists() -> None:
    brand = brand_data_from_profile(copy.deepcopy(FULL_PROFILE), "larkspur-goods.example")
    assert brand["store_name"] == "Larkspur Goods"
    assert brand["store_url"] == "https://larkspur-goods.example"
    assert brand["logo_url"] == "https://media.larkspur-goods.example/logo-light.png"
    assert brand["banner_url"] == "https://media.larkspur-goods.example/mill.jpg"
    assert brand["primary_color"] == "#1d3557"
    assert brand["button_color"] == "#e63946"  # the palette's most colourful
    assert brand["slogan"] == "Made to be mended."
    assert brand["description"].startswith("Larkspur Goods makes canvas bags")
    assert brand["fonts"] == [
        {"usage": "title", "name": "Fraunces"},
        {"usage": "body", "name": "Inter"},
    ]
    assert brand["social_links"] == {
        "instagram": "https://instagram.com/larkspurgoods",
        "facebook": "https://facebook.com/larkspurgoods",
    }
    assert brand["address"]["city"] == "Hebden" and brand["address"]["state_code"] == "WYK"
    assert [logo["type"] for logo in brand["logos"]] == ["icon", "logo"]
    assert brand["logos"][1]["resolution"] == {"width": 600, "height": 150, "aspect_ratio": 4.0}
    assert brand["colors"][0] == {"hex": "#1d3557", "name": "Prussian Night"}
    assert "stock" not in brand and "industries" not in brand  # unused facts are dropped


def test_a_sparse_profile_keeps_what_it_has_and_leaves_the_rest_empty() -> None:
    brand = brand_data_from_profile(copy.deepcopy(SPARSE_PROFILE), "tiny-kiln.example")
    assert brand["store_name"] == "Tiny Kiln"
    assert brand["logo_url"] == "https://tiny-kiln.example/favicon.png"
    assert brand["banner_url"] == "" and brand["primary_color"] == ""
    assert brand["description"] == "" and brand["slogan"] == ""
    assert brand["address"] is None and brand["social_links"] == {} and brand["fonts"] == []


@pytest.mark.parametrize(
    "profile",
    [
        {},
        {"title": None, "colors": None, "logos": "none", "socials": {"x": 1}, "fonts": 3},
        {"title": 12, "address": "somewhere", "backdrops": [None, 1, {"url": None}]},
        {"logos": [{"url": "https://cdn.empty.example/l.png", "resolution": "big"}]},
    ],
)
def test_a_profile_missing_or_mistyping_every_field_still_makes_a_brand(
    profile: dict[str, Any],
) -> None:
    brand = brand_data_from_profile(profile, "empty.example")
    assert brand["store_name"] == "empty.example"  # named after its domain
    assert brand["store_url"] == "https://empty.example"
    request = parse_request({"brandData": brand, "emailType": "Promotion"})
    assert request.brand.store_name == "empty.example"


def test_the_domain_asked_for_is_the_store_whatever_the_profile_says() -> None:
    profile = {**copy.deepcopy(FULL_PROFILE), "domain": "elsewhere.example"}
    brand = brand_data_from_profile(profile, "larkspur-goods.example")
    assert brand["store_url"] == "https://larkspur-goods.example"
    assert brand["domain"] == "larkspur-goods.example"


def test_third_party_text_meets_the_text_rule_and_links_must_be_public() -> None:
    brand = brand_data_from_profile(copy.deepcopy(HOSTILE_PROFILE), "odd-mart.example")
    assert brand["store_name"] == "Odd Mart { { discount } }"  # no hidden character, no tag
    assert "*|" not in brand["description"] and "\u200b" not in brand["store_name"]
    assert brand["logo_url"] == "https://cdn.odd-mart.example/logo.png"  # the only public one
    assert [logo["url"] for logo in brand["logos"]] == ["https://cdn.odd-mart.example/logo.png"]
    assert brand["banner_url"] == "" and brand["backdrops"] == []
    assert brand["social_links"] == {} and brand["socials"] == []
    assert brand["colors"] == [{"hex": "#00aa00", "name": "Green"}]


def test_overlong_texts_are_cut_at_a_boundary_rather_than_refused() -> None:
    profile = {
        "title": "Very " * 40 + "Long Name",
        "description": "One sentence here. " * 200,
        "slogan": "word " * 100,
        "fonts": [{"usage": "title", "name": "F" * 200}, {"usage": "body", "name": "Inter"}],
        "address": {"street": "Lane " * 100, "city": "Hebden"},
    }
    brand = brand_data_from_profile(profile, "long.example")
    assert len(brand["store_name"]) <= 120 and not brand["store_name"].endswith(" ")
    assert len(brand["description"]) <= 2000 and brand["description"].endswith("here.")
    assert len(brand["slogan"]) <= 200 and brand["slogan"].endswith("word")
    assert brand["fonts"] == [{"usage": "body", "name": "Inter"}]  # a font name is never cut
    assert len(brand["address"]["street"]) <= 200


def test_the_mapped_profile_is_accepted_as_brand_data_as_it_is() -> None:
    for profile, domain in (
        (FULL_PROFILE, "larkspur-goods.example"),
        (SPARSE_PROFILE, "tiny-kiln.example"),
        (HOSTILE_PROFILE, "odd-mart.example"),
    ):
        brand = brand_data_from_profile(copy.deepcopy(profile), domain)
        request = parse_request(
            {"brandData": brand, "emailType": "Newsletter", "cartUrl": f"https://{domain}/cart"}
        )
        assert request.brand.store_url == f"https://{domain}"
