"""``storeId`` is ASCII (letters, digits, ``_ . : -``) on every route that takes one:
a letter or digit of another script is a 400 naming ``storeId``, never a job or batch."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest

from sbemail.domain import is_store_id

from http_client import Reply, call
from samples import sample_body

UNICODE_STORE_IDS = [
    "café-paris",  # a Latin letter with an accent
    "магазин",  # Cyrillic letters
    "\u0455tore",  # a Cyrillic letter that looks like the Latin s
    "\uff53\uff54\uff4f\uff52\uff45",  # fullwidth Latin letters
    "store-١٢٣",  # Arabic-Indic digits
    "店舗_1",  # CJK ideographs
]


def field_names(reply: Reply) -> list[str]:
    assert reply.status == 400, reply.body[:300]
    error = reply.json()["error"]
    return [detail.get("field") for detail in error.get("details", [])]


@pytest.mark.parametrize("store_id", UNICODE_STORE_IDS)
def test_the_rule_takes_ascii_only(store_id: str) -> None:
    assert not is_store_id(store_id)
    assert is_store_id("shop.example:eu_1-b")
    assert not is_store_id("") and not is_store_id("s" * 129) and not is_store_id(None)


@pytest.mark.parametrize("store_id", UNICODE_STORE_IDS)
def test_generate_refuses_a_unicode_store_id(local_url: str, store_id: str) -> None:
    request = {**sample_body("cedar"), "storeId": store_id}
    reply = call("POST", f"{local_url}/api/email/generate", request, {"Prefer": "wait=0"})
    assert field_names(reply) == ["storeId"]


@pytest.mark.parametrize("store_id", UNICODE_STORE_IDS)
def test_a_batch_refuses_a_unicode_store_id(local_url: str, store_id: str) -> None:
    batch = {"storeId": store_id, "requests": [sample_body("cedar")]}
    reply = call("POST", f"{local_url}/api/email/batch", batch)
    assert field_names(reply) == ["storeId"]


@pytest.mark.parametrize("store_id", UNICODE_STORE_IDS)
@pytest.mark.parametrize(
    "route", ["/api/email/jobs/{id}", "/api/email/batches/{id}", "/api/email/batches/{id}/items/0"]
)
def test_the_status_routes_refuse_a_unicode_store_id(
    local_url: str, store_id: str, route: str
) -> None:
    path = route.format(id=uuid.uuid4().hex)
    reply = call("GET", f"{local_url}{path}?storeId={quote(store_id)}")
    assert field_names(reply) == ["storeId"]


def test_an_ascii_store_id_with_dots_and_colons_is_still_taken(local_url: str) -> None:
    store_id = f"shop.example:eu_{uuid.uuid4().hex[:8]}"
    request = {**sample_body("cedar"), "storeId": store_id}
    reply = call("POST", f"{local_url}/api/email/generate", request, {"Prefer": "wait=20"})
    assert reply.status in (200, 202), reply.body[:300]
    missing = call("GET", f"{local_url}/api/email/jobs/{uuid.uuid4().hex}?storeId={store_id}")
    assert missing.status == 404
