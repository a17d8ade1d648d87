"""What every HTTP fake here runs on: a threaded server on a free loopback port, and a
request handler base that answers quietly and survives clients that give up.

A fake only writes its routes (a ``FakeHandler`` subclass) and its state; starting,
stopping and writing a response are the same for all of them.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


class FakeHandler(BaseHTTPRequestHandler):
    """Keep-alive (as the real services), no access log, one way to answer."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer ``status`` with ``body``; a client that went away (its timeout) is
        no error of the fake's, only the end of the connection."""
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class LoopbackServer:
    """``handler_class`` served on 127.0.0.1 (a free port) from a thread of its own,
    between ``start`` and ``stop`` (or as a ``with`` block)."""

    def __init__(
        self, handler_class: type[BaseHTTPRequestHandler], poll_interval: float = 0.02
    ) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self._server.daemon_threads = True  # a hanging request never holds up the stop
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": poll_interval},
            daemon=True,
        )

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``, no trailing slash."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
