"""What streaming asks of the parts around it: the local server's limits hold for
streams, and the worker makes each variant visible the moment it is made."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from sbemail.api.events import HEARTBEAT
from sbemail.content import OfflineContentModel
from sbemail.domain import BlockLibrary, VariantBrief
from sbemail.local.server import make_server
from sbemail.service import GenerationService, JobRunner
from sbemail.storage import DynamoDBJobStore, Table

from http_client import call
from samples import ROOT, sample_body
from sse_client import STREAM, fresh_body


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


class SlowFirstVariant(OfflineContentModel):
    """The offline writer, except that variant 0 is written only once the store shows
    the other two variants finished (or gives up after a while, recording that)."""

    def __init__(self, store: DynamoDBJobStore, job_id: list[str]) -> None:
        self.store = store
        self.job_id = job_id
        self.others_seen_first: bool | None = None

    def write(self, brief: VariantBrief):  # type: ignore[no-untyped-def]
        if brief.variant_index == 0:
            for _ in range(200):
                job = self.store.get(self.job_id[0])
                if job is not None and job.done == 2:
                    self.others_seen_first = True
                    break
                time.sleep(0.05)
            else:
                self.others_seen_first = False
        return super().write(brief)


def test_the_worker_stores_each_variant_as_soon_as_it_is_made(fresh_table: Table, clock) -> None:
    store = DynamoDBJobStore(fresh_table, ttl_seconds=300, clock=clock)
    job_id: list[str] = []
    content = SlowFirstVariant(store, job_id)
    library = BlockLibrary.load(ROOT / "blocks")
    service = GenerationService(library, content, store, queue=_NoQueue(), clock=clock)
    job_id.append(service.submit(fresh_body()).job_id or "")
    JobRunner(library, content, store, clock=clock).run(job_id[0])
    assert content.others_seen_first is True  # variants 1 and 2 were stored before 0 was made
    job = store.get(job_id[0])
    assert job is not None and job.status.value == "completed" and job.done == 3


class _NoQueue:
    def send(self, job_id: str) -> None:
        pass
