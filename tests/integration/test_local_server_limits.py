"""The local server under hostile input, load and faults (issue 10).

Most checks run against an in-process server with a trivial handler, so they measure
the HTTP layer alone; the composition root and the table limits use the embedded AWS.
"""

from __future__ import annotations

import gc
import json
import select
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from sbemail import bootstrap
from sbemail.local.embedded import trim_to_limits, untrack_moto_models
from sbemail.local.runtime import CleanupSchedule, limit_malloc_arenas, release_free_memory
from sbemail.local.server import MAX_BODY_BYTES, make_server
from sbemail.storage import Job, JobStatus

from http_client import call


def _echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A handler that answers at once with what it was given."""
    time.sleep(float(event["headers"].get("x-delay", "0")))
    body = {"method": event["requestContext"]["http"]["method"], "body": event["body"]}
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body),
    }


class Server:
    def __init__(self, max_threads: int, request_seconds: float) -> None:
        self.http = make_server(
            "127.0.0.1", 0, _echo, max_threads=max_threads, request_seconds=request_seconds
        )
        self.port = self.http.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def exchange(self, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        """Send ``raw`` on a new connection; the status, headers and body of the answer."""
        with self.connect() as sock:
            sock.sendall(raw)
            return read_response(sock)

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before an answer: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    while len(body) < int(headers.get("content-length", "0")):
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split()[1]), headers, body


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (answers are read past)."""
    sock.settimeout(seconds)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if not sock.recv(65536):
                return True
    except (TimeoutError, ConnectionResetError):
        return False
    return False


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server(max_threads=64, request_seconds=1.0)
    yield running
    running.stop()


def post(path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: local"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# -- 1. the composition root is built once ------------------------------------------------


def test_simultaneous_first_calls_build_the_services_once(
    aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = []
    load = bootstrap.BlockLibrary.load

    def slow_load(path: Any) -> Any:
        builds.append(threading.get_ident())
        time.sleep(0.3)  # a cold start long enough for every caller to arrive meanwhile
        return load(path)

    monkeypatch.setattr(bootstrap.BlockLibrary, "load", staticmethod(slow_load))
    bootstrap.services.cache_clear()
    barrier = threading.Barrier(20)

    def first_call(_: int) -> Any:
        barrier.wait()
        return bootstrap.services()

    with ThreadPoolExecutor(20) as pool:
        built = list(pool.map(first_call, range(20)))
    assert len(builds) == 1
    assert all(services is built[0] for services in built)
    bootstrap.services.cache_clear()  # still forgets the build, as the tests rely on
    assert bootstrap.services() is not built[0] and len(builds) == 2


# -- 2. slow clients and the thread cap -----------------------------------------------------


def test_a_client_that_never_finishes_its_request_is_cut_off(server: Server) -> None:
    with server.connect() as sock:
        sock.sendall(b"POST /api/email/generate HTTP/1.1\r\nHost: local\r\n")  # and no more
        assert closed_within(sock, 5)


def test_a_client_that_trickles_bytes_is_cut_off_at_the_deadline(server: Server) -> None:
    started = time.monotonic()
    with server.connect() as sock:
        for byte in b"GET /health HTTP/1.1\r\nHost: local\r\n" * 4:
            if select.select([sock], [], [], 0)[0]:  # readable: the server closed it
                assert sock.recv(1) == b""
                break
            sock.sendall(bytes([byte]))
            time.sleep(0.1)  # each byte well within any per-read timeout
        else:
            pytest.fail("a trickling client was never cut off")
    assert time.monotonic() - started < 3  # the request's deadline is 1 s


def test_a_body_that_does_not_arrive_in_time_is_a_408(server: Server) -> None:
    headers = {"Content-Type": "application/json", "Content-Length": "100"}
    with server.connect() as sock:
        sock.sendall(post("/api/email/generate", headers, b'{"brand'))
        status, _, body = read_response(sock)
    assert status == 408 and json.loads(body)["error"]["code"] == "request_timeout"


def test_an_idle_kept_alive_connection_is_closed(server: Server) -> None:
    with server.connect() as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: local\r\n\r\n")
        assert read_response(sock)[0] == 200
        assert closed_within(sock, 5)


def test_connections_over_the_cap_get_a_quick_503_and_the_server_recovers() -> None:
    capped = Server(max_threads=4, request_seconds=3.0)
    try:
        idle = [capped.connect() for _ in range(4)]
        for sock in idle:
            sock.sendall(b"GET /health HTTP/1.1\r\n")  # hold a thread each
        time.sleep(0.2)
        started = time.monotonic()
        reply = call("GET", f"{capped.url}/health", timeout=5)
        assert time.monotonic() - started < 1.5
        assert reply.status == 503 and reply.headers.get("Retry-After") == "1"
        assert reply.json()["error"]["code"] == "server_busy"
        for sock in idle:
            sock.close()
        deadline = time.monotonic() + 5
        while call("GET", f"{capped.url}/health").status != 200:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        threads = threading.active_count()
        extra = [capped.connect() for _ in range(40)]  # a flood: no thread each
        time.sleep(0.3)
        assert threading.active_count() <= threads + 4
        for sock in extra:
            sock.close()
    finally:
        capped.stop()


def test_fifty_simultaneous_callers_are_all_served(server: Server) -> None:
    def one(_: int) -> int:
        return call("POST", f"{server.url}/api/x", {"n": 1}, {"X-Delay": "0.3"}).status

    with ThreadPoolExecutor(50) as pool:
        assert list(pool.map(one, range(50))) == [200] * 50


# -- 3. framing of the body -----------------------------------------------------------------


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "+5", " ", "5, 5", "99999999999999999999"])
def test_a_malformed_content_length_is_a_400(server: Server, length: str) -> None:
    raw = post(
        "/api/email/generate", {"Content-Type": "application/json", "Content-Length": length}
    )
    status, headers, body = server.exchange(raw + b"{}")
    assert status == 400, length
    assert json.loads(body)["error"] == {
        "code": "invalid_content_length",
        "message": "Content-Length must be one non-negative whole number",
    }
    assert headers["connection"] == "close"


