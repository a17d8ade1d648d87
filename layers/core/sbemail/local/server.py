"""The local HTTP server: turns requests into API Gateway v2 events for the API handler.

It holds under hostile input and load the way API Gateway's front door would:

- every request must arrive in full within ``request_seconds`` (30 s) of the previous
  response on its connection (or of the connection opening); a client that trickles
  bytes or idles is cut off then, so it holds a thread for at most that long;
- at most ``max_threads`` (64) connections are served at once. A connection arriving
  while all are busy gets an immediate ``503`` (``Retry-After: 1``) from one small
  refusal thread instead of a thread of its own, so a flood costs no more threads; the
  listen backlog (256) still absorbs bursts of simultaneous callers, which are served;
- the body must be framed by one valid ``Content-Length`` (``400`` otherwise; ``411``
  for chunked transfer encoding, which is not supported) and be at most the API's
  limit (256 KB): a larger one is refused with ``413`` as soon as the headers are read;
- writes to ``/api/*`` must be JSON: any other ``Content-Type`` is a ``415``, so a web
  page cannot drive the API with a CORS "simple" request (``text/plain``, a form, a
  typeless blob), which a browser sends cross-site without a preflight.

Refusals carry the API's error body, ``{"error": {"code", "message"}}``. When the body
was not read, the connection is closed after the answer, reading (and discarding) what
the client still sends for a moment first, so it sees the answer rather than a reset.

Requests for server-sent events (``streams``, see ``sbemail.api.streaming``) are the one
thing not handed to the API handler as an event: their answer is written event by event
as the job advances, in chunked transfer encoding (connection-close framing for HTTP/1.0
clients). Each write must be taken by the client within ``request_seconds``; one that
stops reading, or goes away, ends its stream and frees its connection slot.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import queue
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..api.bodies import JSON_ONLY, MAX_BODY_BYTES, is_json_media
from ..api.documents import error_body as api_error_body
from .preview import PreviewPages
from .runtime import Handler, LocalContext

REQUEST_SECONDS = 30.0  # to send one request in full, headers and body
MAX_THREADS = 64  # connections served at once
LINGER_SECONDS = 1.0  # reading what a refused client still sends, before closing
LINGER_BYTES = 1024 * 1024
_WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_CONTENT_LENGTH = re.compile(r"[0-9]{1,18}")

_JSON = {"content-type": "application/json"}
logger = logging.getLogger(__name__)

StreamOpener = Callable[[dict[str, Any]], Iterator[str] | None]
"""Given a request's event: its server-sent events, or ``None`` for the API handler."""


def _query_parameters(query: str) -> dict[str, str] | None:
    """Query parameters as API Gateway gives them: repeated names joined by commas."""
    pairs = parse_qs(query, keep_blank_values=True)
    return {name: ",".join(values) for name, values in pairs.items()} or None


def http_api_event(
    method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str
) -> dict[str, Any]:
    """An HTTP API (payload format 2.0) event for one request."""
    parts = urlsplit(target)
    lowered = {name.lower(): value for name, value in headers.items()}
    text_body: str | None
    try:
        text_body, encoded = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text_body, encoded = base64.b64encode(body).decode(), True
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "queryStringParameters": _query_parameters(parts.query),
        "headers": lowered,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": lowered.get("host", "127.0.0.1"),
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "timeEpoch": int(time.time() * 1000),
        },
        "body": text_body if body else None,
        "isBase64Encoded": encoded,
    }


def error_body(code: str, message: str) -> bytes:
    """The API's error document, as bytes on the wire."""
    return json.dumps(api_error_body(code, message)).encode()


def is_json_write(method: str, path: str, content_type: str | None, body: bytes) -> bool:
    """Whether a request may reach the API: writes to ``/api/*`` must be JSON.

    ``application/json`` with any parameters (``; charset=utf-8``) passes, and so does
    ``application/<name>+json``, as in the API handler: a browser sends neither
    cross-site without a preflight. So does a write without a body and without a
    ``Content-Type`` (nothing to forge, and what ``curl -X POST`` sends to the operations
    routes). Everything else, a missing type on a body included, is refused: those are
    what a browser sends cross-site unasked.
    """
    if method not in _WRITE_METHODS or not (path == "/api" or path.startswith("/api/")):
        return True
    if content_type is None:
        return not body
    return is_json_media(content_type)


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


class _DeadlineReader(io.BufferedIOBase):
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


class _Server(ThreadingHTTPServer):
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
        self._refusals: queue.Queue[socket.socket | None] = queue.Queue(maxsize=256)
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


