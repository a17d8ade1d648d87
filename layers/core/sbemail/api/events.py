"""The server-sent events of a generation: one vocabulary, whoever delivers it.

A client that asks for ``text/event-stream`` (``Accept``, or ``?stream=1``) on a generate
route receives, in order:

- ``accepted``: ``{jobId, status, statusUrl, total}`` once the job exists;
- ``variant``: one per finished variant, as it finishes, carrying that variant exactly as
  the final result's ``emails`` will (an email, or the variant's ``error`` with what it
  cost);
- then one of ``done`` (the whole result: the same document a JSON caller receives with
  its ``200``), ``error`` (the body a JSON caller would get: a failed job's ``502`` body,
  or ``job_not_found`` when the job expired under the stream) or ``pending`` (the stream
  had to end before the job did: the ``202`` body, with the status URL to poll).

A request answered from the response cache has no job of its own: its stream is the
single ``done`` event. A request that is refused (bad JSON, an invalid field) never
starts a stream: it gets the usual ``4xx`` JSON error, which is what a client expects of
a request it got wrong. Heartbeats are SSE comment lines, which clients ignore.

Everything here is a pure function of the job's snapshots, so the local server (which
streams as the job advances) and the AWS handler (which buffers the same events, see
``api.streaming``) cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..storage import Job, JobStatus
from .documents import error_body, failure_body, status_url

MEDIA_TYPE = "text/event-stream"
ACCEPTED = "accepted"
VARIANT = "variant"
DONE = "done"
ERROR = "error"
PENDING = "pending"
HEARTBEAT = ": keep-alive\n\n"
"""A comment line: keeps proxies and clients from closing a quiet connection."""

_STREAM_FLAGS = ("1", "true", "yes")


@dataclass(frozen=True)
class Event:
    """One server-sent event: its name and its JSON data."""

    name: str
    data: Any

    def encode(self) -> str:
        return format_event(self.name, self.data)


def format_event(name: str, data: Any) -> str:
    """One event on the wire: ``event:`` and a single ``data:`` line, then a blank line.

    ``json.dumps`` escapes every control and non-ASCII character, so the data can never
    hold a line break that would split it into fields of its own.
    """
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def parse_events(text: str) -> list[Event]:
    """The events of a ``text/event-stream`` body (comments skipped), for clients and tests."""
    events: list[Event] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        if data:
            events.append(Event(name, json.loads("\n".join(data))))
    return events


def wants_stream(accept: str | None, query: Mapping[str, str] | None) -> bool:
    """Whether a request asks for events: ``Accept: text/event-stream`` (not with
    ``q=0``), or ``?stream=1`` (or ``true``/``yes``) for clients whose ``Accept`` is
    fixed by their library."""
    if (query or {}).get("stream", "").strip().lower() in _STREAM_FLAGS:
        return True
    for media_range in (accept or "").split(","):
        media, *parameters = (part.strip().lower() for part in media_range.split(";"))
        if media == MEDIA_TYPE and not any(
            p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in parameters
        ):
            return True
    return False


def accepted_event(job: Job, store_id: str) -> Event:
    """The first event: the job that will answer, and where its status can be read."""
    document = {
        "jobId": job.id,
        "status": job.status.value,
        "statusUrl": status_url(job.id, store_id),
        "total": job.total,
    }
    return Event(ACCEPTED, document)


def pending_event(job: Job, store_id: str) -> Event:
    """The last event of a stream that ends before its job: where to read the result."""
    document = {
        "jobId": job.id,
        "status": job.status.value,
        "progress": {"done": job.done, "total": job.total},
        "pollAfterMs": 1000,
        "statusUrl": status_url(job.id, store_id),
    }
    return Event(PENDING, document)


def unavailable_event(job_id: str) -> Event:
    body = error_body("job_not_found", "the job expired or was removed before it finished")
    body["error"]["jobId"] = job_id
    return Event(ERROR, body)


@dataclass(frozen=True)
class Snapshot:
    """What one read of a job shows: the job, the variants stored so far (by index) and,
    once it completed, its result as this caller receives it."""

    job: Job
    variants: Mapping[int, Mapping[str, Any]]
    result: Mapping[str, Any] | None = None


def progress_events(snapshot: Snapshot, sent: set[int]) -> tuple[list[Event], bool]:
    """The events a snapshot adds to those sent already, and whether the stream is over.

    Every stored variant not yet in ``sent`` becomes a ``variant`` event (in index
    order among those found together) and is added to ``sent``; a final job then adds
    ``done`` or ``error``, so each variant is always announced before the end.
    """
    events: list[Event] = []
    for index in sorted(set(snapshot.variants) - sent):
        events.append(Event(VARIANT, dict(snapshot.variants[index])))
        sent.add(index)
    job = snapshot.job
    if job.status is JobStatus.COMPLETED and snapshot.result is not None:
        events.append(Event(DONE, dict(snapshot.result)))
        return events, True
    if job.status is JobStatus.FAILED:
        events.append(Event(ERROR, failure_body(job)))
        return events, True
    return events, False
