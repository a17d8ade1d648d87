"""Server-sent events over HTTP: the local server streams as variants finish (against the
fake OpenAI server), and the AWS handler answers the same events as one body."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sbemail.api.events import HEARTBEAT, Event, parse_events
from sbemail.local.embedded import LocalAws, free_port
from sbemail.local.runtime import LocalContext, QueuePoller, load_handler
from sbemail.local.server import http_api_event, make_server

from fakes.content import API_KEY
from fakes.openai_server import Behaviour, FakeOpenAI
from http_client import call
from samples import ROOT, sample_body

FIRST_CALL = "Write variant 1;"  # in the prompt of variant 0 only
STREAM = {"Accept": "text/event-stream", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI.running(Behaviour(api_key=API_KEY)) as server:
        yield server


@pytest.fixture(scope="module")
def server_url(fake: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``sbemail-local`` writing its copy with the fake OpenAI server."""
    port = free_port()
    log_path = Path(tmp_path_factory.mktemp("stream")) / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DYNAMODB_"))}
    env.update(
        OPENAI_BASE_URL=fake.base_url,
        OPENAI_API_KEY=API_KEY,
        SBEMAIL_LOCAL_CLEANUP_SECONDS="0",
    )
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sbemail.local", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "running at" not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"local server did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def fresh_body(name: str = "northwind", marker: str = "") -> dict[str, Any]:
    """A sample with a brief no earlier test sent (so the response cache cannot answer)."""
    body = sample_body(name)
    body["userContext"] = f"{body.get('userContext', '')} Reference {marker}{uuid.uuid4().hex}."
    return body


def open_stream(host: str, path: str, body: dict[str, Any], headers: dict[str, str]):
    connection = http.client.HTTPConnection(host, timeout=30)
    connection.request("POST", path, json.dumps(body).encode(), headers)
    return connection, connection.getresponse()


def read_events(response: http.client.HTTPResponse) -> Iterator[Event]:
    """Events as they arrive (the client's view: one line at a time)."""
    block: list[str] = []
    while line := response.readline().decode():
        if line.strip():
            block.append(line)
            continue
        yield from parse_events("".join(block) + "\n")
        block = []


def held_calls(fake: FakeOpenAI, marker: str) -> list[Any]:
    """This request's model calls for variant 0, from the fake's log."""
    bodies = [(r, json.dumps(r.body)) for r in list(fake.requests)]
    return [r for r, text in bodies if FIRST_CALL in text and marker in text]


def test_variants_arrive_while_the_last_one_is_still_being_written(
    server_url: str, fake: FakeOpenAI
) -> None:
    gate = threading.Event()
    marker = f"STREAM-{uuid.uuid4().hex[:8]}"
    fake.behaviour.holds = {FIRST_CALL: gate}  # variant 0's call is answered last
    try:
        connection, response = open_stream(
            server_url, "/api/email/generate", fresh_body(marker=marker), STREAM
        )
        assert response.status == 200
        assert response.getheader("Content-Type", "").startswith("text/event-stream")
        assert response.getheader("Transfer-Encoding") == "chunked"
        names: list[str] = []
        held_answered_at_first_variant: bool | None = None
        events = []
        for event in read_events(response):
            names.append(event.name)
            events.append(event)
            if event.name == "variant" and held_answered_at_first_variant is None:
                held_answered_at_first_variant = any(r.answered for r in held_calls(fake, marker))
                gate.set()
    finally:
        gate.set()
        fake.behaviour.holds = {}
    connection.close()
    assert names == ["accepted", "variant", "variant", "variant", "done"]
    assert held_answered_at_first_variant is False  # variant 0 was not written yet
    assert [r.answered for r in held_calls(fake, marker)] == [True]  # ... and was, after
    accepted, *variants, done = events
    store = sample_body("northwind")["storeId"]
    assert accepted.data["statusUrl"] == f"/api/email/jobs/{accepted.data['jobId']}?storeId={store}"
    assert variants[0].data["index"] != 0
    assert sorted(v.data["index"] for v in variants) == [0, 1, 2]
    assert done.data["jobId"] == accepted.data["jobId"] and done.data["cache"] == "miss"
    assert done.data["emails"] == sorted((v.data for v in variants), key=lambda v: v["index"])
    assert all("html" in email for email in done.data["emails"])


