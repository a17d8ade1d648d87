"""The local preview page in headless Chromium: what a marketer does and sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import placeholder_png
from fakes.hostile import MARKUP_PAYLOADS

pytestmark = pytest.mark.browser


@pytest.fixture
def preview(browser, local_url: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def answer(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(local_url):
            route.continue_()
        elif route.request.resource_type == "image":
            route.fulfill(
                status=200, content_type="image/png", body=placeholder_png(route.request.url)
            )
        else:
            route.abort()

    context.route("**/*", answer)
    page = context.new_page()
    page.goto(f"{local_url}/")
    page.wait_for_selector("body[data-ready=true]", state="attached")
    yield page
    context.close()


def test_a_marketer_generates_and_sees_every_variant_at_both_widths(
    preview, artifacts: Path
) -> None:  # type: ignore[no-untyped-def]
    preview.select_option("#sample", "pixelpet")
    preview.fill("#context", "Gentle reminder: free shipping if they finish within 48 hours.")
    preview.fill("#variants", "2")
    preview.click("#generate")
    preview.wait_for_selector(".variant iframe.mobile", timeout=30_000)
    variants = preview.locator(".variant")
    assert variants.count() == 2
    assert preview.locator("iframe.desktop").count() == 2
    assert preview.locator("iframe.mobile").count() == 2
    assert "provider offline" in preview.inner_text("#status")
    first = preview.frame_locator("iframe.mobile").first
    assert "Orthopedic Dog Bed" in first.locator("body").inner_text()
    preview.screenshot(path=str(artifacts / "preview-page.png"), full_page=False)


def test_the_page_never_renders_response_text_as_markup(preview) -> None:  # type: ignore[no-untyped-def]
    hostile = " ".join(MARKUP_PAYLOADS) + " Sale"
    preview.select_option("#sample", "northwind")
    preview.fill("#context", hostile)
    preview.fill("#variants", "1")
    preview.click("#generate")
    preview.wait_for_selector(".variant h2", timeout=30_000)
    assert preview.evaluate("window.pwned") is None
    assert preview.locator("section.variant img").count() == 0  # text, not an element
    # the brief instructs the writer; it never reaches the reader verbatim
    text = preview.inner_text(".variant")
    assert "onerror" not in text and "<script" not in text


def test_an_invalid_brief_is_explained(preview) -> None:  # type: ignore[no-untyped-def]
    preview.select_option("#sample", "cedar")
    preview.evaluate("document.getElementById('context').removeAttribute('maxlength')")
    preview.fill("#context", "x" * 4100)  # past the API's 4,000-character cap
    preview.click("#generate")
    preview.wait_for_function("document.getElementById('status').classList.contains('error')")
    assert "userContext" in preview.inner_text("#status")
