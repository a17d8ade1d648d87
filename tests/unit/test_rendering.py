"""Rendering: every block compiles under every theme; emails are valid, small, linked
absolutely, described for screen readers, and come with a plain-text alternative."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from pydantic import ValidationError

from sbemail.domain import BrandData, EmailType, render, resolve_theme
from sbemail.domain.layouts import Layout, positions_for
from sbemail.domain.rendering import (
    GMAIL_CLIP_BYTES,
    UNSUBSCRIBE_MERGE_TAG,
    EmailTooLargeError,
    InvalidStoreURLError,
)
from sbemail.domain.themes import AESTHETICS

from fakes.hostile import MARKUP_PAYLOADS, UNSAFE_URLS
from samples import library, render_request, sample_names, sample_request

SIX_PRODUCTS = [
    {
        "name": f"Product {n}",
        "url": f"https://shop.example/p/{n}",
        "image_url": f"https://cdn.shop.example/{n}.jpg",
        "description": f"Description {n}",
        "price": f"${n}0",
    }
    for n in range(1, 7)
]
FULL_BRAND = BrandData.model_validate(
    {
        "store_name": "Shop",
        "store_url": "https://shop.example/",
        "logo_url": "https://cdn.shop.example/logo.png",
        "banner_url": "https://cdn.shop.example/banner.jpg",
        "slogan": "Good things",
        "social_links": {
            "instagram": "https://instagram.com/shop",
            "tiktok": "https://tiktok.com/@s",
        },
        "address": {"street": "1 Main St", "city": "Springfield"},
        "products": SIX_PRODUCTS,
    }
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.elements.append((tag, dict(attrs)))


def elements(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(markup)
    return parser.elements


def copy_for(layout: Layout) -> dict[str, str]:
    copy = {"subjectLine": "Subject", "preheader": "Preview"}
    for position, block in layout.positions:
        for slot in block.slots:
            copy[f"{position}__{slot.name}"] = f"{slot.name} copy"[: slot.max_length]
    return copy


@pytest.mark.parametrize("aesthetic", sorted(AESTHETICS))
def test_every_block_compiles_under_every_theme(aesthetic):
    theme, _ = resolve_theme(FULL_BRAND, aesthetic)
    brand = FULL_BRAND
    for block in library():
        if block.products:
            brand = FULL_BRAND.model_copy(
                update={"products": FULL_BRAND.products[: block.products]}
            )
        layout = Layout(((block.section, block),))
        email = render(layout, theme, brand, copy_for(layout))
        assert "<mj-" not in email.html, f"{block.id}: an MJML tag survived compilation"
        assert "{{" not in email.mjml, f"{block.id}: a placeholder survived"
        assert email.html.lstrip().lower().startswith("<!doctype html>"), block.id


def _sample_emails():
    for name in sample_names():
        for aesthetic in sorted(AESTHETICS):
            request = sample_request(name, designAesthetic=aesthetic, variants=5)
            for email in render_request(request, seed=f"{name}-{aesthetic}"):
                yield name, aesthetic, request, email


SAMPLE_EMAILS = list(_sample_emails())


def test_samples_times_themes_give_all_variants():
    assert len(SAMPLE_EMAILS) == len(sample_names()) * len(AESTHETICS) * 5


@pytest.mark.parametrize(("name", "aesthetic", "request_", "email"), SAMPLE_EMAILS)
def test_sample_emails_are_valid(name, aesthetic, request_, email):
    assert email.size_bytes <= GMAIL_CLIP_BYTES
    html_elements = elements(email.html)
    images = [attrs for tag, attrs in html_elements if tag == "img"]
    assert images
    for attrs in images:
        assert (attrs.get("alt") or "").strip(), attrs
        assert re.match(r"https?://", attrs.get("src") or ""), attrs
    links = [attrs.get("href") or "" for tag, attrs in html_elements if tag == "a"]
    assert links
    for href in links:
        assert href == UNSUBSCRIBE_MERGE_TAG or re.match(r"https?://[^/\s]+", href), href
    assert email.html.count(UNSUBSCRIBE_MERGE_TAG) == 1
    for product in request_.brand.products if request_.email_type.value != "Newsletter" else []:
        assert product.name in email.text
        assert product.url in email.html


@pytest.mark.parametrize("name", sample_names())
def test_plain_text_carries_the_same_content(name):
    (email,) = render_request(sample_request(name, variants=1))
    body = email.mjml.split("<mj-body", 1)[1]
    for tag in ("mj-text", "mj-button"):
        for inner in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", body, re.S):
            visible = re.sub(r"<[^>]+>", " ", inner)
            for word in unescape(visible).split()[:3]:
                assert word in email.text, (word, email.text)
    buttons = re.findall(r'<mj-button[^>]*href="([^"]+)"', body)
    for href in buttons:
        assert href in email.text
    assert "Unsubscribe (*|UNSUB|*)" in email.text
    assert "<" not in email.text


def test_optional_pieces_follow_what_the_brand_gave():
    layout = Layout(
        (
            ("header", library().get("shared/header/logo-centered")),
            ("hero", library().get("newsletter/hero/banner-headline")),
            ("footer", library().get("shared/footer/centered")),
        )
    )
    theme, _ = resolve_theme(FULL_BRAND, "minimal_clean")
    full = render(layout, theme, FULL_BRAND, copy_for(layout))
    assert "logo.png" in full.html and "banner.jpg" in full.html
    assert "instagram.com/shop" in full.html and "tiktok.com/@s" in full.html
    assert "1 Main St" in full.html

    bare_brand = BrandData.model_validate(
        {"store_name": "Bare Shop", "store_url": "https://b.example"}
    )
    bare = render(layout, theme, bare_brand, copy_for(layout))
    assert "<img" not in bare.html, "no logo, banner or social icons to show"
    assert "Bare Shop" in bare.html, "the store's name stands in for the logo"
    assert "Main St" not in bare.html and "mj-social" not in bare.mjml


def test_social_icons_only_for_http_links():
    brand = FULL_BRAND.model_copy(
        update={
            "social_links": {
                "facebook": "javascript:alert(1)",
                "instagram": "https://instagram.com/s",
            }
        }
    )
    layout = Layout((("footer", library().get("shared/footer/centered")),))
    email = render(layout, resolve_theme(brand, "")[0], brand, copy_for(layout))
    assert "javascript" not in email.html and "instagram.com/s" in email.html
    assert "facebook" not in email.html


def test_unsubscribe_is_configurable_and_checked():
    layout = Layout((("footer", library().get("shared/footer/centered")),))
    theme, _ = resolve_theme(FULL_BRAND, "")
    for target in ("%unsubscribe_url%", "{{ unsubscribe }}", "https://esp.example/u?id=1"):
        email = render(layout, theme, FULL_BRAND, copy_for(layout), unsubscribe=target)
        assert f'href="{target.replace("&", "&amp;")}"' in email.html
    for bad in (*UNSAFE_URLS, *MARKUP_PAYLOADS, "*|UNSUB|* onclick=x"):
        with pytest.raises(ValueError):
            render(layout, theme, FULL_BRAND, copy_for(layout), unsubscribe=bad)


def test_unsafe_product_links_fall_back_to_the_store():
    products = [{**SIX_PRODUCTS[0], "url": "javascript:alert(1)", "image_url": "data:image/png,x"}]
    brand = BrandData.model_validate({**FULL_BRAND.model_dump(by_alias=True), "products": products})
    block = library().get("shared/products/feature-1")
    layout = Layout((("products", block),))
    email = render(layout, resolve_theme(brand, "")[0], brand, copy_for(layout))
    hrefs = {attrs.get("href") for tag, attrs in elements(email.html) if tag == "a"}
    assert hrefs == {"https://shop.example/"}
    assert "data:" not in email.html and "javascript" not in email.html


def test_rendering_reads_no_files(monkeypatch):
    """Blocks are read and parsed once at start-up; a request never touches the disk."""
    request = sample_request("northwind-promotion", variants=1)
    render_request(request)  # warm: the library is loaded before requests arrive

    def no_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a file was opened while rendering")

    monkeypatch.setattr("builtins.open", no_disk)
    monkeypatch.setattr("pathlib.Path.read_text", no_disk)
    monkeypatch.setattr("pathlib.Path.read_bytes", no_disk)
    (email,) = render_request(request, seed="no-disk")
    assert email.size_bytes > 0


def _heaviest_layout(email_type: EmailType, products: int) -> Layout:
    chosen = []
    for position in positions_for(email_type, products):
        options = library().candidates(email_type.namespace, position.section)
        if position.section == "products":
            options = [b for b in options if b.products == products]
        chosen.append((position.name, max(options, key=lambda b: (b.size, len(b.slots)))))
    return Layout(tuple(chosen))


def _maximal_brand(url_length: int) -> BrandData:
    """Every text field at its maximum, in a character that escapes to five bytes."""
    pad = "x" * url_length
    return BrandData.model_validate(
        {
            "store_name": "&" * 120,
            "store_url": "https://shop.example/",
            "logo_url": f"https://cdn.shop.example/{pad}",
            "banner_url": f"https://cdn.shop.example/b{pad}",
            "slogan": "&" * 200,
            "social_links": {k: f"https://{k}.com/{pad}" for k in ("facebook", "instagram", "x")},
            "address": {"street": "&" * 200, "city": "&" * 100, "country": "&" * 100},
            "products": [
                {
                    "name": "&" * 120,
                    "url": f"https://shop.example/p{n}/{pad}",
                    "image_url": f"https://cdn.shop.example/{n}/{pad}",
                    "description": "<" * 600,
                    "price": "&" * 40,
                }
                for n in range(6)
            ],
        }
    )


def _maximal_copy(layout: Layout) -> dict[str, str]:
    copy = {"subjectLine": "&" * 60, "preheader": "&" * 110}
    for position, block in layout.positions:
        for slot in block.slots:
            copy[f"{position}__{slot.name}"] = "&" * slot.max_length
    return copy


@pytest.mark.parametrize("email_type", list(EmailType))
def test_maximal_requests_with_ordinary_urls_stay_under_the_clip_limit(email_type):
    brand = _maximal_brand(url_length=300)
    layout = _heaviest_layout(email_type, len(brand.products))
    email = render(layout, resolve_theme(brand, "pastel_soft")[0], brand, _maximal_copy(layout))
    assert email.size_bytes <= GMAIL_CLIP_BYTES


def test_an_email_that_would_be_clipped_is_compacted_or_refused():
    brand = _maximal_brand(url_length=1900)
    layout = _heaviest_layout(EmailType.PROMOTION, len(brand.products))
    theme, _ = resolve_theme(brand, "")
    with pytest.raises(EmailTooLargeError) as raised:
        render(layout, theme, brand, _maximal_copy(layout))
    assert raised.value.size_bytes > GMAIL_CLIP_BYTES

    shorter = _maximal_brand(url_length=900)
    email = render(layout, theme, shorter, _maximal_copy(layout))
    assert email.size_bytes <= GMAIL_CLIP_BYTES
    assert "&lt;" * 600 not in email.html, "descriptions were dropped to fit"
    assert "&amp;" * 120 in email.html, "names stay"


def test_a_bare_store_host_is_read_as_https_and_a_non_web_one_refused():
    layout = Layout((("cta", library().get("promotion/cta/centered-button")),))
    bare = BrandData.model_validate({"store_name": "S", "store_url": "shop.example/"})
    email = render(layout, resolve_theme(bare, "")[0], bare, copy_for(layout))
    assert 'href="https://shop.example/"' in email.html
    for hostile in UNSAFE_URLS:
        # refused at the edge (a 400 naming brandData.store_url) ...
        with pytest.raises(ValidationError, match="store_url"):
            BrandData.model_validate({"store_name": "S", "store_url": hostile})
        # ... and by the renderer too, should such a brand ever get past validation
        brand = BrandData.model_construct(**{**bare.__dict__, "store_url": hostile})
        with pytest.raises(InvalidStoreURLError):
            render(layout, resolve_theme(brand, "")[0], brand, copy_for(layout))
