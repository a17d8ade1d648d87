"""Batches through the local server: API handler, SendMessageBatch, worker, DynamoDB."""

from __future__ import annotations

import time
import uuid
from typing import Any

from http_client import call
from samples import sample_body


def shared_and_brief(store_id: str) -> tuple[dict[str, Any], str]:
    body = {k: v for k, v in sample_body("cedar").items() if k != "storeId"}
    return body, body.pop("userContext")


def wait_for_batch(url: str, status_url: str, seconds: float = 240) -> dict[str, Any]:
    """The batch's status once every item has ended (or the latest one at the deadline)."""
    deadline = time.monotonic() + seconds
    while True:
        status = call("GET", url + status_url).json()
        if status["status"] == "completed" or time.monotonic() > deadline:
            return status  # type: ignore[no-any-return]
        time.sleep(0.5)


def test_a_batch_of_100_distinct_requests_completes_with_every_result_readable(
    local_url: str,
) -> None:
    store_id = f"batch-{uuid.uuid4().hex[:8]}"
    shared, brief = shared_and_brief(store_id)
    requests = [{"userContext": f"{brief} Edition {n}.", "variants": 1} for n in range(100)]
    body = {"storeId": store_id, "defaults": shared, "requests": requests}
    reply = call("POST", f"{local_url}/api/email/batch", body)
    assert reply.status == 202, reply.body
    accepted = reply.json()
    assert accepted["statusUrl"] == f"/api/email/batches/{accepted['batchId']}?storeId={store_id}"
    assert [item["index"] for item in accepted["items"]] == list(range(100))
    assert len({item["jobId"] for item in accepted["items"]}) == 100

    status = wait_for_batch(local_url, accepted["statusUrl"])
    assert status["progress"] == {"done": 100, "failed": 0, "total": 100}
    for item in status["items"]:
        job = call("GET", local_url + item["statusUrl"]).json()
        assert job["status"] == "completed"
        email = job["result"]["emails"][0]
        assert email["html"].startswith("<!doctype html") and email["subjectLine"]


def test_a_mixed_batch_reports_each_item_and_generates_only_the_new_ones(
    local_url: str,
) -> None:
    store_id = f"mixed-{uuid.uuid4().hex[:8]}"
    shared, brief = shared_and_brief(store_id)

    def request(n: int) -> dict[str, Any]:
        return {"userContext": f"{brief} Issue {n}.", "variants": 1}

    warm = {"storeId": store_id, "defaults": shared, "requests": [request(n) for n in range(10)]}
    first = call("POST", f"{local_url}/api/email/batch", warm).json()
    assert wait_for_batch(local_url, first["statusUrl"])["progress"]["done"] == 10

    new = [request(n) for n in range(10, 20)]
    cached = [request(n) for n in range(10)]
    invalid = [
        {"variants": 9},
        {"cartUrl": "http://127.0.0.1/cart"},
        {"storeId": "someone-else"},
        {"emailType": "Poem"},
        [],
    ]
    body = {"storeId": store_id, "defaults": shared, "requests": [*new, *new, *cached, *invalid]}
    reply = call("POST", f"{local_url}/api/email/batch", body)
    assert reply.status == 202, reply.body
    items = reply.json()["items"]
    new_jobs = {item["jobId"] for item in items[:10]}
    assert len(new_jobs) == 10 and {item["jobId"] for item in items[10:20]} == new_jobs
    assert all(item["cache"] == "hit" and "resultUrl" in item for item in items[20:30])
    assert [item["error"]["details"][0]["field"] for item in items[30:]] == [
        "variants",
        "cartUrl",
        "storeId",
        "emailType",
        "$",
    ]
    status = wait_for_batch(local_url, reply.json()["statusUrl"])
    assert status["progress"] == {"done": 30, "failed": 5, "total": 35}
    hit = call("GET", local_url + items[25]["resultUrl"]).json()
    assert hit["status"] == "completed" and hit["result"]["emails"][0]["html"]
    assert hit["result"]["jobId"] == first["items"][5]["jobId"]  # the earlier generation


def test_batch_routes_refuse_what_they_cannot_read(local_url: str) -> None:
    refused = call("POST", f"{local_url}/api/email/batch", {"requests": "all of them"})
    assert refused.status == 400
    fields = [d["field"] for d in refused.json()["error"]["details"]]
    assert fields == ["storeId", "requests"]
    store_id = f"own-{uuid.uuid4().hex[:8]}"
    shared, brief = shared_and_brief(store_id)
    body = {"storeId": store_id, "defaults": shared, "requests": [{"userContext": brief}]}
    accepted = call("POST", f"{local_url}/api/email/batch", body).json()
    other = call("GET", f"{local_url}/api/email/batches/{accepted['batchId']}?storeId=other")
    assert other.status == 404 and other.json()["error"]["code"] == "batch_not_found"
    missing = call("GET", f"{local_url}/api/email/batches/{accepted['batchId']}")
    assert missing.status == 400
    beyond = call(
        "GET", f"{local_url}/api/email/batches/{accepted['batchId']}/items/7?storeId={store_id}"
    )
    assert beyond.status == 404