def test_conflicting_content_lengths_are_a_400(server: Server) -> None:
    raw = b"POST /api/x HTTP/1.1\r\nHost: l\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"
    assert server.exchange(raw)[0] == 400


def test_a_body_over_the_limit_is_refused_before_it_is_sent(server: Server) -> None:
    headers = {"Content-Type": "application/json", "Content-Length": str(MAX_BODY_BYTES + 1)}
    with server.connect() as sock:
        sock.sendall(post("/api/email/generate", headers))  # headers only: no body yet
        status, _, body = read_response(sock)
    assert status == 413 and json.loads(body)["error"]["code"] == "body_too_large"


def test_a_body_at_the_limit_is_read(server: Server) -> None:
    body = json.dumps({"pad": "x" * (MAX_BODY_BYTES - 20)}).encode()
    assert len(body) <= MAX_BODY_BYTES
    assert call("POST", f"{server.url}/api/x", raw=body).status == 200


def test_chunked_transfer_encoding_is_refused_cleanly(server: Server) -> None:
    raw = post(
        "/api/email/generate",
        {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        b"2\r\n{}\r\n0\r\n\r\n",
    )
    status, headers, body = server.exchange(raw)
    assert status == 411 and json.loads(body)["error"]["code"] == "length_required"
    assert headers["connection"] == "close"


def test_a_connection_survives_a_refused_content_type(server: Server) -> None:
    with server.connect() as sock:
        sock.sendall(post("/api/x", {"Content-Type": "text/plain", "Content-Length": "2"}, b"{}"))
        assert read_response(sock)[0] == 415
        sock.sendall(
            post("/api/x", {"Content-Type": "application/json", "Content-Length": "2"}, b"{}")
        )
        assert read_response(sock)[0] == 200


# -- 4. writes must be JSON -----------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonp",
        None,
    ],
)
def test_api_writes_that_are_not_json_are_a_415(server: Server, content_type: str | None) -> None:
    headers = {"Content-Length": "2"} | ({"Content-Type": content_type} if content_type else {})
    status, _, body = server.exchange(post("/api/email/generate", headers, b"{}"))
    assert status == 415, content_type
    assert json.loads(body)["error"] == {
        "code": "unsupported_media_type",
        "message": "send the request body as Content-Type: application/json",
    }


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/vnd.api+json",
    ],
)
def test_json_writes_pass(server: Server, content_type: str) -> None:
    headers = {"Content-Type": content_type, "Content-Length": "2"}
    assert server.exchange(post("/api/email/generate", headers, b"{}"))[0] == 200


