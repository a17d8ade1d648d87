"""What the local server prints on the developer's console: real errors only.

A client that goes away mid-connection (``curl … | head`` closing its end) and the
Powertools reminder that a request published no metrics (metrics are off locally) are
not errors; a handler that raises still is.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools import Metrics

from sbemail.local.connections import CappedThreadingServer
from sbemail.local.runtime import EMPTY_METRICS_WARNING, quiet_empty_metrics_warning
from sbemail.local.server import make_server


def _answer(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event["rawPath"] == "/boom":
        raise RuntimeError("a handler bug")
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": "{}"}


@pytest.fixture
def server() -> Iterator[CappedThreadingServer]:
    http = make_server("127.0.0.1", 0, _answer, max_threads=1, request_seconds=10)
    assert isinstance(http, CappedThreadingServer)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield http
    http.shutdown()
    http.server_close()


def _request(server: CappedThreadingServer, path: str) -> socket.socket:
    sock = socket.create_connection(server.server_address[:2], timeout=10)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    return sock


def _wait_until_idle(server: CappedThreadingServer) -> None:
    """Until the one connection thread has finished (its slot is free again)."""
    deadline = time.monotonic() + 10
    while not server._slots.acquire(blocking=False):
        assert time.monotonic() < deadline, "the connection was never finished"
        time.sleep(0.01)
    server._slots.release()


def test_a_client_that_resets_its_connection_leaves_no_traceback(
    server: CappedThreadingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    sock = _request(server, "/health")
    assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    # Close with a reset while the server waits for the next request on the connection.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    _wait_until_idle(server)
    assert "Traceback" not in capsys.readouterr().err


def test_a_handler_that_raises_is_still_reported(
    server: CappedThreadingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    with _request(server, "/boom") as sock:
        sock.recv(65536)  # the server closes the connection without an answer
    _wait_until_idle(server)
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert "a handler bug" in err


def test_a_request_without_metrics_warns_nothing_once_quieted() -> None:
    metrics = Metrics(namespace="SBEmailTest", service="console")

    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> str:
        warnings.warn("something else", UserWarning, stacklevel=1)
        return json.dumps(event)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet_empty_metrics_warning()
        handler({}, None)
    messages = [str(warning.message) for warning in caught]
    assert not [message for message in messages if message.startswith(EMPTY_METRICS_WARNING)]
    assert "something else" in messages  # only that warning is hidden
