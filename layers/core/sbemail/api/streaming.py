"""Generation as server-sent events (``api.events``): the loop both deliveries share.

``GenerationStream`` follows one submitted request: it reads the job as it advances
(one consistent read per poll, the pause growing from 0.1 s to 1 s; the variants are
read again only when the job's count of finished ones grows) and yields each event as
soon as a read shows it, with a heartbeat comment when nothing was written for
``heartbeat_seconds``. The worker stores every variant the moment it is made, so a
variant's event comes while the others are still being written.

How the events reach the client:

- **Locally** the server writes them as they are made (``local_stream``, chunked
  transfer encoding, or connection-close framing for HTTP/1.0 clients), with a
  heartbeat every 10 s, for as long as the job runs (at most 15 minutes, the worker's
  own limit), holding one of the server's connection slots like any request.
- **In AWS** they are buffered (``buffered_response``): API Gateway HTTP APIs deliver a
  Lambda's answer only once it is whole, and Lambda streams responses natively only for
  Node.js; a Python function would need its own front door (a function URL in
  ``RESPONSE_STREAM`` mode, which takes IAM or no auth, not our JWT authoriser) and a
  web server inside the function (the Lambda Web Adapter layer), a second way in with
  its own auth, limits and deployment to keep in step with this one. So the AWS handler
  collects the same events within the request's wait budget (``Prefer: wait=N``,
  counted from arrival, never past 25 s: API Gateway cuts at 30 s) and answers them as
  one ``text/event-stream`` body, ending with ``pending`` (and the status URL) when
  the job is not done by then. Heartbeats would be meaningless in a buffered body, so
  it has none.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit

from ..bootstrap import services
from ..service import InvalidRequestError, JobUnavailableError, Submission
from ..storage import Job, JobStatus
from .bodies import BodyError, arrival_time, json_request
from .documents import answered_result, error_body, parse_prefer_wait
from .events import (
    DONE,
    ERROR,
    HEARTBEAT,
    MEDIA_TYPE,
    Event,
    Snapshot,
    accepted_event,
    pending_event,
    progress_events,
    unavailable_event,
    wants_stream,
)

logger = logging.getLogger(__name__)
metrics = Metrics()

GENERATE_PATHS = ("/api/email/generate", "/api/generate-emails")
HEARTBEAT_SECONDS = 10.0
LOCAL_STREAM_SECONDS = 900.0
"""Longest local stream: the worker's own timeout; after it, ``pending``."""
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
_FIRST_POLL = 0.1
_LONGEST_POLL = 1.0


class JobSource(Protocol):
    """What a stream reads (``GenerationService`` provides it)."""

    def status(self, job_id: str, store_id: str | None = None) -> Job: ...

    def variants(self, job: Job) -> dict[int, dict[str, Any]]: ...

    def result(self, job: Job) -> dict[str, Any]: ...


@dataclass
class GenerationStream:
    """The events of one submitted request, made as its job advances."""

    source: JobSource
    submission: Submission
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    _sent: set[int] = field(default_factory=set, init=False)  # variants announced

    def events(
        self, deadline: float | None = None, heartbeat_seconds: float | None = None
    ) -> Iterator[str]:
        """The encoded events, until the job ends or ``deadline`` (epoch seconds, on
        ``clock``) is reached; a failure while reading ends the stream with an
        ``error`` event (the caller's connection is already answering ``200``)."""
        try:
            yield from self._events(deadline, heartbeat_seconds)
        except Exception:
            logger.exception("stream of job %s failed", self.submission.job_id)
            body = error_body("internal_error", "internal error; it has been logged")
            yield Event(ERROR, body).encode()

    def _events(self, deadline: float | None, heartbeat_seconds: float | None) -> Iterator[str]:
        submission = self.submission
        if submission.result is not None:  # answered from the cache: nothing to follow
            yield Event(DONE, submission.result).encode()
            return
        assert submission.job_id is not None
        job = self._read(submission.job_id)
        if job is None:
            yield unavailable_event(submission.job_id).encode()
            return
        yield accepted_event(job, submission.store_id).encode()
        written = self.clock()
        variants: dict[int, dict[str, Any]] = {}
        pause, read_time = _FIRST_POLL, 0.0
        while True:
            if job.status.final or job.done > len(variants):
                variants = self.source.variants(job)
            result = None
            if job.status is JobStatus.COMPLETED:
                result = answered_result(self.source.result(job), submission.coalesced)
            events, finished = progress_events(Snapshot(job, variants, result), self._sent)
            for event in events:
                yield event.encode()
                written = self.clock()
            if finished:
                return
            now = self.clock()
            spare = None if deadline is None else deadline - now - read_time
            if spare is not None and spare <= 0:
                yield pending_event(job, submission.store_id).encode()
                return
            if heartbeat_seconds and now - written >= heartbeat_seconds:
                yield HEARTBEAT
                written = now
            wake = pause
            if heartbeat_seconds:
                wake = min(wake, written + heartbeat_seconds - now)
            if spare is not None:
                wake = min(wake, spare)
            self.sleep(max(0.0, wake))
            pause = min(pause * 1.5, _LONGEST_POLL)
            before = self.clock()
            latest = self._read(submission.job_id)
            if latest is None:
                yield unavailable_event(submission.job_id).encode()
                return
            job = latest
            read_time = max(read_time, self.clock() - before)

    def _read(self, job_id: str) -> Job | None:
        try:
            return self.source.status(job_id)
        except JobUnavailableError:
            return None


def is_stream_request(event: Mapping[str, Any]) -> bool:
    """A POST to a generate route that asks for events (API Gateway v2 event)."""
    http = (event.get("requestContext") or {}).get("http") or {}
    if http.get("method") != "POST" or event.get("rawPath") not in GENERATE_PATHS:
        return False
    return wants_stream(_headers(event).get("accept"), event.get("queryStringParameters"))


def _headers(event: Mapping[str, Any]) -> dict[str, str]:
    return {name.lower(): value for name, value in (event.get("headers") or {}).items()}


def open_stream(event: Mapping[str, Any], source: Any) -> GenerationStream:
    """Read and submit a request exactly as the JSON route does (the same ``4xx``
    errors, raised before any event), and return the stream that follows it."""
    content_type = _headers(event).get("content-type")
    body = json_request(content_type, event.get("body"), bool(event.get("isBase64Encoded")))
    return GenerationStream(source, source.submit(body))


def buffered_response(event: Mapping[str, Any]) -> Response:
    """The AWS delivery: the events made within the wait budget, as one body."""
    arrived = arrival_time(event.get("requestContext") or {}, time.time())
    stream = open_stream(event, services().generation)
    submission = stream.submission
    served = submission.result is not None or submission.coalesced
    metrics.add_metric("CacheHit" if served else "CacheMiss", MetricUnit.Count, 1)
    wait = parse_prefer_wait(
        _headers(event).get("prefer"), services().settings.default_wait_seconds
    )
    body = "".join(stream.events(deadline=arrived + wait))
    return Response(200, MEDIA_TYPE, body, headers=dict(STREAM_HEADERS))


def local_stream(event: dict[str, Any]) -> Iterator[str] | None:
    """The local server's delivery: events as they are made, or ``None`` when the API
    handler should answer instead (not a stream request, or one it will refuse with
    its usual JSON error)."""
    if not is_stream_request(event):
        return None
    try:
        stream = open_stream(event, services().generation)
    except (BodyError, InvalidRequestError):
        return None
    deadline = time.time() + LOCAL_STREAM_SECONDS
    return stream.events(deadline=deadline, heartbeat_seconds=HEARTBEAT_SECONDS)
