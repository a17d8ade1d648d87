"""The deployed wiring of economy mode: the API handler accepts an economy batch, the
scheduled poller handler submits it to the (fake) Batch API and completes its jobs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from sbemail.local.embedded import LocalAws
from sbemail.local.gateway_events import http_api_event
from sbemail.local.runtime import LocalContext, load_handler

from fakes.batching import brief
from fakes.content import API_KEY
from fakes.openai_batches import FakeBatches
from fakes.openai_server import Behaviour, FakeOpenAI
from samples import ROOT

SCHEDULED = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}


@pytest.fixture
def openai(aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBatches]:
    with FakeOpenAI.running(Behaviour(api_key=API_KEY)) as fake:
        monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_STYLE", "responses")
        yield FakeBatches(fake)


def call_api(handler: Any, method: str, target: str, body: Any = None) -> tuple[int, Any]:
    raw = json.dumps(body).encode() if body is not None else b""
    headers = {"content-type": "application/json"} if body is not None else {}
    event = http_api_event(method, target, headers, raw, "127.0.0.1")
    response = handler(event, LocalContext("api"))
    return response["statusCode"], json.loads(response["body"])


def test_an_economy_batch_runs_through_the_api_and_the_scheduled_poller(
    aws: LocalAws, openai: FakeBatches
) -> None:
    api = load_handler(ROOT / "functions" / "api" / "app.py", "api_for_economy")
    poller = load_handler(ROOT / "functions" / "batch_poller" / "app.py", "poller_under_test")
    body = {
        "storeId": "cedar-ash",
        "mode": "economy",
        "requests": [{**brief(n), "variants": 1} for n in range(4)],
    }
    status, accepted = call_api(api, "POST", "/api/email/batch", body)
    assert status == 202 and accepted["mode"] == "economy" and "warnings" not in accepted
    sqs = boto3.client("sqs", endpoint_url=aws.endpoint, region_name="us-east-1")
    assert "Messages" not in sqs.receive_message(QueueUrl=aws.queue_url, WaitTimeSeconds=0)

    assert poller(SCHEDULED, LocalContext("batch-poller"))["submitted"] == 1
    _, waiting = call_api(api, "GET", accepted["statusUrl"])
    assert waiting["economy"] == {"phase": "submitted"} and waiting["status"] == "running"

    report = poller(SCHEDULED, LocalContext("batch-poller"))
    assert (report["ended"], report["answered"]) == (1, 4) and len(report["latencies"]) == 1
    _, done = call_api(api, "GET", accepted["statusUrl"])
    assert done["status"] == "completed"
    assert done["progress"] == {"done": 4, "failed": 0, "total": 4}
    for item in done["items"]:
        status, job = call_api(api, "GET", item["statusUrl"])
        assert status == 200 and job["result"]["emails"][0]["html"]
        assert job["result"]["provider"] == "openai"
    assert openai.live_calls() == 0
