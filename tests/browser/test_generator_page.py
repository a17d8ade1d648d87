"""The generator page in headless Chromium, as a marketer with their own brand uses it.

The brand here is none of the samples: it is typed into the form, or pasted as a
Brand.dev-style profile. Each step leaves a screenshot in ``tests/artifacts/page/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import GeneratorPage
from http_client import call

pytestmark = pytest.mark.browser

STORE = "Juniper & Fig Ceramics"
PRODUCTS = [
    ("Celadon Pour-Over Set", "$64", "pour-over"),
    ("Speckled Stoneware Mug", "$28", "speckled-mug"),
]
# The browser's own report of a 4xx answer to fetch(): expected where a test provokes one.
_NETWORK_400 = "the server responded with a status of 400"


def fill_own_brand(page: Any) -> None:
    """The form filled by hand, through the controls' labels, for a brand of our own."""
    page.get_by_label("Store name").fill(STORE)
    page.get_by_label("Store website").fill("https://juniperfig.example")
    page.get_by_label("Logo image URL").fill("https://juniperfig.example/brand/logo.png")
    page.get_by_label("What the store sells").fill(
        "Small-batch stoneware thrown and glazed in our Asheville studio."
    )
    page.fill("#colour-primary_color", "#2f5d50")
    page.fill("#colour-button_color", "#c0623b")
    page.fill("#colour-button_text_color", "#ffffff")
    for index, (name, price, slug) in enumerate(PRODUCTS):
        if index:
            page.get_by_role("button", name="Add a product").click()
        page.fill(f"#product-{index}-name", name)
        page.fill(f"#product-{index}-price", price)
        page.fill(f"#product-{index}-url", f"https://juniperfig.example/shop/{slug}")
        page.fill(f"#product-{index}-image_url", f"https://cdn.juniperfig.example/p/{slug}.jpg")


def _watch_progress(page: Any) -> None:
    """Record every (value, max) the progress bar shows from now on."""
    page.evaluate(
        """() => {
          const bar = document.getElementById("progress");
          window.progressSeen = [];
          new MutationObserver(() => window.progressSeen.push([bar.value, bar.max]))
            .observe(bar, {attributes: true, attributeFilter: ["value", "max"]});
        }"""
    )


