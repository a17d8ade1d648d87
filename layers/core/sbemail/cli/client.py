"""Talking to a running service over HTTP, or to one started in this process.

The command line always speaks HTTP, to a service given by URL or to the local stack it
starts for itself, so what it shows is exactly what any other caller of the API gets.
Only the standard library is used: the command line must work wherever the package is
installed, with nothing else to set up.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .errors import CommandError, GenerationFailed

POLL_SECONDS = 0.5  # between job status reads when the service does not suggest a pace
REQUEST_SECONDS = 60.0


@dataclass
class ApiAnswer:
    status: int
    document: dict[str, Any] = field(default_factory=dict)


class ServiceClient:
    """The API's generation routes as plain method calls."""

    def __init__(self, base_url: str, sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self._sleep = sleep

    def call(self, method: str, path: str, body: Any = None) -> ApiAnswer:
        """One request; any HTTP status comes back as an answer, never as an exception."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
            request.add_header("Prefer", "wait=0")  # answer at once; progress is polled
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_SECONDS) as response:
                return ApiAnswer(response.status, _json(response.read()))
        except urllib.error.HTTPError as error:
            return ApiAnswer(error.code, _json(error.read()))
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise CommandError(
                f"cannot reach the service at {self.base_url}: {reason}", exit_code=1
            ) from None

    def generate(
        self, request: dict[str, Any], on_progress: Callable[[int, int], None]
    ) -> dict[str, Any]:
        """Submit one request and follow its job to the end; the result document."""
        answer = self.call("POST", "/api/email/generate", request)
        if answer.status == 200:
            return answer.document
        if answer.status != 202:
            raise_for(answer)
        return self.follow(answer.document, on_progress)

    def follow(
        self, accepted: dict[str, Any], on_progress: Callable[[int, int], None]
    ) -> dict[str, Any]:
        """Poll a job's status URL until it completes (its result) or fails."""
        pause = max(POLL_SECONDS, accepted.get("pollAfterMs", 0) / 2000)
        while True:
            answer = self.call("GET", accepted["statusUrl"])
            if answer.status != 200:
                raise_for(answer)
            progress = answer.document.get("progress") or {}
            on_progress(int(progress.get("done", 0)), int(progress.get("total", 0)))
            status = answer.document.get("status")
            if status == "completed":
                return dict(answer.document["result"])
            if status == "failed":
                raise GenerationFailed(_error_sentence(answer.document.get("error") or {}))
            self._sleep(pause)

    def batch(
        self, envelope: dict[str, Any], on_progress: Callable[[int, int], None]
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Submit a batch and follow it to the end: its status and every item's document
        (``result`` for a completed item, ``error`` for an invalid or failed one)."""
        answer = self.call("POST", "/api/email/batch", envelope)
        if answer.status != 202:
            raise_for(answer)
        status_path = answer.document["statusUrl"]
        while True:
            status = self.call("GET", status_path)
            if status.status != 200:
                raise_for(status)
            progress = status.document.get("progress") or {}
            ended = int(progress.get("done", 0)) + int(progress.get("failed", 0))
            on_progress(ended, int(progress.get("total", 0)))
            if status.document.get("status") == "completed":
                break
            self._sleep(POLL_SECONDS)
        batch_id, store = status.document["batchId"], quote(envelope["storeId"], safe="")
        items = []
        for item in status.document.get("items", []):
            path = f"/api/email/batches/{batch_id}/items/{item['index']}?storeId={store}"
            items.append(self.call("GET", path).document)
        return status.document, items


def raise_for(answer: ApiAnswer) -> None:
    """The command's error for an API answer that is not a success."""
    error = answer.document.get("error") or {}
    message = _error_sentence(error)
    if 400 <= answer.status < 500:
        raise CommandError(message, fields=_fields(error))
    if answer.status == 502:
        raise GenerationFailed(message)
    raise CommandError(f"the service answered {answer.status}: {message}", exit_code=1)


def _error_sentence(error: dict[str, Any]) -> str:
    return str(error.get("message") or error.get("code") or "no reason given")


def _fields(error: dict[str, Any]) -> list[str]:
    details = error.get("details") or []
    return [str(d["field"]) for d in details if isinstance(d, dict) and d.get("field")]


def _json(raw: bytes) -> dict[str, Any]:
    try:
        document = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


@contextlib.contextmanager
def service_url(url: str | None) -> Iterator[str]:
    """The given service, or the whole local stack started in this process for the
    duration of the command (embedded DynamoDB/SQS, offline writer, a free port)."""
    if url:
        yield url
        return
    from ..local.cli import start  # only when running in-process: it pulls in moto

    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    service = start(port=port)
    try:
        yield service.url
    finally:
        service.stop()
