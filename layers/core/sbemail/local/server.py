"""The local HTTP server: turns requests into API Gateway v2 events for the API handler."""

from __future__ import annotations

import base64
import json
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .preview import PreviewPages
from .runtime import Handler, LocalContext

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's own payload limit


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


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # bursts of simultaneous callers, as API Gateway would take
    daemon_threads = True


def make_server(
    host: str, port: int, handler: Handler, pages: PreviewPages | None = None
) -> ThreadingHTTPServer:
    """A threading HTTP server: preview pages locally, every other request to ``handler``."""

    class ApiGatewayRequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            page = pages.answer(self.command, urlsplit(self.path).path) if pages else None
            if page is not None:
                self._send(page.status, {"content-type": page.content_type}, page.body)
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self._send(
                    413,
                    {"content-type": "application/json"},
                    json.dumps(
                        {"error": {"code": "body_too_large", "message": "request body too large"}}
                    ).encode(),
                )
                return
            body = self.rfile.read(length) if length else b""
            event = http_api_event(
                self.command, self.path, dict(self.headers.items()), body, self.client_address[0]
            )
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

        def _send(
            self,
            status: int,
            headers: dict[str, str],
            data: bytes,
            cookies: list[str] | None = None,
        ) -> None:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            for cookie in cookies or []:
                self.send_header("Set-Cookie", cookie)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _forward

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the handlers log in JSON already."""

    server = _Server((host, port), ApiGatewayRequestHandler)
    return server
