"""The local page (a marketer's form and gallery), the sample requests it can fetch, and
Swagger UI.

Only the local server serves these; they are not part of the deployed API. The page is
plain static files of our own (no build step, no CDN), so it works offline and could be
served by any static host in front of the API. Swagger UI (``/docs``) reads the API's own
``/api/openapi.json``; its script and style come from the copy Powertools ships, so it
works offline too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from aws_lambda_powertools.event_handler.openapi import swagger_ui

_STATIC = Path(__file__).with_name("static")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}
_SWAGGER_UI = Path(swagger_ui.__file__).parent
DOCS_ASSETS = {
    "/docs/swagger-ui.css": ("swagger-ui.min.css", "text/css; charset=utf-8"),
    "/docs/swagger-ui-bundle.js": ("swagger-ui-bundle.min.js", "text/javascript; charset=utf-8"),
}


@cache
def _swagger_asset(name: str) -> bytes:
    """One of Powertools' Swagger UI files (1.7 MB together): read once, when first asked."""
    return (_SWAGGER_UI / name).read_bytes()


# The page and everything it shows (emails in srcdoc frames inherit this policy): no
# script but our own files, no plugins, no form posts or <base> elsewhere. Emails keep
# their inline styles and remote images.
_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' https: http: data:; font-src 'self' https: data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Page:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class PreviewPages:
    """``/`` (the page), ``/static/<file>`` (its styles and scripts), ``/samples``
    (names), ``/samples/<name>`` (a sample request) and ``/docs`` (Swagger UI)."""

    def __init__(self, samples_dir: Path) -> None:
        self._files = {
            path.name: Page(
                200,
                _TYPES[path.suffix],
                path.read_bytes(),
                {"cache-control": "no-cache", "x-content-type-options": "nosniff"},
            )
            for path in sorted(_STATIC.iterdir())
            if path.suffix in _TYPES
        }
        index = self._files["index.html"]
        self._index = Page(
            200,
            index.content_type,
            index.body,
            {**index.headers, "content-security-policy": _PAGE_POLICY},
        )
        self._samples = {
            path.stem.split("-", 1)[0]: path.read_bytes()
            for path in sorted(samples_dir.glob("*.json"))
        }

    def answer(self, method: str, path: str) -> Page | None:
        """The page for ``path``, or ``None`` when the API should answer it."""
        if method != "GET":
            return None
        if path in ("/", "/preview", "/index.html"):
            return self._index
        if path in ("/docs", "/docs/"):
            return self._files["docs.html"]
        if path in DOCS_ASSETS:
            name, content_type = DOCS_ASSETS[path]
            return Page(200, content_type, _swagger_asset(name))
        if path.startswith("/static/"):
            name = path.removeprefix("/static/")
            found = self._files.get(name) if name != "index.html" else None
            return found or _not_found(f"no file {name!r}")
        if path == "/samples":
            return Page(200, "application/json", json.dumps(sorted(self._samples)).encode())
        if path.startswith("/samples/"):
            name = path.removeprefix("/samples/").removesuffix(".json").split("-", 1)[0]
            sample = self._samples.get(name)
            if sample is None:
                return _not_found(f"no sample {name!r}")
            return Page(200, "application/json", sample)
        return None


def _not_found(message: str) -> Page:
    error = {"error": {"code": "not_found", "message": message}}
    return Page(404, "application/json", json.dumps(error).encode())
