"""Fifty callers at once on a cold service: each is answered within the API's deadline.

API Gateway cuts a request at 30 s, so the API promises an answer within ``Prefer:
wait=25`` plus a second: ``200`` with the emails or ``202`` with the job to poll, never a
timeout, and no job lost. A freshly started local server is cold: the first requests
build the services (table client, block library, model pool) while the others queue
behind them, and all fifty write with a model that takes its time (the fake OpenAI
server with latency), so many must fall back to a ``202`` in time.

The figures (latency p50/p95/max) are printed; the deadline is the contract checked.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import started_local_server

from fakes.content import API_KEY
from fakes.openai_server import Behaviour, FakeOpenAI
from http_client import Reply, call
from samples import sample_body, sample_names

CALLERS = 50
WAIT_SECONDS = 25
DEADLINE_SECONDS = WAIT_SECONDS + 1
"""The API's promise: an answer within the caller's wait and a second."""
SETTLE_SECONDS = 300.0


@pytest.fixture
def cold_server(tmp_path: Path) -> Iterator[tuple[str, FakeOpenAI]]:
    """A fresh ``sbemail-local`` writing with a slow fake model; no request served yet."""
    behaviour = Behaviour(api_key=API_KEY, time_to_first_token=0.3, tokens_per_second=1500)
    with (
        FakeOpenAI.running(behaviour) as fake,
        started_local_server(
            tmp_path, {"OPENAI_BASE_URL": fake.base_url, "OPENAI_API_KEY": API_KEY}
        ) as server,
    ):
        yield server.url, fake


def _body(number: int) -> dict[str, Any]:
    names = sample_names()
    body = sample_body(names[number % len(names)])
    body["userContext"] += f" (cold caller {number})"
    return body


def _settle(url: str, reply: Reply) -> str:
    """Poll a ``202``'s job until it ends; its final status."""
    status_url = url + reply.json()["statusUrl"]
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        job = call("GET", status_url, timeout=30)
        if job.status == 200 and job.json()["status"] in ("completed", "failed"):
            return str(job.json()["status"])
        time.sleep(1.0)
    return "still running"


def test_fifty_cold_callers_are_each_answered_in_time_and_no_job_is_lost(
    cold_server: tuple[str, FakeOpenAI],
) -> None:
    url, fake = cold_server

    def send(number: int) -> tuple[Reply | None, float, str]:
        started = time.monotonic()
        try:
            reply = call(
                "POST",
                url + "/api/email/generate",
                _body(number),
                headers={"Prefer": f"wait={WAIT_SECONDS}"},
                timeout=60,
            )
        except OSError as error:  # reset, refused or timed out: no answer at all
            return None, time.monotonic() - started, f"{type(error).__name__}: {error}"
        return reply, time.monotonic() - started, ""

    with ThreadPoolExecutor(max_workers=CALLERS) as pool:
        answers = list(pool.map(send, range(CALLERS)))
    seconds = sorted(elapsed for _, elapsed, _ in answers)
    statuses = [reply.status if reply else error for reply, _, error in answers]
    accepted = [reply for reply, _, _ in answers if reply is not None and reply.status == 202]
    with ThreadPoolExecutor(max_workers=10) as pool:
        settled = list(pool.map(lambda reply: _settle(url, reply), accepted))
    print(
        f"\ncold callers: {CALLERS}; 200 {statuses.count(200)}, 202 {statuses.count(202)}, "
        f"other {[s for s in statuses if s not in (200, 202)]}; latency s: p50 "
        f"{statistics.median(seconds):.2f}, p95 {seconds[int(0.95 * (len(seconds) - 1))]:.2f}, "
        f"max {seconds[-1]:.2f}; model calls {len(fake.requests)}; "
        f"202s completed later {settled.count('completed')} of {len(settled)}"
    )

    assert all(status in (200, 202) for status in statuses), statuses
    late = [round(elapsed, 2) for _, elapsed, _ in answers if elapsed > DEADLINE_SECONDS]
    assert late == [], f"answered after the {DEADLINE_SECONDS} s deadline"
    assert settled == ["completed"] * len(accepted), "every accepted job completes"
