"""Cache warming through the API handler and the worker on moto's server, with the
metrics the dashboard reads (CloudWatch embedded metric format on stdout)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from aws_lambda_powertools import Metrics

from sbemail import bootstrap
from sbemail.local.embedded import LocalAws
from sbemail.local.gateway_events import http_api_event
from sbemail.local.runtime import LocalContext, QueuePoller, load_handler

from samples import ROOT, sample_body, sample_names

TOKEN = uuid.uuid4().hex


@pytest.fixture
def api(aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("SBEMAIL_ADMIN_TOKEN", TOKEN)
    # Powertools keeps metrics per process: an earlier test's unflushed ones would be
    # flushed with this test's and counted as its own.
    Metrics().clear_metrics()
    return load_handler(ROOT / "functions" / "api" / "app.py", "api_under_test")


def invoke(api: Any, path: str, body: Any, operator: bool = False) -> tuple[int, Any]:
    headers = {"content-type": "application/json", "host": "127.0.0.1"}
    if operator:
        headers["authorization"] = f"Bearer {TOKEN}"
    event = http_api_event("POST", path, headers, json.dumps(body).encode(), "127.0.0.1")
    reply = api(event, LocalContext("api"))
    return reply["statusCode"], json.loads(reply["body"])


def metric_totals(output: str) -> dict[str, float]:
    """Sum of every metric in the embedded-metric-format lines of ``output``."""
    totals: dict[str, float] = {}
    for line in output.splitlines():
        if '"_aws"' not in line:
            continue
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                value = document[metric["Name"]]
                values = value if isinstance(value, list) else [value]
                totals[metric["Name"]] = totals.get(metric["Name"], 0) + sum(values)
    return totals


def test_warming_ten_requests_through_the_handler_makes_them_hits(
    aws: LocalAws, api: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    names = sample_names()
    requests = [
        {**sample_body(names[n % len(names)]), "storeId": f"h-{uuid.uuid4().hex[:8]}"}
        for n in range(10)
    ]
    status, report = invoke(api, "/api/email/cache/warm", {"requests": requests}, operator=True)
    assert status == 202 and report["summary"]["queued"] == 10
    worker = load_handler(ROOT / "functions" / "worker" / "app.py", "worker_under_test")
    poller = QueuePoller(worker, aws.endpoint, aws.queue_url, batch_size=10)
    store = bootstrap.services().store
    jobs = [item["jobId"] for item in report["items"]]
    for _ in range(20):  # until every job ran (a redelivery waits out the 1 s visibility)
        if all((job := store.get(job_id)) and job.status.final for job_id in jobs):
            break
        poller.poll_once(wait_seconds=1)
    answers = [invoke(api, "/api/email/generate", request) for request in requests]
    assert [(status, body.get("cache")) for status, body in answers] == [(200, "hit")] * 10
    totals = metric_totals(capsys.readouterr().out)
    assert totals.get("CacheWarmQueued") == 10
    assert totals.get("CacheHit") == 10 and "CacheMiss" not in totals


def test_warming_a_batch_through_the_handler_replays_its_requests(api: Any) -> None:
    store_id = f"h-{uuid.uuid4().hex[:8]}"
    requests = [{**sample_body(name), "storeId": store_id} for name in sample_names()[:2]]
    status, batch = invoke(api, "/api/email/batch", {"storeId": store_id, "requests": requests})
    assert status == 202
    warm = {"batchId": batch["batchId"], "storeId": store_id}
    status, body = invoke(api, "/api/email/cache/warm", warm)
    assert status == 401  # operators only, in this form too
    status, report = invoke(api, "/api/email/cache/warm", warm, operator=True)
    assert status == 202 and report["batchId"] == batch["batchId"]
    assert [item["jobId"] for item in report["items"]] == [i["jobId"] for i in batch["items"]]
    for other in ({**warm, "storeId": "someone-else"}, {**warm, "batchId": "nope"}):
        status, body = invoke(api, "/api/email/cache/warm", other, operator=True)
        assert status == 404 and body["error"]["code"] == "batch_not_found"
        assert body["error"]["details"][0]["field"] == "batchId"


def test_warming_is_refused_to_callers_who_are_not_operators(api: Any) -> None:
    status, body = invoke(api, "/api/email/cache/warm", {"requests": [sample_body("cedar")]})
    assert status == 401 and body["error"]["code"] == "unauthorized"
