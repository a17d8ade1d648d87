"""Server-sent events of a generation: the wire format, who asks for them, and the
sequence a stream makes from job snapshots (driven by a clock the test moves)."""

from __future__ import annotations

from typing import Any

import pytest

from sbemail.api.events import (
    HEARTBEAT,
    Event,
    Snapshot,
    format_event,
    parse_events,
    progress_events,
    wants_stream,
)
from sbemail.api.streaming import GenerationStream, is_stream_request
from sbemail.local.gateway_events import http_api_event
from sbemail.service import JobUnavailableError, Submission
from sbemail.storage import Job, JobStatus


def job(status: JobStatus = JobStatus.QUEUED, done: int = 0, **changes: Any) -> Job:
    return Job("j1", "store-1", status, {}, total=3, done=done, **changes)


def variant(index: int) -> dict[str, Any]:
    return {"index": index, "subjectLine": f"Subject {index}\nwith a break", "html": "<p>x</p>"}


def test_an_event_is_one_data_line_whatever_its_text_holds() -> None:
    text = format_event("variant", {"text": "line one\nline two\r\n\u2028 : data: x"})
    assert text.startswith("event: variant\ndata: ")
    assert text.endswith("\n\n") and text.count("\n") == 3
    assert parse_events(text + HEARTBEAT) == [
        Event("variant", {"text": "line one\nline two\r\n\u2028 : data: x"})
    ]


@pytest.mark.parametrize(
    ("accept", "query", "wanted"),
    [
        ("text/event-stream", None, True),
        ("application/json, Text/Event-Stream;q=0.9", None, True),
        ("text/event-stream;q=0", None, False),
        ("application/json", None, False),
        (None, {"stream": "1"}, True),
        (None, {"stream": "true"}, True),
        (None, {"stream": "0"}, False),
        ("*/*", {}, False),
    ],
)
def test_who_asks_for_events(accept: str | None, query: dict[str, str] | None, wanted: bool):
    assert wants_stream(accept, query) is wanted


@pytest.mark.parametrize(
    ("method", "target", "streamed"),
    [
        ("POST", "/api/email/generate", True),
        ("POST", "/api/generate-emails", True),
        ("POST", "/api/email/generate?stream=0", True),  # the Accept header still asks
        ("GET", "/api/email/generate", False),
        ("POST", "/api/email/cache/clear", False),
        ("GET", "/api/email/jobs/j1?storeId=s&stream=1", False),
    ],
)
def test_only_the_generate_routes_stream(method: str, target: str, streamed: bool) -> None:
    headers = {"Accept": "text/event-stream", "Content-Type": "application/json"}
    event = http_api_event(method, target, headers, b"{}", "127.0.0.1")
    assert is_stream_request(event) is streamed


def test_each_variant_is_announced_once_and_before_the_end() -> None:
    sent: set[int] = set()
    events, finished = progress_events(Snapshot(job(JobStatus.RUNNING, 1), {2: variant(2)}), sent)
    assert [(e.name, e.data["index"]) for e in events] == [("variant", 2)] and not finished
    everything = {i: variant(i) for i in range(3)}
    result = {"jobId": "j1", "emails": list(everything.values())}
    final = Snapshot(job(JobStatus.COMPLETED, 3), everything, result)
    events, finished = progress_events(final, sent)
    assert [e.name for e in events] == ["variant", "variant", "done"] and finished
    assert [e.data["index"] for e in events[:2]] == [0, 1]
    assert events[-1].data == result


def test_a_failed_job_ends_with_its_502_body() -> None:
    error = {"code": "generation_failed", "message": "every variant failed", "variants": []}
    events, finished = progress_events(Snapshot(job(JobStatus.FAILED, error=error), {}), set())
    assert finished and [e.name for e in events] == ["error"]
    assert events[0].data["error"]["code"] == "generation_failed"
    assert events[0].data["error"]["jobId"] == "j1"


