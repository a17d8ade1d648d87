"""Server-sent events from the local server, which writes each as the job advances,
against the fake OpenAI server (the AWS delivery: ``test_streaming_handler``)."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import started_local_server

from sbemail.api.events import parse_events

from fakes.content import API_KEY
from fakes.openai_server import Behaviour, FakeOpenAI
from http_client import call
from samples import sample_body
from sse_client import STREAM, fresh_body, open_stream, read_events

FIRST_CALL = "Write variant 1;"  # in the prompt of variant 0 only


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI.running(Behaviour(api_key=API_KEY)) as server:
        yield server


@pytest.fixture(scope="module")
def server_url(fake: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``sbemail-local`` writing its copy with the fake OpenAI server: ``host:port``."""
    settings = {
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_API_KEY": API_KEY,
        "SBEMAIL_LOCAL_CLEANUP_SECONDS": "0",
    }
    with started_local_server(Path(tmp_path_factory.mktemp("stream")), settings) as server:
        yield server.url.removeprefix("http://")


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
