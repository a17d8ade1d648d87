"""How the local server holds its connections: a cap on threads, request deadlines, and
refusals the client gets to read.

A thread serves each connection, at most ``max_threads`` at once; a connection over the
cap is answered ``503`` by one small refusal thread instead, so a flood costs no more
threads. Reads of a request are bounded by its deadline, so a client that trickles bytes
holds its thread no longer than that. A refused client's leftover bytes are read (and
dropped) for a moment before the connection closes, so it sees the answer, not a reset.
"""

from __future__ import annotations

import contextlib
import io
import json
import queue
import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..api.documents import error_body as api_error_body

LINGER_SECONDS = 1.0  # reading what a refused client still sends, before closing
LINGER_BYTES = 1024 * 1024
REFUSALS_WAITING = 256  # connections over the cap waiting for their 503


def error_body(code: str, message: str) -> bytes:
    """The API's error document, as bytes on the wire."""
    return json.dumps(api_error_body(code, message)).encode()


def linger_close(sock: socket.socket) -> None:
    """Stop writing, then read and discard briefly so the client sees our answer."""
    try:
        sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + LINGER_SECONDS
        received = 0
        while received < LINGER_BYTES:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            sock.settimeout(remaining)
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += len(chunk)
    except OSError:
        pass


class DeadlineReader(io.BufferedIOBase):
    """The request stream, each read bounded by what is left of the request's deadline."""

    def __init__(
        self, raw: io.BufferedIOBase, sock: socket.socket, deadline: Callable[[], float]
    ) -> None:
        super().__init__()
        self._raw = raw
        self._sock = sock
        self._deadline = deadline

    def _arm(self) -> None:
        remaining = self._deadline() - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("request not received in time")
        self._sock.settimeout(remaining)

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        self._arm()
        return self._raw.read(size)

    def read1(self, size: int = -1) -> bytes:
        self._arm()
        return self._raw.read1(size)

    def readline(self, size: int | None = -1) -> bytes:
        self._arm()
        return self._raw.readline(size)

    def close(self) -> None:
        self._raw.close()
        super().close()


_BUSY = error_body("server_busy", "the local server is serving as many requests as it can")


def _answer_busy(sock: socket.socket) -> None:
    """A ``503`` for a connection over the cap, after reading its request head."""
    try:
        sock.settimeout(LINGER_SECONDS)
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 65536:
            chunk = sock.recv(65536)
            if not chunk:
                return
            head += chunk
        sock.sendall(
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            b"Retry-After: 1\r\nConnection: close\r\n"
            + f"Content-Length: {len(_BUSY)}\r\n\r\n".encode()
            + _BUSY
        )
    except OSError:
        return
    linger_close(sock)


class CappedThreadingServer(ThreadingHTTPServer):
    """A thread per connection, at most ``max_threads`` at once."""

    request_queue_size = 256  # bursts of simultaneous callers, as API Gateway would take
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handler_class: type[BaseHTTPRequestHandler],
        max_threads: int,
    ) -> None:
        super().__init__(address, handler_class)
        self.max_threads = max_threads
        self._slots = threading.BoundedSemaphore(max_threads)
        self._refusals: queue.Queue[socket.socket | None] = queue.Queue(maxsize=REFUSALS_WAITING)
        self._refuser = threading.Thread(target=self._refuse_loop, name="http-busy", daemon=True)
        self._refuser.start()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                self._refusals.put_nowait(request)
            except queue.Full:  # a flood: not even a 503 for this one
                self.shutdown_request(request)
            return
        thread = threading.Thread(
            target=self._serve, args=(request, client_address), name="http", daemon=True
        )
        try:
            thread.start()
        except RuntimeError:  # no thread to be had
            self._slots.release()
            self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a reset, a closed pipe: ``curl … | head``) is not the
        server's error: no traceback on the console for it. Anything else is printed."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def _serve(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse_loop(self) -> None:
        while (sock := self._refusals.get()) is not None:
            _answer_busy(sock)
            self.shutdown_request(sock)

    def server_close(self) -> None:
        super().server_close()
        with contextlib.suppress(queue.Full):
            self._refusals.put_nowait(None)
