"""HTTP round trips through the local server: API handler, queue, worker, DynamoDB."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from http_client import call
from samples import sample_body, sample_names


@pytest.mark.parametrize("name", sample_names())
def test_each_sample_yields_its_variants(local_url: str, name: str) -> None:
    request = sample_body(name)
    reply = call("POST", f"{local_url}/api/email/generate", request, {"Prefer": "wait=20"})
    assert reply.status == 200, reply.body
    result = reply.json()
    assert result["success"] is True
    assert result["provider"] == "offline"
    assert len(result["emails"]) == request.get("variants", 3)
    for email in result["emails"]:
        assert email["mjml"].startswith("<mjml")
        assert email["html"].startswith("<!doctype html")
        assert email["text"].strip()
        assert email["subjectLine"] and email["preheader"]


def test_the_legacy_path_generates_too(local_url: str) -> None:
    reply = call("POST", f"{local_url}/api/generate-emails", sample_body("pixelpet"))
    assert reply.status == 200
    assert reply.json()["emails"]


def test_without_waiting_the_job_is_queued_and_pollable(local_url: str) -> None:
    request = {**sample_body("cedar"), "storeId": f"poll-{uuid.uuid4().hex[:8]}"}
    reply = call("POST", f"{local_url}/api/email/generate", request, {"Prefer": "wait=0"})
    assert reply.status == 202
    accepted = reply.json()
    assert accepted["status"] in ("queued", "running")
    assert accepted["statusUrl"] == (
        f"/api/email/jobs/{accepted['jobId']}?storeId={request['storeId']}"
    )
    assert len(accepted["jobId"]) >= 22  # >= 128 random bits, url-safe
    deadline = time.monotonic() + 30
    while True:
        status = call("GET", local_url + accepted["statusUrl"]).json()
        if status["status"] == "completed" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status["status"] == "completed"
    assert status["progress"] == {"done": 3, "total": 3}
    assert len(status["result"]["emails"]) == 3


def test_health(local_url: str) -> None:
    reply = call("GET", f"{local_url}/health")
    assert reply.status == 200 and reply.json()["status"] == "ok"


def test_invalid_fields_are_named(local_url: str) -> None:
    request = sample_body("northwind")
    request["emailType"] = "Flyer"
    del request["brandData"]["store_url"]
    reply = call("POST", f"{local_url}/api/email/generate", request)
    assert reply.status == 400
    error = reply.json()["error"]
    assert error["code"] == "invalid_request"
    fields = {detail["field"] for detail in error["details"]}
    assert fields == {"emailType", "brandData.store_url"}


def test_invalid_json_is_a_400_without_a_trace(local_url: str) -> None:
    reply = call("POST", f"{local_url}/api/email/generate", raw=b'{"brandData": ')
    assert reply.status == 400
    assert reply.json()["error"]["code"] == "invalid_json"
    assert b"Traceback" not in reply.body


def test_body_over_256_kb_is_a_413(local_url: str) -> None:
    request = sample_body("northwind")
    request["padding"] = "x" * (257 * 1024)
    reply = call("POST", f"{local_url}/api/email/generate", request)
    assert reply.status == 413
    assert reply.json()["error"]["code"] == "body_too_large"


def test_unknown_job_is_a_404(local_url: str) -> None:
    reply = call("GET", f"{local_url}/api/email/jobs/doesnotexist?storeId=northwind-001")
    assert reply.status == 404
    assert reply.json()["error"]["code"] == "job_not_found"


def test_preview_page_and_samples_are_served(local_url: str) -> None:
    page = call("GET", f"{local_url}/")
    assert page.status == 200 and b"<title>SB Email Generator" in page.body
    headers = {name.lower(): value for name, value in page.headers.items()}
    assert "script-src 'self'" in headers["content-security-policy"]
    script = call("GET", f"{local_url}/static/page.js")
    assert script.status == 200 and b"/api/email/generate" in script.body
    names = call("GET", f"{local_url}/samples").json()
    assert names == ["cedar", "northwind", "pixelpet"]
    sample = call("GET", f"{local_url}/samples/northwind").json()
    assert sample["brandData"]["store_name"] == "Northwind Outfitters"
    assert call("GET", f"{local_url}/samples/nope").status == 404


def _raw_exchange(local_url: str, raw: bytes) -> tuple[int, dict[str, Any]]:
    """Send ``raw`` on a fresh connection; the status and JSON body of the answer."""
    host, port = local_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


@pytest.mark.parametrize("length", ["-1", "abc"])
def test_a_malformed_content_length_is_a_400_not_a_hang(local_url: str, length: str) -> None:
    raw = (
        "POST /api/email/generate HTTP/1.1\r\nHost: local\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{}}"
    ).encode()
    status, body = _raw_exchange(local_url, raw)
    assert status == 400 and body["error"]["code"] == "invalid_content_length"


def test_a_chunked_body_is_refused_cleanly(local_url: str) -> None:
    raw = (
        b"POST /api/email/generate HTTP/1.1\r\nHost: local\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    )
    status, body = _raw_exchange(local_url, raw)
    assert status == 411 and body["error"]["code"] == "length_required"


def test_a_text_plain_post_cannot_drive_generation(local_url: str) -> None:
    """A cross-site page may send text/plain without a preflight: it must not generate."""
    raw = json.dumps(sample_body("northwind")).encode()
    request = urllib.request.Request(
        f"{local_url}/api/email/generate",
        data=raw,
        method="POST",
        headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": "https://evil.example"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 415
    assert json.loads(refused.value.read())["error"]["code"] == "unsupported_media_type"


def test_fifty_simultaneous_callers_are_all_served(local_url: str) -> None:
    with ThreadPoolExecutor(50) as pool:
        replies = list(pool.map(lambda _: call("GET", f"{local_url}/health"), range(50)))
    assert [reply.status for reply in replies] == [200] * 50
