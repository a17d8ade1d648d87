"""Brand lookup end to end on the local server (what ``make run`` starts), with Brand.dev
played by our fake: a generation from ``brandDomain`` renders the looked-up brand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import started_local_server

from fakes.branddev_server import API_KEY, FakeBrandDev, running_branddev
from http_client import call
from samples import sample_body


@pytest.fixture(scope="module")
def branddev() -> Iterator[FakeBrandDev]:
    with running_branddev() as fake:
        yield fake


@pytest.fixture(scope="module")
def brand_server(branddev: FakeBrandDev, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = {"BRANDDEV_API_KEY": API_KEY, "BRANDDEV_BASE_URL": branddev.url}
    with started_local_server(Path(tmp_path_factory.mktemp("brands")), settings) as server:
        yield server.url


def test_a_generation_from_brand_domain_renders_the_looked_up_brand(
    brand_server: str, branddev: FakeBrandDev
) -> None:
    info = call("POST", f"{brand_server}/api/brand-info", {"domain": "larkspur-goods.example"})
    assert info.status == 200, info.body
    assert info.json()["cache"] == "miss"
    request = {k: v for k, v in sample_body("cedar").items() if k != "brandData"}
    request["brandDomain"] = "larkspur-goods.example"
    reply = call("POST", f"{brand_server}/api/email/generate", request, {"Prefer": "wait=20"})
    assert reply.status == 200, reply.body
    emails = reply.json()["emails"]
    assert len(emails) == request.get("variants", 3)
    for email in emails:
        html = email["html"]
        assert "https://media.larkspur-goods.example/logo-light.png" in html
        assert "#1d3557" in html.lower()  # the palette's primary colour
        assert "Larkspur Goods" in html
        assert "https://instagram.com/larkspurgoods" in html
    assert branddev.calls["larkspur-goods.example"] == 1  # the generation used the table


def test_brand_info_is_a_503_saying_what_to_set_without_a_key(local_url: str) -> None:
    reply = call("POST", f"{local_url}/api/brand-info", {"domain": "larkspur-goods.example"})
    assert reply.status == 503
    error = reply.json()["error"]
    assert error["code"] == "brand_lookup_unavailable" and "BRANDDEV_API_KEY" in error["message"]
