"""Swagger UI in headless Chromium, with every request off the local server refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from http_client import call

pytestmark = pytest.mark.browser


def test_swagger_ui_shows_every_operation_offline(browser, local_url: str, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    document = call("GET", f"{local_url}/api/openapi.json").json()
    operations = sum(len(methods) for methods in document["paths"].values())
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    elsewhere: list[str] = []

    def answer(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(local_url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", answer)
    page = context.new_page()
    page.goto(f"{local_url}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() == operations
    assert "SB Email Generator" in page.inner_text(".info")
    assert "/api/email/generate" in page.inner_text("#swagger-ui")
    page.screenshot(path=str(artifacts / "api-docs.png"), full_page=False)
    context.close()
    assert elsewhere == []