class Clock:
    """Time that moves only when the stream sleeps."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


class ScriptedJobs:
    """The job as a worker would leave it at given times (the store, seen by the stream)."""

    def __init__(self, clock: Clock, script: list[tuple[float, Job, dict[int, Any]]]) -> None:
        self.clock = clock
        self.script = script
        self.reads = 0

    def _now(self) -> tuple[Job, dict[int, Any]]:
        current = [(j, v) for at, j, v in self.script if at <= self.clock.now]
        if not current:
            raise JobUnavailableError("j1")
        return current[-1]

    def status(self, job_id: str, store_id: str | None = None) -> Job:
        self.reads += 1
        return self._now()[0]

    def variants(self, job: Job) -> dict[int, dict[str, Any]]:
        return dict(self._now()[1])

    def result(self, job: Job) -> dict[str, Any]:
        variants = self._now()[1]
        return {"jobId": job.id, "cache": "miss", "emails": [variants[i] for i in sorted(variants)]}


def stream_of(clock: Clock, jobs: ScriptedJobs, submission: Submission | None = None):
    submission = submission or Submission("store-1", job_id="j1")
    return GenerationStream(jobs, submission, clock=clock, sleep=clock.sleep)


def test_heartbeats_fill_the_silences_and_events_follow_the_job() -> None:
    clock = Clock()
    start = clock.now
    one = {1: variant(1)}
    three = {i: variant(i) for i in range(3)}
    jobs = ScriptedJobs(
        clock,
        [
            (start, job(), {}),
            (start + 25, job(JobStatus.RUNNING, 1), one),
            (start + 37, job(JobStatus.COMPLETED, 3), three),
        ],
    )
    timeline: list[tuple[float, str]] = []
    for text in stream_of(clock, jobs).events(heartbeat_seconds=10):
        timeline.append((clock.now - start, text if text == HEARTBEAT else text.split("\n")[0]))
    names = [name for _, name in timeline]
    assert names == [
        "event: accepted",
        HEARTBEAT,
        HEARTBEAT,
        "event: variant",
        HEARTBEAT,
        "event: variant",
        "event: variant",
        "event: done",
    ]
    beats = [at for at, name in timeline if name == HEARTBEAT]
    assert beats[:2] == [pytest.approx(10), pytest.approx(20)]
    variant_at = next(at for at, name in timeline if name == "event: variant")
    assert beats[2] == pytest.approx(variant_at + 10)  # counted from the last write
    assert timeline[-1][0] < 38  # the end is read within a second of the job's


def test_a_stream_that_must_end_before_its_job_points_to_the_status_url() -> None:
    clock = Clock()
    jobs = ScriptedJobs(clock, [(clock.now, job(JobStatus.RUNNING), {})])
    text = "".join(stream_of(clock, jobs).events(deadline=clock.now + 5))
    events = parse_events(text)
    assert [e.name for e in events] == ["accepted", "pending"]
    assert events[1].data["statusUrl"] == "/api/email/jobs/j1?storeId=store-1"
    assert HEARTBEAT not in text
    assert clock.now <= 1_005.0  # no read was started that would end past the deadline


def test_a_cached_answer_is_a_single_done_event() -> None:
    clock = Clock()
    cached = Submission("store-1", result={"jobId": "old", "cache": "hit", "emails": []})
    jobs = ScriptedJobs(clock, [])
    events = parse_events("".join(stream_of(clock, jobs, cached).events(heartbeat_seconds=10)))
    assert events == [Event("done", cached.result)]
    assert jobs.reads == 0


def test_a_job_that_disappears_under_the_stream_ends_it_with_an_error() -> None:
    clock = Clock()
    start = clock.now
    jobs = ScriptedJobs(clock, [(start, job(JobStatus.RUNNING), {})])
    stream = stream_of(clock, jobs).events()
    assert parse_events(next(stream))[0].name == "accepted"
    jobs.script.clear()  # expired
    events = parse_events("".join(stream))
    assert [e.name for e in events] == ["error"]
    assert events[0].data["error"]["code"] == "job_not_found"


def test_a_caller_attached_to_a_job_in_flight_is_told_its_answer_was_shared() -> None:
    clock = Clock()
    three = {i: variant(i) for i in range(3)}
    jobs = ScriptedJobs(clock, [(clock.now, job(JobStatus.COMPLETED, 3), three)])
    attached = Submission("store-1", job_id="j1", coalesced=True)
    events = parse_events("".join(stream_of(clock, jobs, attached).events()))
    assert [e.name for e in events] == ["accepted", "variant", "variant", "variant", "done"]
    assert events[-1].data["cache"] == "hit"
