"""A small server-sent events client for tests, and requests no earlier test sent."""

from __future__ import annotations

import http.client
import json
import uuid
from collections.abc import Iterator
from typing import Any

from sbemail.api.events import Event, parse_events

from samples import sample_body

STREAM = {"Accept": "text/event-stream", "Content-Type": "application/json"}


def fresh_body(name: str = "northwind", marker: str = "") -> dict[str, Any]:
    """A sample with a brief no earlier test sent (so the response cache cannot answer)."""
    body = sample_body(name)
    body["userContext"] = f"{body.get('userContext', '')} Reference {marker}{uuid.uuid4().hex}."
    return body


def open_stream(host: str, path: str, body: dict[str, Any], headers: dict[str, str]):
    connection = http.client.HTTPConnection(host, timeout=30)
    connection.request("POST", path, json.dumps(body).encode(), headers)
    return connection, connection.getresponse()


def read_events(response: http.client.HTTPResponse) -> Iterator[Event]:
    """Events as they arrive (the client's view: one line at a time)."""
    block: list[str] = []
    while line := response.readline().decode():
        if line.strip():
            block.append(line)
            continue
        yield from parse_events("".join(block) + "\n")
        block = []
