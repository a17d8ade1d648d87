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
thing not handed to the API handler as an event: ``event_stream`` writes their answer
event by event as the job advances. The connection limits live in ``connections``, the
events built for the handler in ``gateway_events``.
"""

from __future__ import annotations

import base64
import logging
import re
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from ..api.bodies import JSON_ONLY, MAX_BODY_BYTES, is_json_media
from .connections import CappedThreadingServer, DeadlineReader, error_body, linger_close
from .event_stream import StreamOpener, write_event_stream
from .gateway_events import http_api_event
from .preview import PreviewPages
from .runtime import Handler, LocalContext

REQUEST_SECONDS = 30.0  # to send one request in full, headers and body
MAX_THREADS = 64  # connections served at once
_WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_CONTENT_LENGTH = re.compile(r"[0-9]{1,18}")

_JSON = {"content-type": "application/json"}
logger = logging.getLogger(__name__)


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
            self.rfile = DeadlineReader(self.rfile, self.connection, lambda: self._deadline)

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
                write_event_stream(self, opened, request_seconds)
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

    return CappedThreadingServer((host, port), ApiGatewayRequestHandler, max_threads)
