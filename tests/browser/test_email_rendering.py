"""Every email type under every theme, as a reader's browser shows it.

At 600 px (desktop) and 375 px (phone): nothing overflows horizontally, every image
loads and is on screen, every button is visible and inside the viewport. Screenshots
land in ``tests/artifacts/browser/`` for a person to judge.
"""

from __future__ import annotations

import pytest
from sbemail.domain.themes import AESTHETICS

from samples import render_request, sample_request

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