def make_server(
    host: str,
    port: int,
    handler: Handler,
    pages: PreviewPages | None = None,
    *,
    max_threads: int = MAX_THREADS,
    request_seconds: float = REQUEST_SECONDS,
    streams: StreamOpener | None = None,
) -> ThreadingHTTPServer:
    """A threading HTTP server: preview pages locally, event streams from ``streams``,
    every other request to ``handler``."""

    class ApiGatewayRequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        _deadline = 0.0

        def setup(self) -> None:
            super().setup()
            self._deadline = time.monotonic() + request_seconds
            self.rfile = _DeadlineReader(self.rfile, self.connection, lambda: self._deadline)

        def handle_one_request(self) -> None:
            # The next request on a kept-alive connection gets the same time as the first.
            self._deadline = time.monotonic() + request_seconds
            super().handle_one_request()

        def _forward(self) -> None:
            path = urlsplit(self.path).path
            page = pages.answer(self.command, path) if pages else None
            if page is not None:
                self._send(
                    page.status, {"content-type": page.content_type, **page.headers}, page.body
                )
                return
            length = self._declared_length()
            if length is None:
                return
            try:
                body = self.rfile.read(length) if length else b""
            except TimeoutError:
                self._refuse(408, "request_timeout", "the request body did not arrive in time")
                return
            if len(body) < length:  # the client went away mid-body
                self.close_connection = True
                return
            if not is_json_write(self.command, path, self.headers.get("Content-Type"), body):
                self._send(
                    415,
                    {"content-type": "application/json"},
                    error_body("unsupported_media_type", JSON_ONLY),
                )
                return
            event = http_api_event(
                self.command, self.path, dict(self.headers.items()), body, self.client_address[0]
            )
            try:
                opened = streams(event) if streams is not None else None
            except Exception:  # as the API answers what it did not expect: no trace
                logger.exception("could not open an event stream")
                message = "internal error; it has been logged"
                self._send(500, _JSON, error_body("internal_error", message))
                return
            if opened is not None:
                self._stream(opened)
                return
            response = handler(event, LocalContext("api", 30))
            payload = response.get("body") or ""
            data = (
                base64.b64decode(payload)
                if response.get("isBase64Encoded")
                else payload.encode("utf-8")
            )
            headers = dict(response.get("headers") or {})
            self._send(
                int(response.get("statusCode", 200)), headers, data, response.get("cookies") or []
            )

        def _stream(self, chunks: Iterator[str]) -> None:
            """Write each event as it comes: a chunk each (HTTP/1.1), or the raw bytes
            and a closed connection at the end (HTTP/1.0, which has no chunks)."""
            chunked = self.request_version != "HTTP/1.0"
            self.connection.settimeout(request_seconds)  # a client that will not read
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream; charset=utf-8")
                self.send_header("Cache-Control", "no-cache")
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                for text in chunks:
                    data = text.encode("utf-8")
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")
            except OSError:  # the client went away or stopped reading
                self.close_connection = True
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()

        def _declared_length(self) -> int | None:
            """The body's length, or ``None`` when the request was refused instead."""
            if self.headers.get("Transfer-Encoding") is not None:
                self._refuse(
                    411,
                    "length_required",
                    "chunked transfer encoding is not supported: send Content-Length",
                )
                return None
            values = {value.strip() for value in self.headers.get_all("Content-Length") or []}
            if not values:
                return 0
            value = values.pop()
            if values or not _CONTENT_LENGTH.fullmatch(value):
                self._refuse(
                    400,
                    "invalid_content_length",
                    "Content-Length must be one non-negative whole number",
                )
                return None
            length = int(value)
            if length > MAX_BODY_BYTES:
                self._refuse(413, "body_too_large", f"request body exceeds {MAX_BODY_BYTES} bytes")
                return None
            return length

        def _refuse(self, status: int, code: str, message: str) -> None:
            """Answer an error whose body was not read, then close the connection."""
            self.close_connection = True
            try:
                self._send(
                    status,
                    {"content-type": "application/json", "connection": "close"},
                    error_body(code, message),
                )
                self.wfile.flush()
            except OSError:
                return
            linger_close(self.connection)

        def _send(
            self,
            status: int,
            headers: dict[str, str],
            data: bytes,
            cookies: list[str] | None = None,
        ) -> None:
            self.connection.settimeout(request_seconds)  # a client that will not read
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            for cookie in cookies or []:
                self.send_header("Set-Cookie", cookie)
            if headers.get("connection") == "close":
                self.send_header("Connection", "close")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _forward

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the handlers log in JSON already."""

    return _Server((host, port), ApiGatewayRequestHandler, max_threads)
