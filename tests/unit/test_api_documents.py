"""HTTP presentation helpers: Prefer parsing, operator checks, job documents."""

from __future__ import annotations

import pytest

from sbemail.api import check_operator, failure_body, job_document, parse_prefer_wait, status_url
from sbemail.storage import Job, JobStatus


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, 20.0),
        ("", 20.0),
        ("wait=5", 5.0),
        ("respond-async, wait=10", 10.0),
        ("WAIT=3.5", 3.5),
        ("wait=0", 0.0),
        ("wait=100", 25.0),  # API Gateway cuts at 30 s
        ("wait=abc", 20.0),
        ("handling=lenient", 20.0),
    ],
)
def test_prefer_wait(header: str | None, expected: float) -> None:
    assert parse_prefer_wait(header, default=20.0) == expected


def test_status_url_carries_the_store() -> None:
    assert status_url("abc", "store 1/x") == "/api/email/jobs/abc?storeId=store%201%2Fx"


@pytest.mark.parametrize(
    ("headers", "context", "token", "status"),
    [
        ({}, {}, "secret", 401),
        ({"authorization": "Basic secret"}, {}, "secret", 401),
        ({"authorization": "Bearer wrong"}, {}, "secret", 403),
        ({"authorization": "Bearer secret"}, {}, "secret", 200),
        ({}, {}, None, 403),  # in the cloud without IAM context: refused
        ({}, {"authorizer": {"iam": {"accessKey": "AKIA"}}}, None, 200),
    ],
)
def test_operator_check(headers: dict, context: dict, token: str | None, status: int) -> None:
    check = check_operator(headers, context, token)
    assert check.status == status and check.allowed is (status == 200)


def test_job_document_shows_result_only_when_completed() -> None:
    running = Job(id="j", store_id="s", status=JobStatus.RUNNING, request={}, total=3, done=1)
    assert job_document(running, {"x": 1}) == {
        "jobId": "j",
        "status": "running",
        "progress": {"done": 1, "total": 3},
    }
    done = Job(id="j", store_id="s", status=JobStatus.COMPLETED, request={}, total=3, done=3)
    assert job_document(done, {"x": 1})["result"] == {"x": 1}


def test_a_failed_jobs_body_names_each_variants_reason_and_the_cost() -> None:
    error = {
        "code": "generation_failed",
        "message": "model unavailable",
        "variants": [{"index": 0, "code": "model_unavailable", "message": "HTTP 503"}],
        "usage": {"inputTokens": 2400, "outputTokens": 0, "cachedTokens": 0},
        "costsUSD": {"total": 0.00096, "priced": True},
    }
    job = Job(id="j1", store_id="s", status=JobStatus.FAILED, request={}, total=1, error=error)
    body = failure_body(job)["error"]
    assert body["code"] == "generation_failed" and body["jobId"] == "j1"
    assert body["details"] == [{"index": 0, "code": "model_unavailable", "message": "HTTP 503"}]
    assert body["usage"]["inputTokens"] == 2400 and body["costsUSD"]["total"] == 0.00096
