"""Brand profiles as brand-profile services return them: both font forms, palettes,
logo and backdrop lists, socials, title and domain; the flat fields always win."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sbemail.domain import BrandData, GenerateRequest

from samples import render_request

# A profile shaped like a brand-profile service's answer (invented brand, our own data).
PROFILE: dict[str, Any] = {
    "domain": "fernhollow.example",
    "title": "Fernhollow Tea Co.",
    "description": "Loose-leaf teas blended in small batches.",
    "slogan": "Steep slowly.",
    "colors": [
        {"hex": "#f4f1ea", "name": "Parchment"},
        {"hex": "#2f5d50", "name": "Deep Fern"},
        {"hex": "#e07a2f", "name": "Ember"},
    ],
    "logos": [
        {"url": "https://cdn.fernhollow.example/icon-dark.png", "mode": "dark", "type": "icon"},
        {"url": "https://cdn.fernhollow.example/logo-dark.png", "mode": "dark", "type": "logo"},
        {"url": "https://cdn.fernhollow.example/logo-light.png", "mode": "light", "type": "logo"},
        {"url": "https://cdn.fernhollow.example/icon-light.png", "mode": "light", "type": "icon"},
    ],
    "backdrops": [
        {
            "url": "https://cdn.fernhollow.example/square.jpg",
            "resolution": {"width": 800, "height": 800, "aspect_ratio": 1.0},
        },
        {
            "url": "https://cdn.fernhollow.example/wide.jpg",
            "resolution": {"width": 1600, "height": 600, "aspect_ratio": 2.67},
        },
    ],
    "socials": [{"type": "instagram", "url": "https://instagram.com/fernhollow.example"}],
    "fonts": {"title": "Playfair Display", "body": "Source Sans 3", "button": "Source Sans 3"},
    "stock": {"ticker": None},
    "industries": [{"eic": "x"}],
}


def _brand(**changes: Any) -> BrandData:
    return BrandData.model_validate({**copy.deepcopy(PROFILE), **changes})


def test_a_profile_fills_every_role() -> None:
    brand = _brand()
    assert brand.store_name == "Fernhollow Tea Co."
    assert brand.store_url == "https://fernhollow.example"
    assert brand.logo_url.endswith("/logo-light.png")  # wide, for light backgrounds
    assert brand.banner_url.endswith("/wide.jpg")  # the widest backdrop
    assert brand.primary_color == "#f4f1ea"  # the palette's first colour
    assert brand.button_color == "#e07a2f"  # its most colourful: the accent
    assert brand.social_links == {"instagram": "https://instagram.com/fernhollow.example"}


@pytest.mark.parametrize(
    "fonts",
    [
        {"title": "Playfair Display", "body": "Source Sans 3"},
        [
            {"usage": "title", "name": "Playfair Display"},
            {"usage": "body", "name": "Source Sans 3"},
        ],
    ],
    ids=["object", "list"],
)
def test_both_font_forms_mean_the_same(fonts: Any) -> None:
    brand = _brand(fonts=fonts)
    assert [(f.usage, f.name) for f in brand.fonts] == [
        ("title", "Playfair Display"),
        ("body", "Source Sans 3"),
    ]


def test_flat_fields_win_over_the_lists() -> None:
    brand = _brand(
        store_name="Fernhollow",
        logo_url="https://fernhollow.example/mine.png",
        primary_color="#123456",
        banner_url="https://fernhollow.example/banner.jpg",
    )
    assert brand.store_name == "Fernhollow"
    assert brand.logo_url.endswith("/mine.png") and brand.banner_url.endswith("/banner.jpg")
    assert brand.primary_color == "#123456" and brand.button_color == "#e07a2f"


def test_only_dark_logos_are_used_when_nothing_else_exists() -> None:
    logos = [logo for logo in PROFILE["logos"] if logo["mode"] == "dark"]
    assert _brand(logos=logos).logo_url.endswith("/logo-dark.png")


def test_junk_in_the_lists_is_ignored() -> None:
    brand = _brand(
        colors=[{"hex": "not a colour"}, "nope", {"name": "no hex"}],
        logos=[{"mode": "light"}, "x"],
        backdrops=None,
        socials=[{"type": "<script>", "url": "https://x.example"}],
    )
    assert brand.primary_color == "" and brand.logo_url == "" and brand.banner_url == ""
    assert brand.social_links == {}


@pytest.mark.parametrize("email_type", ["Newsletter", "Productgrid", "Promotion", "AbandonedCart"])
def test_a_profile_as_it_comes_generates(email_type: str) -> None:
    products = [
        {
            "name": "Morning Mist",
            "url": "https://fernhollow.example/t/mist",
            "image_url": "https://cdn.fernhollow.example/mist.jpg",
            "price": "$14",
        },
    ]
    request = GenerateRequest.model_validate(
        {"emailType": email_type, "brandData": {**PROFILE, "products": products}, "variants": 1}
    )
    (email,) = render_request(request)
    assert "Fernhollow Tea Co." in email.text
    assert "logo-light.png" in email.html