def test_a_write_without_body_or_type_passes(server: Server) -> None:
    """What ``curl -X POST`` sends to the operations routes."""
    assert server.exchange(post("/api/email/cache/clear", {"Content-Length": "0"}))[0] == 200
    assert server.exchange(post("/api/email/cache/clear", {}))[0] == 200


# -- 5. the cleanup schedule and the table's limits ------------------------------------------


def _one_run(schedule: CleanupSchedule) -> None:
    """Start ``schedule``, wait (at most 5 s) for its first completed run, stop it."""
    schedule.start()
    deadline = time.monotonic() + 5
    while schedule.runs < 1:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    schedule.stop()


def test_the_schedule_runs_the_cleanup_until_the_sweep_is_done_then_trims() -> None:
    reports = iter([{"finished": False}, {"finished": False}, {"finished": True}])
    calls: list[str] = []

    def cleanup(event: dict[str, Any], context: Any) -> dict[str, Any]:
        calls.append(context.function_name)
        return next(reports)

    schedule = CleanupSchedule(cleanup, interval=0.05, after=lambda: calls.append("trim"))
    _one_run(schedule)
    assert calls[:4] == ["cleanup", "cleanup", "cleanup", "trim"]


def test_a_failing_cleanup_run_does_not_stop_the_schedule() -> None:
    attempts: list[int] = []

    def cleanup(event: dict[str, Any], context: Any) -> dict[str, Any]:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("table unavailable")
        return {"finished": True}

    schedule = CleanupSchedule(cleanup, interval=0.05)
    _one_run(schedule)
    assert len(attempts) >= 2


def test_the_table_is_trimmed_to_the_limits_the_stats_report(
    aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORE_MAX_ENTRIES", "3")
    monkeypatch.setenv("CACHE_MAX_ENTRIES", "2")
    bootstrap.services.cache_clear()
    services = bootstrap.services()
    cache = services.generation._cache  # the response cache the service fills
    ids = [f"j{n}-{uuid.uuid4().hex[:6]}" for n in range(5)]
    for n, job_id in enumerate(ids):
        services.store.create(
            Job(id=job_id, store_id="s", status=JobStatus.QUEUED, request={}, total=1)
        )
        services.store.save_variant(job_id, 0, {"html": "<p>x</p>"})
        services.table.update(f"job#{job_id}", "ADD expires_at :n", values={":n": n})  # ages
        key = cache.key("s", f"digest-{n}")
        assert cache.claim(key, job_id).owner
        assert cache.fill(key, job_id, {"emails": [n]})
    stats = services.operations.stats()
    assert stats["store"]["totalEntries"] == 5 and stats["responseCache"]["totalEntries"] == 5

    assert trim_to_limits(services) == {"jobs": 2, "cache": 3}

    assert [services.store.get(job_id) is not None for job_id in ids] == [False] * 2 + [True] * 3
    assert services.table.get(f"job#{ids[0]}#v0") is None  # its variants went with it
    stats = services.operations.stats()
    assert stats["store"] == {**stats["store"], "totalEntries": 3, "maxEntries": 3}
    assert stats["responseCache"]["totalEntries"] == 2
    assert stats["responseCache"]["maxEntries"] == 2
    assert stats["responseCache"]["entriesByHits"]["0"] == 2  # hit classes follow the trim
    assert trim_to_limits(services) == {"jobs": 0, "cache": 0}


def test_moto_keeps_no_copy_of_deleted_items(aws: Any) -> None:
    from moto.dynamodb.models.dynamo_type import Item

    services = bootstrap.services()
    services.table.put({"pk": "warm-up", "expires_at": 1})  # the model classes are loaded
    untrack_moto_models()
    collected_before = len(Item.instances_tracked)
    for n in range(50):
        services.table.put({"pk": f"gone-{n}", "blob": b"x" * 10_000, "expires_at": 1})
        services.table.delete(f"gone-{n}")
    gc.collect()
    assert len(Item.instances_tracked) == collected_before == 0
    alive = [o for o in gc.get_objects() if type(o) is Item and str(o.hash_key.value) == "gone-7"]
    assert alive == []
    assert untrack_moto_models() == 0  # already done: nothing to fix


def test_the_c_heap_helpers_never_raise() -> None:
    """True with glibc; elsewhere they do nothing and say so."""
    assert release_free_memory() in (True, False)
    assert limit_malloc_arenas() in (True, False)
