"""Writing server-sent events to a client as they are made.

The API handler answers once, with the whole body; a stream of events (see
``sbemail.api.streaming``) cannot wait for that, so the local server writes it itself,
event by event, in chunked transfer encoding (connection-close framing for HTTP/1.0
clients, which have no chunks). Each write must be taken by the client within the
server's ``request_seconds``; one that stops reading, or goes away, ends its stream and
so frees its connection slot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

StreamOpener = Callable[[dict[str, Any]], Iterator[str] | None]
"""Given a request's event: its server-sent events, or ``None`` for the API handler."""


def write_event_stream(
    request: BaseHTTPRequestHandler, chunks: Iterator[str], write_seconds: float
) -> None:
    """Answer ``request`` with ``chunks``, each written as soon as it comes.

    Args:
        request: the request being answered; its connection is closed afterwards when
            the client went away, stopped reading, or spoke HTTP/1.0.
        chunks: the events' text; closed at the end whatever happened, so the source
            stops following its job.
        write_seconds: how long one write may wait for a client that will not read.
    """
    chunked = request.request_version != "HTTP/1.0"
    request.connection.settimeout(write_seconds)
    try:
        request.send_response(200)
        request.send_header("Content-Type", "text/event-stream; charset=utf-8")
        request.send_header("Cache-Control", "no-cache")
        if chunked:
            request.send_header("Transfer-Encoding", "chunked")
        else:
            request.send_header("Connection", "close")
            request.close_connection = True
        request.end_headers()
        for text in chunks:
            data = text.encode("utf-8")
            request.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
        if chunked:
            request.wfile.write(b"0\r\n\r\n")
    except OSError:  # the client went away or stopped reading
        request.close_connection = True
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
