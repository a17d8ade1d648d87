"""The local page's files: what is served, with which types, and that its choices are the
service's own (the styles and email types cannot drift from the domain)."""

from __future__ import annotations

import json
import re

import pytest

from sbemail.domain import EmailType
from sbemail.domain.theme_styles import AESTHETICS
from sbemail.local.preview import PreviewPages

from samples import ROOT

STATIC = ROOT / "layers" / "core" / "sbemail" / "local" / "static"


@pytest.fixture(scope="module")
def pages() -> PreviewPages:
    return PreviewPages(ROOT / "samples")


def _index() -> str:
    return (STATIC / "index.html").read_text(encoding="utf-8")


def test_the_page_offers_every_style_and_nothing_else() -> None:
    select = re.search(r'<select id="aesthetic".*?</select>', _index(), re.DOTALL)
    assert select is not None
    assert re.findall(r'<option value="(\w+)"', select.group(0)) == list(AESTHETICS)


def test_the_page_offers_every_email_type() -> None:
    offered = re.findall(r'name="emailType" value="(\w+)"', _index())
    assert sorted(offered) == sorted(kind.value for kind in EmailType)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/static/page.css", "text/css; charset=utf-8"),
        ("/static/page.js", "text/javascript; charset=utf-8"),
        ("/static/form.js", "text/javascript; charset=utf-8"),
        ("/static/errors.js", "text/javascript; charset=utf-8"),
        ("/static/results.js", "text/javascript; charset=utf-8"),
    ],
)
def test_the_page_and_its_files_are_served_with_their_types(
    pages: PreviewPages, path: str, content_type: str
) -> None:
    page = pages.answer("GET", path)
    assert page is not None and page.status == 200
    assert page.content_type == content_type
    assert page.headers["x-content-type-options"] == "nosniff"


def test_the_page_runs_only_its_own_scripts(pages: PreviewPages) -> None:
    page = pages.answer("GET", "/")
    assert page is not None
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "object-src 'none'" in policy


def test_every_file_the_page_loads_is_its_own(pages: PreviewPages) -> None:
    """Offline: no CDN, no remote font; every script module it imports is served."""
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(?:src|href)=["']https?:""", text), path.name
        assert "@import" not in text and "url(http" not in text, path.name
        for module in re.findall(r'from "\./([\w-]+\.js)"', text):
            assert (STATIC / module).is_file(), f"{path.name} imports {module}"
    for reference in re.findall(r'(?:src|href)="/static/([^"]+)"', _index()):
        found = pages.answer("GET", f"/static/{reference}")
        assert found is not None and found.status == 200, reference


@pytest.mark.parametrize("path", ["/static/nope.js", "/static/index.html", "/static/../preview.py"])
def test_anything_else_under_static_is_not_found(pages: PreviewPages, path: str) -> None:
    page = pages.answer("GET", path)
    assert page is not None and page.status == 404
    assert json.loads(page.body)["error"]["code"] == "not_found"


def test_only_reads_are_answered_and_api_paths_pass_through(pages: PreviewPages) -> None:
    assert pages.answer("POST", "/") is None
    assert pages.answer("GET", "/api/email/jobs/x") is None
