"""Cache warming through the local server (offline writer): warmed requests become hits."""

from __future__ import annotations

import time
import uuid

from http_client import call
from samples import sample_body, sample_names

WARM = "/api/email/cache/warm"


def distinct_requests(count: int) -> list[dict]:
    names = sample_names()
    campaign = uuid.uuid4().hex[:8]
    return [
        {**sample_body(names[n % len(names)]), "storeId": f"warm-{campaign}-{n}"}
        for n in range(count)
    ]


def wait_for(local_url: str, job_id: str, store_id: str, seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    while True:
        job = call("GET", f"{local_url}/api/email/jobs/{job_id}?storeId={store_id}").json()
        if job["status"] in ("completed", "failed") or time.monotonic() > deadline:
            return str(job["status"])
        time.sleep(0.2)


def test_warming_ten_requests_makes_them_hits(
    local_url: str, admin_headers: dict[str, str]
) -> None:
    requests = distinct_requests(10)
    stats_url = f"{local_url}/api/email/stats"
    before = call("GET", stats_url, headers=admin_headers).json()["stats"]["responseCache"]
    reply = call("POST", local_url + WARM, {"requests": requests}, admin_headers)
    assert reply.status == 202
    report = reply.json()
    assert report["summary"] == {"cached": 0, "queued": 10, "invalid": 0, "failed": 0}
    assert [item["index"] for item in report["items"]] == list(range(10))
    for item in report["items"]:
        assert wait_for(local_url, item["jobId"], item["storeId"]) == "completed"
    for request in requests:
        served = call("POST", f"{local_url}/api/email/generate", request)
        assert served.status == 200 and served.json()["cache"] == "hit"
    after = call("GET", stats_url, headers=admin_headers).json()["stats"]["responseCache"]
    assert after["misses"] == before["misses"]  # warming is no caller's miss
    assert after["hits"] >= before["hits"] + 10
    assert after["entriesByRemainingTtl"]["6h+"] >= 10  # warmed entries start at the cap
    again = call("POST", local_url + WARM, {"requests": requests}, admin_headers)
    assert again.status == 200
    assert again.json()["summary"] == {"cached": 10, "queued": 0, "invalid": 0, "failed": 0}


def test_each_item_is_reported_on_its_own(local_url: str, admin_headers: dict[str, str]) -> None:
    good = distinct_requests(1)[0]
    bad = {**good, "variants": 99}
    reply = call("POST", local_url + WARM, {"requests": [good, bad, "text", good]}, admin_headers)
    assert reply.status == 202
    items = reply.json()["items"]
    assert [item["status"] for item in items] == ["queued", "invalid", "invalid", "queued"]
    assert items[1]["error"]["code"] == "invalid_request"
    assert "variants" in items[1]["error"]["message"]
    assert items[3]["jobId"] == items[0]["jobId"]  # the duplicate joins the first job


def test_bad_warm_bodies_are_refused_naming_the_field(
    local_url: str, admin_headers: dict[str, str]
) -> None:
    cases = [
        ({"requests": distinct_requests(1) * 101}, "requests"),
        ({"requests": []}, "requests"),
        ({}, "requests"),
        ({"requests": "all of them"}, "requests"),
        ({"batchId": "b-123"}, "storeId"),
        ({"batchId": "b#r0", "storeId": "s-1"}, "batchId"),
        ({"batchId": "bätch", "storeId": "s-1"}, "batchId"),  # ASCII only, as documented
        ({"batchId": "b-1", "storeId": "störe"}, "storeId"),
        ({"requests": distinct_requests(1), "storeId": "s-1"}, "storeId"),
        ({"requests": distinct_requests(1), "batchId": "b-1"}, "requests"),
        ({"requests": distinct_requests(1), "campaign": "x"}, "campaign"),
    ]
    for body, field in cases:
        reply = call("POST", local_url + WARM, body, admin_headers)
        assert reply.status == 400, body
        error = reply.json()["error"]
        assert field in error["message"], error
        assert "Traceback" not in reply.body.decode()


def test_warming_an_unknown_batch_is_a_404_naming_batch_id(
    local_url: str, admin_headers: dict[str, str]
) -> None:
    body = {"batchId": uuid.uuid4().hex, "storeId": "warm-nobody"}
    reply = call("POST", local_url + WARM, body, admin_headers)
    assert reply.status == 404
    error = reply.json()["error"]
    assert error["code"] == "batch_not_found"
    assert [detail["field"] for detail in error["details"]] == ["batchId"]
