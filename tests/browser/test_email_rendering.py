"""Every email type under every theme, as a reader's browser shows it.

At 600 px (desktop) and 375 px (phone): nothing overflows horizontally, every image
loads and is on screen, every button is visible and inside the viewport. Screenshots
land in ``tests/artifacts/browser/`` for a person to judge.
"""

from __future__ import annotations

import pytest

from sbemail.domain import render, resolve_theme
from sbemail.domain.layouts import Layout
from sbemail.domain.themes import AESTHETICS

from samples import library, offline_copy, render_request, sample_body, sample_request

pytestmark = pytest.mark.browser

EMAILS = {
    "Newsletter": "cedar-newsletter",
    "Productgrid": "northwind-promotion",
    "Promotion": "northwind-promotion",
    "AbandonedCart": "pixelpet-abandoned",
}

_GEOMETRY = """() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, height: r.height}; };
  const visible = (el) => { const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && s.opacity !== '0'; };
  return {
    scrollWidth: document.documentElement.scrollWidth,
    images: [...document.images].map((img) => ({src: img.currentSrc || img.src,
      alt: img.getAttribute('alt'), loaded: img.complete && img.naturalWidth > 0,
      visible: visible(img), ...box(img)})),
    buttons: [...document.querySelectorAll('td[role=presentation][bgcolor] > a')].map(
      (a) => ({label: a.textContent.trim(), visible: visible(a), ...box(a)})),
  };
}"""


@pytest.mark.parametrize("aesthetic", sorted(AESTHETICS))
@pytest.mark.parametrize("email_type", sorted(EMAILS))
def test_email_is_readable_on_desktop_and_phone(email_type, aesthetic, email_page, artifacts):
    request = sample_request(
        EMAILS[email_type], emailType=email_type, designAesthetic=aesthetic, variants=1
    )
    (email,) = render_request(request, seed=f"{email_type}-{aesthetic}")
    expected_buttons = email.mjml.split("<mj-body", 1)[1].count("<mj-button")

    for width in (600, 375):
        page = email_page(email.html, width)
        page.screenshot(
            path=str(artifacts / f"{email_type}-{aesthetic}-{width}.png"), full_page=True
        )
        geometry = page.evaluate(_GEOMETRY)

        assert geometry["scrollWidth"] <= width, f"horizontal overflow at {width}px"
        assert geometry["images"], "an email without images"
        for image in geometry["images"]:
            assert image["loaded"] and image["visible"], image
            assert image["width"] > 0 and image["height"] > 0, image
            assert image["left"] >= 0 and image["right"] <= width + 0.5, image
            assert image["alt"], image
        assert len(geometry["buttons"]) == expected_buttons
        for button in geometry["buttons"]:
            assert button["visible"] and button["label"], button
            assert button["width"] > 0 and button["height"] > 0, button
            assert button["left"] >= 0 and button["right"] <= width + 0.5, button


def _product_sections():
    return sorted(
        (b for b in library().candidates("shared", "products")), key=lambda b: (b.products, b.id)
    )


@pytest.mark.parametrize("section", _product_sections(), ids=lambda b: b.id.rsplit("/", 1)[1])
def test_every_product_section_fits_a_phone(section, email_page, artifacts):
    base = sample_request("northwind-promotion", emailType="Productgrid", variants=1)
    products = [
        {
            **base.brand.products[n % 4].model_dump(),
            "url": f"https://northwind.example/p/{n}",
            "image_url": f"https://cdn.northwind.example/p/{n}.jpg",
        }
        for n in range(section.products)
    ]
    request = sample_request(
        "northwind-promotion",
        emailType="Productgrid",
        variants=1,
        brandData={**sample_body("northwind-promotion")["brandData"], "products": products},
    )
    theme, _ = resolve_theme(request.brand, "minimal_clean")
    layout = Layout((("products", section),))
    email = render(layout, theme, request.brand, offline_copy(request, layout))
    for width in (600, 375):
        page = email_page(email.html, width)
        name = section.id.rsplit("/", 1)[1]
        page.screenshot(path=str(artifacts / f"products-{name}-{width}.png"), full_page=True)
        geometry = page.evaluate(_GEOMETRY)
        assert geometry["scrollWidth"] <= width
        assert len(geometry["images"]) == section.products
        assert len(geometry["buttons"]) == section.products
        for item in geometry["images"] + geometry["buttons"]:
            assert item["visible"] and item["width"] > 0 and item["height"] > 0, item
            assert item["left"] >= 0 and item["right"] <= width + 0.5, item
