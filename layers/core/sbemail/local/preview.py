"""The local preview page and the sample requests it (and people) can fetch.

Only the local server serves these; they are not part of the deployed API.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

_PAGE = Path(__file__).with_name("static") / "preview.html"


@dataclass(frozen=True)
class Page:
    status: int
    content_type: str
    body: bytes


class PreviewPages:
    """``/`` (the preview page), ``/samples`` (names) and ``/samples/<name>`` (a request)."""

    def __init__(self, samples_dir: Path) -> None:
        self._page = _PAGE.read_bytes()
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
