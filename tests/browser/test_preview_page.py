"""The page with the sample brands in headless Chromium: pick one, brief it, see every
variant; hostile text stays text; an invalid brief is explained at the brief."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import GeneratorPage
from fakes.hostile import MARKUP_PAYLOADS

pytestmark = pytest.mark.browser


def _use_sample(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Start from an example").select_option(name)
    page.get_by_role("button", name="Fill in").click()


def test_a_marketer_generates_and_sees_every_variant_at_both_widths(
    generator: GeneratorPage, artifacts: Path
) -> None:
    page = generator.page
    _use_sample(page, "pixelpet")
    assert page.get_by_role("radio", name="Abandoned cart").is_checked()
    assert page.get_by_label("Cart link").input_value().startswith("https://pixelpet.example/")
    page.get_by_label("Brief").fill(
        "Gentle reminder: free shipping if they finish within 48 hours."
    )
    page.get_by_label("Variants").fill("2")
    page.click("#generate")
    page.wait_for_selector("article.variant iframe.mobile", timeout=30_000)
    assert page.locator("article.variant").count() == 2
    assert page.locator("iframe.desktop").count() == 2
    assert page.locator("iframe.mobile").count() == 2
    assert "by the offline writer" in page.inner_text("#results-summary")
    first = page.frame_locator("iframe.mobile").first
    assert "Orthopedic Dog Bed" in first.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "preview-page.png"), full_page=False)
    assert generator.errors == []


def test_the_page_never_renders_response_text_as_markup(generator: GeneratorPage) -> None:
    page = generator.page
    hostile = MARKUP_PAYLOADS[0] + "Sale"
    _use_sample(page, "northwind")
    page.get_by_label("Store name").fill(f"North{hostile}")
    page.get_by_label("Brief").fill(hostile)
    page.get_by_label("Variants").fill("1")
    page.click("#generate")
    page.wait_for_selector("article.variant h3", timeout=30_000)
    assert page.evaluate("window.pwned") is None
    assert page.locator("#results img").count() == 0  # text, not an element
    assert page.locator(".inbox .from").inner_text() == f"North{hostile}"
    # the brief instructs the writer; it never reaches the reader verbatim
    assert "onerror" not in page.inner_text(".inbox .line")
    assert generator.errors == []


def test_an_invalid_brief_is_explained(generator: GeneratorPage) -> None:
    page = generator.page
    _use_sample(page, "cedar")
    page.evaluate("document.getElementById('brief').removeAttribute('maxlength')")
    page.get_by_label("Brief").fill("x" * 4100)  # past the API's 4,000-character cap
    page.click("#generate")
    page.wait_for_selector("#brief ~ .field-error")
    assert page.inner_text("#brief ~ .field-error") == "Brief should have at most 4000 characters."
    assert page.get_attribute("#brief", "aria-invalid") == "true"
