"""Headless Chromium for the browser tests, with every image request answered locally.

Emails point at image hosts that do not resolve here (``cdn.northwind.example``), and
tests never reach the network, so each image request is answered with a generated PNG
whose colour is derived from its URL: an image that fails to show is then our fault.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "browser"
PAGE_ARTIFACTS = ARTIFACTS.parent / "page"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Chromium puts sandboxed frames (the page's email renders) in processes of their own,
    # whose requests Playwright's routing does not see: kept in the page's process, their
    # images get the placeholder below instead of failing to resolve.
    "--disable-features=IsolateSandboxedIframes",
]


def placeholder_png(url: str, width: int = 600, height: int = 400) -> bytes:
    """A solid-colour PNG, its colour a digest of ``url`` (distinct images look distinct)."""
    r, g, b = hashlib.sha256(url.encode()).digest()[:3]
    row = b"\x00" + bytes((r // 2 + 64, g // 2 + 64, b // 2 + 64)) * width
    raw = zlib.compress(row * height, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; install the Debian 'chromium' package")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def email_page(browser):  # type: ignore[no-untyped-def]
    """A fresh page factory: ``open(html, width)`` loads an email at that viewport width."""
    contexts = []

    def open_email(html: str, width: int):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)

        def answer(route) -> None:  # type: ignore[no-untyped-def]
            request = route.request
            if request.resource_type == "image":
                size = (320, 96) if "logo" in request.url else (600, 400)
                body = placeholder_png(request.url, *size)
                route.fulfill(status=200, content_type="image/png", body=body)
            else:
                route.abort()

        context.route("**/*", answer)
        page = context.new_page()
        page.set_content(html, wait_until="load")
        return page

    yield open_email
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@dataclass
class GeneratorPage:
    """The generator page open in Chromium, with what its console reported."""

    page: Any
    errors: list[str]


@pytest.fixture
def generator(browser, local_url: str) -> Iterator[GeneratorPage]:  # type: ignore[no-untyped-def]
    """The page at ``/`` of the local server, its form ready (``open_generator``)."""
    with open_generator(browser, local_url) as opened:
        yield opened


@contextmanager
def open_generator(browser: Any, url: str) -> Iterator[GeneratorPage]:
    """The page at ``/`` of a running local server at ``url``, its form ready.

    Requests to that server go through; images anywhere else get a placeholder PNG
    (emails point at hosts that do not resolve here) and anything else is refused, so
    the page is shown working offline. Console errors and uncaught exceptions are
    collected: a test ends by asserting there were none.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)

    def answer(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(url):
            route.continue_()
        elif route.request.resource_type == "image":
            route.fulfill(
                status=200, content_type="image/png", body=placeholder_png(route.request.url)
            )
        else:
            route.abort()

    context.route("**/*", answer)
    page = context.new_page()
    opened = GeneratorPage(page, [])
    page.on(
        "console",
        lambda message: opened.errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.goto(f"{url}/")
    page.wait_for_selector("body[data-ready=true]", state="attached")
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture(scope="session")
def page_artifacts() -> Path:
    """Where the generator page's step-by-step screenshots go (``tests/artifacts/page``)."""
    PAGE_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return PAGE_ARTIFACTS