def test_a_marketer_generates_emails_for_their_own_brand(
    generator: GeneratorPage, local_url: str, page_artifacts: Path
) -> None:
    page = generator.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=local_url)
    page.screenshot(path=str(page_artifacts / "01-blank-form.png"), full_page=True)

    fill_own_brand(page)
    page.screenshot(path=str(page_artifacts / "02-brand-filled.png"), full_page=True)
    page.get_by_role("radio", name="Product grid").check()
    page.get_by_role("radio", name="Promotion").check()
    page.get_by_label("Brief").fill(
        "Our autumn kiln opening: 20% off every glaze in the new Ember range this weekend."
    )
    page.get_by_label("Style").select_option("pastel_soft")
    page.get_by_label("Variants").fill("3")
    page.get_by_text("Details the email can use").click()
    page.get_by_label("What is on offer").fill("20% off the Ember glaze range")
    page.get_by_label("Code").fill("EMBER20")
    page.get_by_label("Offer page").fill("https://juniperfig.example/ember")
    page.screenshot(path=str(page_artifacts / "03-email-filled.png"), full_page=True)

    _watch_progress(page)
    page.focus("#generate")
    with page.expect_request(lambda r: r.url.endswith("/api/email/generate")) as sent:
        page.keyboard.press("Enter")
    page.wait_for_selector("#progress-area:not([hidden])")
    page.locator(".actions").screenshot(path=str(page_artifacts / "04-generating.png"))
    page.wait_for_selector("#results:not([hidden])", timeout=60_000)

    # The job was submitted without waiting, and followed to its end.
    assert sent.value.headers["prefer"] == "wait=0"
    request = sent.value.post_data_json
    assert request["brandData"]["store_name"] == STORE
    assert request["offer"] == {
        "description": "20% off the Ember glaze range",
        "code": "EMBER20",
        "url": "https://juniperfig.example/ember",
    }
    bar = page.locator("#progress")
    assert (bar.evaluate("b => b.value"), bar.evaluate("b => b.max")) == (3, 3)
    seen = page.evaluate("window.progressSeen")
    assert seen and seen[-1] == [3, 3]
    assert [value for value, _ in seen] == sorted(value for value, _ in seen)
    assert "All 3 variants written" in page.inner_text("#progress-area")
    assert page.evaluate("document.activeElement.id") == "results-title"
    page.screenshot(path=str(page_artifacts / "05-results.png"))

    # The API answers the same request with the same emails (now from its cache).
    reply = call("POST", f"{local_url}/api/email/generate", request, headers={"Prefer": "wait=20"})
    assert reply.status == 200, reply.body[:300]
    emails = reply.json()["emails"]
    assert len(emails) == 3

    cards = page.locator("article.variant")
    assert cards.count() == 3
    for index, email in enumerate(emails):
        number = index + 1
        card = cards.nth(index)
        assert card.locator(".subject").inner_text() == email["subjectLine"]
        assert card.locator(".preheader").inner_text() == email["preheader"]
        assert card.locator(".from").inner_text() == STORE
        figures = card.locator(".figures").inner_text()
        assert f"{email['sizeBytes'] / 1024:.1f} KB of Gmail's 102 KB clip" in figures
        assert "$0.00" in figures  # the offline writer costs nothing

        for kind, width in (("desktop", 640), ("mobile", 375)):
            frame = card.locator(f"iframe.{kind}")
            assert frame.get_attribute("sandbox") == ""  # no scripts in the render
            assert frame.evaluate("f => f.clientWidth") == width
            body = card.frame_locator(f"iframe.{kind}").locator("body")
            assert PRODUCTS[0][0] in body.inner_text()
            widest = body.locator("table").evaluate_all(
                "tables => Math.max(...tables.map((t) => t.getBoundingClientRect().right))"
            )
            assert 0 < widest <= width  # laid out, and nothing wider than the frame

        with page.expect_download() as downloaded:
            card.get_by_role("button", name=f"Download HTML of variant {number}").click()
        assert (
            downloaded.value.suggested_filename == f"juniper-fig-ceramics-promotion-{number}.html"
        )
        assert Path(downloaded.value.path()).read_text(encoding="utf-8") == email["html"]
        card.screenshot(path=str(page_artifacts / f"06-variant-{number}.png"))

    cards.first.get_by_role("button", name="Copy Text of variant 1").click()
    # a locator, not wait_for_function: its polling evaluates a string, which the page's
    # CSP (no 'unsafe-eval') refuses whenever the first check comes too early
    page.locator("#status", has_text="copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == emails[0]["text"]
    with page.expect_download() as downloaded:
        cards.first.get_by_role("button", name="Download MJML of variant 1").click()
    assert Path(downloaded.value.path()).read_text(encoding="utf-8") == emails[0]["mjml"]
    assert generator.errors == []


def test_pasted_json_that_does_not_parse_is_explained_at_its_field(
    generator: GeneratorPage, page_artifacts: Path
) -> None:
    page = generator.page
    page.get_by_text("Or paste a brand profile").click()
    box = page.get_by_label("Brand profile or whole request")
    box.fill('{"title": "Tallow & Tide", "domain": "tallowandtide.example",}')
    page.get_by_role("button", name="Use this profile").click()

    note = page.locator("#profile-json ~ .field-error")
    assert "is not valid JSON: expected double-quoted property name at line 1, column" in (
        note.inner_text()
    )
    assert box.get_attribute("aria-invalid") == "true"
    assert note.get_attribute("id") in box.get_attribute("aria-describedby").split()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.get_by_label("Store name").input_value() == ""  # nothing half-filled
    page.screenshot(path=str(page_artifacts / "07-invalid-json.png"))

    box.fill("[1, 2]")
    page.get_by_role("button", name="Use this profile").click()
    assert "should be a JSON object" in page.locator("#profile-json ~ .field-error").inner_text()
    assert generator.errors == []


def test_a_pasted_brand_profile_fills_the_form_and_generates(
    generator: GeneratorPage, page_artifacts: Path
) -> None:
    profile = {
        "status": "ok",
        "brand": {
            "domain": "tallowandtide.example",
            "title": "Tallow & Tide",
            "description": "Hand-poured soy candles scented with the coast.",
            "colors": [{"hex": "#f4efe6", "name": "Linen"}, {"hex": "#1d5c63", "name": "Teal"}],
            "logos": [
                {"url": "https://tallowandtide.example/icon.png", "mode": "dark", "type": "icon"},
                {"url": "https://tallowandtide.example/logo.png", "mode": "light", "type": "logo"},
            ],
            "socials": [{"type": "instagram", "url": "https://instagram.com/tallowandtide"}],
            "fonts": {"title": "Playfair Display", "body": "Lato"},
        },
    }
    page = generator.page
    page.get_by_text("Or paste a brand profile").click()
    page.get_by_label("Brand profile or whole request").fill(json.dumps(profile))
    page.get_by_role("button", name="Use this profile").click()

    assert page.get_by_label("Store name").input_value() == "Tallow & Tide"
    assert page.get_by_label("Store website").input_value() == "tallowandtide.example"
    assert page.get_by_label("Logo image URL").input_value().endswith("/logo.png")
    assert page.input_value("#colour-primary_color") == "#f4efe6"
    assert page.input_value("#colour-button_color") == "#1d5c63"  # the palette's accent
    assert "1 social link" in page.inner_text("#kept")
    page.screenshot(path=str(page_artifacts / "08-profile-filled.png"), full_page=True)

    page.get_by_label("Variants").fill("1")
    page.get_by_role("radio", name="Newsletter").check()
    page.get_by_label("Brief").fill(
        "Our winter letter: the new Driftwood candle and a studio visit."
    )
    page.click("#generate")
    page.wait_for_selector("#results:not([hidden]) article.variant", timeout=60_000)
    body = page.frame_locator("article.variant iframe.mobile").locator("body").inner_text()
    assert "Tallow & Tide" in body
    assert generator.errors == []


def test_an_invalid_field_from_the_api_is_shown_at_that_field(
    generator: GeneratorPage, page_artifacts: Path
) -> None:
    page = generator.page
    fill_own_brand(page)
    page.fill("#product-1-url", "http://127.0.0.1/shop/speckled-mug")  # no IP addresses
    page.get_by_text("Details the email can use").click()
    page.get_by_label("What is on offer").fill("Free glaze samples")
    page.get_by_label("Offer page").fill("https://elsewhere.example/free")  # not the store's
    page.click("#generate")
    page.wait_for_selector("#error-summary:not([hidden])", timeout=30_000)

    product_note = page.locator("#product-1-url ~ .field-error")
    assert product_note.inner_text().startswith("Product 2: Product page URL must be an absolute")
    offer_note = page.locator("#offer-url ~ .field-error")
    assert "must be a link on the store's site" in offer_note.inner_text()
    assert page.get_attribute("#product-1-url", "aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary = page.locator("#error-list a")
    assert summary.count() == 2
    page.screenshot(path=str(page_artifacts / "09-api-error.png"))

    summary.filter(has_text="Product 2").click()
    assert page.evaluate("document.activeElement.id") == "product-1-url"
    assert page.is_hidden("#results")
    assert [e for e in generator.errors if _NETWORK_400 not in e] == []

    # Fixed, the errors go and the emails come.
    page.fill("#product-1-url", "https://juniperfig.example/shop/speckled-mug")
    assert page.locator("#product-1-url ~ .field-error").count() == 0  # edited: its note goes
    assert page.get_attribute("#product-1-url", "aria-invalid") is None
    assert page.locator("#offer-url ~ .field-error").count() == 1  # the other stays
    page.fill("#offer-url", "https://juniperfig.example/free")
    page.get_by_label("Variants").fill("1")
    page.click("#generate")
    page.wait_for_selector("#results:not([hidden]) article.variant", timeout=60_000)
    assert page.locator(".field-error").count() == 0
    assert page.is_hidden("#error-summary")


def test_every_control_has_a_name_a_screen_reader_can_read(generator: GeneratorPage) -> None:
    page = generator.page
    page.get_by_role("button", name="Add a product").click()
    page.get_by_text("Details the email can use").click()
    page.get_by_role("button", name="Add a story").click()
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll("input, select, textarea, button, progress")]
            .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
                            && !el.textContent.trim())
            .map((el) => el.outerHTML)"""
    )
    assert unnamed == []
    assert page.get_by_role("group", name="Kind of email").count() == 1
    assert page.get_by_role("group", name="Product 2").count() == 1
    assert page.get_by_role("status").count() == 1


def test_the_whole_form_is_used_with_the_keyboard_alone(generator: GeneratorPage) -> None:
    page = generator.page

    def focused() -> str:
        return str(page.evaluate("document.activeElement.id || document.activeElement.tagName"))

    page.keyboard.press("Tab")
    assert focused() == "sample"
    page.keyboard.press("ArrowDown")  # the first example
    assert page.input_value("#sample") == "cedar"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Fill in"
    assert page.get_by_label("Store name").input_value() == "Cedar & Ash Coffee"

    order = [focused()]
    while order[-1] != "generate" and len(order) < 200:
        page.keyboard.press("Tab")
        order.append(focused())
    # in reading order: the examples, the brand, one stop for the email's kind, the brief
    expected = ["clear-brand", "SUMMARY", "store-name", "store-url", "logo-url"]
    assert order[1:6] == expected
    assert order.index("colour-primary_color") < order.index("product-0-name")
    assert sum(stop.startswith("type-") for stop in order) == 1
    assert order.index("type-newsletter") < order.index("brief") < order.index("aesthetic")
    assert order[-1] == "generate"

    page.get_by_label("Variants").fill("1")
    page.focus("#generate")
    page.keyboard.press("Enter")
    page.wait_for_selector("#results:not([hidden]) article.variant", timeout=60_000)
    assert focused() == "results-title"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Copy MJML of variant 1"
    )
    assert generator.errors == []