def test_stream_query_on_the_alias_route_and_then_the_cache(server_url: str) -> None:
    body = fresh_body("cedar")
    headers = {"Content-Type": "application/json"}
    connection, response = open_stream(server_url, "/api/generate-emails?stream=1", body, headers)
    assert response.getheader("Transfer-Encoding") == "chunked"  # streamed, not buffered
    events = list(read_events(response))
    connection.close()
    assert [e.name for e in events] == ["accepted", "variant", "variant", "variant", "done"]
    # The same request again is answered from the cache: a single ``done``.
    connection, response = open_stream(server_url, "/api/generate-emails?stream=1", body, headers)
    again = list(read_events(response))
    connection.close()
    assert [e.name for e in again] == ["done"]
    assert again[0].data["cache"] == "hit"
    assert again[0].data["emails"] == events[-1].data["emails"]


def test_an_http_1_0_client_gets_the_events_framed_by_the_closed_connection(
    server_url: str,
) -> None:
    host, port = server_url.split(":")
    data = json.dumps(fresh_body("pixelpet")).encode()
    head = (
        "POST /api/email/generate HTTP/1.0\r\nContent-Type: application/json\r\n"
        f"Accept: text/event-stream\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head.encode() + data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head_part, _, body = received.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding" not in head_part and b"Connection: close" in head_part
    names = [e.name for e in parse_events(body.decode())]
    assert names == ["accepted", "variant", "variant", "variant", "done"]


def test_an_invalid_request_gets_its_usual_400_before_any_stream(server_url: str) -> None:
    body = {**sample_body("cedar"), "variants": True}
    reply = call("POST", f"http://{server_url}/api/email/generate", body, STREAM)
    assert reply.status == 400
    assert reply.headers["Content-Type"].startswith("application/json")
    assert "variants" in json.dumps(reply.json()["error"])


def test_a_failed_job_ends_its_stream_with_the_failure(server_url: str, fake: FakeOpenAI) -> None:
    marker = f"FAILING-{uuid.uuid4().hex[:8]}"
    fake.behaviour.rules = {marker: "401"}  # refused at once, never retried
    try:
        connection, response = open_stream(
            server_url, "/api/email/generate", fresh_body("pixelpet", marker), STREAM
        )
        events = list(read_events(response))
        connection.close()
    finally:
        fake.behaviour.rules = {}
    assert [e.name for e in events] == ["accepted", "variant", "variant", "variant", "error"]
    assert all("error" in e.data for e in events[1:4])  # each variant's own failure
    error = events[-1].data["error"]
    assert error["code"] == "generation_failed" and error["jobId"] == events[0].data["jobId"]
    assert [v["index"] for v in error["details"]] == [0, 1, 2]


# -- the AWS handler: the same events, buffered ---------------------------------------


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


# -- the local server's limits hold for streams -----------------------------------------


def test_a_client_that_goes_away_ends_its_stream_and_frees_its_slot() -> None:
    """One connection slot: a stream holds it, and gives it back when its client leaves."""
    closed = threading.Event()

    def endless(event: dict[str, Any]) -> Iterator[str] | None:
        def events() -> Iterator[str]:
            try:
                while True:
                    yield HEARTBEAT
                    time.sleep(0.05)
            finally:
                closed.set()

        return events() if event["rawPath"] == "/stream" else None

    def answer(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": "{}"}

    http_server = make_server("127.0.0.1", 0, answer, max_threads=1, streams=endless)
    threading.Thread(target=http_server.serve_forever, daemon=True).start()
    port = http_server.server_address[1]
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
            first = sock.recv(65536)
            assert b"text/event-stream" in first
            busy = call("GET", f"http://127.0.0.1:{port}/other")
            assert busy.status == 503  # the stream holds the only slot
        assert closed.wait(10)  # the next write failed; the stream was closed
        for _ in range(100):  # the slot is released just after the stream ends
            reply = call("GET", f"http://127.0.0.1:{port}/other")
            if reply.status != 503:
                break
            time.sleep(0.05)
        assert reply.status == 200
    finally:
        http_server.shutdown()
        http_server.server_close()


def test_a_stream_that_cannot_open_is_a_json_500_without_a_trace() -> None:
    def broken(event: dict[str, Any]) -> Iterator[str] | None:
        raise ConnectionError("table unreachable at 10.0.0.7")

    def answer(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise AssertionError("a stream request is not handed to the handler")

    http_server = make_server("127.0.0.1", 0, answer, streams=broken)
    threading.Thread(target=http_server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{http_server.server_address[1]}/api/email/generate"
        reply = call("POST", url, sample_body("cedar"), STREAM)
    finally:
        http_server.shutdown()
        http_server.server_close()
    assert reply.status == 500
    assert reply.json()["error"]["code"] == "internal_error"
    assert b"10.0.0.7" not in reply.body
