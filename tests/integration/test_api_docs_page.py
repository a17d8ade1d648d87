"""Swagger UI on the local server: the API's own document, with no byte from elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

from aws_lambda_powertools.event_handler.openapi import swagger_ui

from http_client import call

ASSETS = Path(swagger_ui.__file__).parent


def test_swagger_ui_is_served_locally_from_powertools_own_copy(local_url: str) -> None:
    page = call("GET", f"{local_url}/docs")
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.body.decode()
    assert 'url: "/api/openapi.json"' in html
    linked = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert linked == ["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js"]  # nothing remote
    for path, name, kind in (
        ("/docs/swagger-ui.css", "swagger-ui.min.css", "text/css"),
        ("/docs/swagger-ui-bundle.js", "swagger-ui-bundle.min.js", "text/javascript"),
    ):
        asset = call("GET", f"{local_url}{path}")
        assert asset.status == 200
        assert asset.headers["content-type"].startswith(kind)
        assert asset.body == (ASSETS / name).read_bytes()


def test_the_document_swagger_ui_reads_is_public(local_url: str) -> None:
    reply = call("GET", f"{local_url}/api/openapi.json")  # no Authorization header
    assert reply.status == 200
    assert reply.json()["info"]["title"] == "SB Email Generator"
