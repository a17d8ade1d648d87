"""The local preview page, the sample requests it (and people) can fetch, and Swagger UI.

Only the local server serves these; they are not part of the deployed API. Swagger UI
(``/docs``) reads the API's own ``/api/openapi.json``; its script and style come from the
copy Powertools ships, so it works offline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from aws_lambda_powertools.event_handler.openapi import swagger_ui

_PAGE = Path(__file__).with_name("static") / "preview.html"
_DOCS_PAGE = Path(__file__).with_name("static") / "docs.html"
_SWAGGER_UI = Path(swagger_ui.__file__).parent
DOCS_ASSETS = {
    "/docs/swagger-ui.css": ("swagger-ui.min.css", "text/css; charset=utf-8"),
    "/docs/swagger-ui-bundle.js": ("swagger-ui-bundle.min.js", "text/javascript; charset=utf-8"),
}


@cache
def _swagger_asset(name: str) -> bytes:
    """One of Powertools' Swagger UI files (1.7 MB together): read once, when first asked."""
    return (_SWAGGER_UI / name).read_bytes()


@dataclass(frozen=True)
class Page:
    status: int
    content_type: str
    body: bytes


class PreviewPages:
    """``/`` (the preview page), ``/samples`` (names), ``/samples/<name>`` (a request) and
    ``/docs`` (Swagger UI)."""

    def __init__(self, samples_dir: Path) -> None:
        self._page = _PAGE.read_bytes()
        self._docs = _DOCS_PAGE.read_bytes()
        self._samples = {
            path.stem.split("-", 1)[0]: path.read_bytes()
            for path in sorted(samples_dir.glob("*.json"))
        }

    def answer(self, method: str, path: str) -> Page | None:
        """The page for ``path``, or ``None`` when the API should answer it."""
        if method != "GET":
            return None
        if path in ("/", "/preview"):
            return Page(200, "text/html; charset=utf-8", self._page)
        if path in ("/docs", "/docs/"):
            return Page(200, "text/html; charset=utf-8", self._docs)
        if path in DOCS_ASSETS:
            name, content_type = DOCS_ASSETS[path]
            return Page(200, content_type, _swagger_asset(name))
        if path == "/samples":
            return Page(200, "application/json", json.dumps(sorted(self._samples)).encode())
        if path.startswith("/samples/"):
            name = path.removeprefix("/samples/").removesuffix(".json").split("-", 1)[0]
            sample = self._samples.get(name)
            if sample is None:
                error = {"error": {"code": "not_found", "message": f"no sample {name!r}"}}
                return Page(404, "application/json", json.dumps(error).encode())
            return Page(200, "application/json", sample)
        return None
