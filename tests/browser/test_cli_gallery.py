"""The gallery ``sbemail generate`` writes, opened in Chromium as a developer would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import placeholder_png
from samples import ROOT, sample_names

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("sample", sample_names())
def test_the_gallery_opens_without_console_errors_and_shows_both_widths(
    sample: str, browser, local_url: str, tmp_path: Path, artifacts: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / sample
    command = [sys.executable, "-m", "sbemail.cli", "generate", "--sample", sample]
    done = subprocess.run(
        [*command, "--url", local_url, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr

    # Tall enough that every frame is painted in the screenshot.
    context = browser.new_context(viewport={"width": 1200, "height": 3600})

    def answer(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.resource_type == "image":  # email images: no network in tests
            body = placeholder_png(route.request.url)
            route.fulfill(status=200, content_type="image/png", body=body)
        else:
            route.continue_()

    context.route("http*://**/*", answer)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto((out / "index.html").as_uri(), wait_until="load")

    frames = page.locator("iframe")
    assert frames.count() == 6  # three variants, each at desktop and mobile width
    widths = sorted({frames.nth(i).bounding_box()["width"] for i in range(6)})
    assert widths == [375 + 2, 640 + 2]  # the frame plus its 1 px border
    for frame in page.frames[1:]:
        assert frame.locator("body").inner_text().strip(), f"empty render in {frame.url}"
    page.screenshot(path=str(artifacts / f"cli-gallery-{sample}.png"), full_page=True)
    context.close()
    assert problems == []
