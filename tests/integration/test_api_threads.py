"""The API handler serving many requests at once from one process, as the local server
does: each request is routed, validated and answered with its own event."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from sbemail.local.embedded import LocalAws
from sbemail.local.gateway_events import http_api_event
from sbemail.local.runtime import LocalContext, load_handler, warmed_api

from samples import ROOT

JOB_ID = "0" * 32


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Threads switch every microsecond instead of every 5 ms: a request that shares
    state with another is caught in a few hundred requests rather than a few thousand."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_requests_on_many_threads_each_get_their_own_answer(
    aws: LocalAws, fast_switching: None
) -> None:
    # warmed as the local server warms it (each route's validation model built once)
    handler = warmed_api(load_handler(ROOT / "functions" / "api" / "app.py", "api_threads"))
    # three routes whose answers differ: a job of this store, a request missing its
    # store (a 400 from parameter validation), and the contract document
    kinds = [
        (f"/api/email/jobs/{JOB_ID}?storeId=s1", 404),
        (f"/api/email/jobs/{JOB_ID}", 400),
        ("/api/openapi.json", 200),
    ]
    wrong: list[tuple[str, int]] = []

    def caller(number: int) -> None:
        for turn in range(30):
            path, expected = kinds[(number + turn) % len(kinds)]
            event = http_api_event("GET", path, {"host": "local"}, b"", "127.0.0.1")
            answer: dict[str, Any] = handler(event, LocalContext("api", 30))
            if answer["statusCode"] != expected:
                wrong.append((path, answer["statusCode"]))

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert wrong == []
