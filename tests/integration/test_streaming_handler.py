"""The AWS handler's delivery of server-sent events: the same events as the local
server, buffered into one ``text/event-stream`` body within the wait budget."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from sbemail.api.events import HEARTBEAT, parse_events
from sbemail.local.embedded import LocalAws
from sbemail.local.gateway_events import http_api_event
from sbemail.local.runtime import LocalContext, QueuePoller, load_handler

from samples import ROOT, sample_body
from sse_client import STREAM, fresh_body


@pytest.fixture
def api(aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in [k for k in os.environ if k.startswith("OPENAI_")]:
        monkeypatch.delenv(name)  # the offline writer
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    return load_handler(ROOT / "functions" / "api" / "app.py", "api_stream_under_test")


def invoke(api: Any, body: dict[str, Any], headers: dict[str, str], query: str = ""):
    event = http_api_event(
        "POST",
        "/api/email/generate" + query,
        {k.lower(): v for k, v in headers.items()},
        json.dumps(body).encode(),
        "127.0.0.1",
    )
    return api(event, LocalContext("api"))


def test_the_handler_answers_the_events_as_one_body(aws: LocalAws, api: Any) -> None:
    worker = load_handler(ROOT / "functions" / "worker" / "app.py", "worker_stream_under_test")
    poller = QueuePoller(worker, aws.endpoint, aws.queue_url)
    poller.start()
    try:
        reply = invoke(api, fresh_body(), {**STREAM, "Prefer": "wait=20"})
    finally:
        poller.stop()
    assert reply["statusCode"] == 200
    assert reply["headers"]["Content-Type"] == "text/event-stream"
    assert HEARTBEAT not in reply["body"]
    events = parse_events(reply["body"])
    assert [e.name for e in events] == ["accepted", "variant", "variant", "variant", "done"]
    assert events[-1].data["emails"] == sorted(
        (e.data for e in events[1:4]), key=lambda v: v["index"]
    )


def test_the_handler_ends_with_the_status_url_when_the_job_is_not_done(api: Any) -> None:
    # No worker runs: the job stays queued past the wait budget.
    reply = invoke(
        api, fresh_body(), {"Content-Type": "application/json", "Prefer": "wait=0"}, "?stream=1"
    )
    events = parse_events(reply["body"])
    assert [e.name for e in events] == ["accepted", "pending"]
    job_id = events[0].data["jobId"]
    store = sample_body("northwind")["storeId"]
    assert events[1].data["statusUrl"] == f"/api/email/jobs/{job_id}?storeId={store}"
    assert events[1].data["status"] == "queued"


def test_the_handler_refuses_a_bad_request_as_json(api: Any) -> None:
    reply = invoke(api, {**sample_body("cedar"), "variants": 0}, STREAM)
    assert reply["statusCode"] == 400
    assert json.loads(reply["body"])["error"]["code"] == "invalid_request"
