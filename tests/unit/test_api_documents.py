"""HTTP helpers: Prefer parsing, operator checks, job documents, bodies, waiting."""

from __future__ import annotations

import base64
import math
from typing import Any, cast

import pytest

from sbemail.api import (
    BodyError,
    answered_result,
    arrival_time,
    check_operator,
    failure_body,
    job_document,
    json_body,
    parse_prefer_wait,
    status_url,
)
from sbemail.api.bodies import MAX_DEPTH
from sbemail.service import GenerationService
from sbemail.storage import Job, JobStatus


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, 20.0),
        ("", 20.0),
        ("wait=5", 5.0),
        ("respond-async, wait=10", 10.0),
        ("WAIT=3.5", 3.5),
        ("wait=0", 0.0),
        ("wait=100", 25.0),  # API Gateway cuts at 30 s
        ("wait=abc", 20.0),
        ("handling=lenient", 20.0),
    ],
)
def test_prefer_wait(header: str | None, expected: float) -> None:
    assert parse_prefer_wait(header, default=20.0) == expected


def test_status_url_carries_the_store() -> None:
    assert status_url("abc", "store 1/x") == "/api/email/jobs/abc?storeId=store%201%2Fx"


@pytest.mark.parametrize(
    ("headers", "context", "token", "status"),
    [
        ({}, {}, "secret", 401),
        ({"authorization": "Basic secret"}, {}, "secret", 401),
        ({"authorization": "Bearer wrong"}, {}, "secret", 403),
        ({"authorization": "Bearer secret"}, {}, "secret", 200),
        ({}, {}, None, 403),  # in the cloud without IAM context: refused
        ({}, {"authorizer": {"iam": {"accessKey": "AKIA"}}}, None, 200),
    ],
)
def test_operator_check(headers: dict, context: dict, token: str | None, status: int) -> None:
    check = check_operator(headers, context, token)
    assert check.status == status and check.allowed is (status == 200)


def test_job_document_shows_result_only_when_completed() -> None:
    running = Job(id="j", store_id="s", status=JobStatus.RUNNING, request={}, total=3, done=1)
    assert job_document(running, {"x": 1}) == {
        "jobId": "j",
        "status": "running",
        "progress": {"done": 1, "total": 3},
    }
    done = Job(id="j", store_id="s", status=JobStatus.COMPLETED, request={}, total=3, done=3)
    assert job_document(done, {"x": 1})["result"] == {"x": 1}


def test_a_failed_jobs_body_names_each_variants_reason_and_the_cost() -> None:
    error = {
        "code": "generation_failed",
        "message": "model unavailable",
        "variants": [{"index": 0, "code": "model_unavailable", "message": "HTTP 503"}],
        "usage": {"inputTokens": 2400, "outputTokens": 0, "cachedTokens": 0},
        "costsUSD": {"total": 0.00096, "priced": True},
    }
    job = Job(id="j1", store_id="s", status=JobStatus.FAILED, request={}, total=1, error=error)
    body = failure_body(job)["error"]
    assert body["code"] == "generation_failed" and body["jobId"] == "j1"
    assert body["details"] == [{"index": 0, "code": "model_unavailable", "message": "HTTP 503"}]
    assert body["usage"]["inputTokens"] == 2400 and body["costsUSD"]["total"] == 0.00096


# -- reading bodies ---------------------------------------------------------------------------


def body_error(body: str | None, encoded: bool = False, max_bytes: int = 1024) -> BodyError:
    with pytest.raises(BodyError) as caught:
        json_body(body, encoded, max_bytes)
    return caught.value


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_a_json_body_is_read_as_text_or_base64() -> None:
    assert json_body('{"a": [1, "é"]}', False, 1024) == {"a": [1, "é"]}
    assert json_body(b64('{"a": "é"}'.encode()), True, 1024) == {"a": "é"}
    assert json_body(b64(b'\xef\xbb\xbf{"a": 1}'), True, 1024) == {"a": 1}  # UTF-8 BOM


def test_nesting_10000_deep_is_a_400_not_a_recursion_error() -> None:
    error = body_error("[" * 10_000 + "]" * 10_000, max_bytes=100_000)
    assert (error.status, error.code) == (400, "invalid_json")
    assert "nested deeper than 32 levels" in error.message


def test_nesting_past_the_limit_is_refused_even_when_python_could_parse_it() -> None:
    assert json_body("[" * MAX_DEPTH + "]" * MAX_DEPTH, False, 1024)
    deeper = '{"a": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"
    assert "nested deeper" in body_error(deeper).message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'{"a": "\xff"}', "not valid UTF-8 (byte 0xff at offset 7)"),
        (b'{"a": "\xc3"}', "not valid UTF-8"),
        ('{"a": 1}'.encode("utf-16"), "not UTF-16"),
        ('{"a": 1}'.encode("utf-16-le"), "UTF-8 encoded JSON, not UTF-16 or UTF-32"),
        ('{"a": 1}'.encode("utf-16-be"), "UTF-8 encoded JSON, not UTF-16 or UTF-32"),
        ('{"a": 1}'.encode("utf-32"), "not UTF-32"),
    ],
)
def test_bodies_that_are_not_utf8_are_400s_saying_so(data: bytes, words: str) -> None:
    error = body_error(b64(data), encoded=True)
    assert (error.status, error.code) == (400, "invalid_json") and words in error.message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("", "empty"),
        (None, "empty"),
        ("   ", "empty"),
        ('{"a": ', "not valid JSON: Expecting value (line 1, column 7)"),
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"a": -Infinity}', "-Infinity is not a JSON number"),
        ('{"a": ' + "9" * 5000 + "}", "not valid JSON"),
    ],
)
def test_bodies_that_are_not_json_are_400s_saying_why(body: str | None, words: str) -> None:
    error = body_error(body, max_bytes=10_000)
    assert (error.status, error.code) == (400, "invalid_json") and words in error.message


def test_invalid_base64_is_a_400() -> None:
    assert body_error("not base64!", encoded=True).code == "invalid_json"


def test_a_body_over_the_limit_is_a_413_counted_in_bytes() -> None:
    assert json_body('"' + "é" * 10 + '"', False, 22) == "é" * 10
    error = body_error('"' + "é" * 11 + '"', max_bytes=22)
    assert (error.status, error.code) == (413, "body_too_large")


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({"timeEpoch": 1_800_000_000_500}, 1_800_000_000.5),
        ({"timeEpoch": 1_800_000_099_000}, 1_800_000_010.0),  # ahead of the Lambda's clock
        ({}, 1_800_000_010.0),
        ({"timeEpoch": "soon"}, 1_800_000_010.0),
        ({"timeEpoch": True}, 1_800_000_010.0),
        ({"timeEpoch": 0}, 1_800_000_010.0),
    ],
)
def test_arrival_is_api_gateways_time_epoch(context: dict, expected: float) -> None:
    assert arrival_time(context, started=1_800_000_010.0) == expected


def test_a_coalesced_caller_is_told_hit() -> None:
    result = {"jobId": "j", "cache": "miss", "emails": []}
    assert answered_result(result, coalesced=True)["cache"] == "hit"
    assert answered_result(result, coalesced=False)["cache"] == "miss"
    assert result["cache"] == "miss", "the job's own document is left alone"


# -- waiting: a deadline from the request's arrival ----------------------------------------


class Timeline:
    """A clock that moves only when the code under test sleeps or reads."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


class ScriptedStore:
    """A job that ends at ``done_at``, its variants stored at ``stored_at`` (times on the
    timeline); each read takes ``read_seconds``."""

    def __init__(
        self,
        timeline: Timeline,
        done_at: float,
        read_seconds: float = 0.0,
        stored_at: tuple[float, ...] = (),
        created_at: float = 0.0,
    ) -> None:
        self.timeline = timeline
        self.done_at = done_at
        self.read_seconds = read_seconds
        self.stored_at = stored_at
        self.created_at = created_at
        self.reads = 0

    def peek(self, job_id: str) -> Job:
        self.reads += 1
        self.timeline.now += self.read_seconds
        ended = self.timeline.now >= self.done_at
        status = JobStatus.COMPLETED if ended else JobStatus.RUNNING
        done = sum(1 for at in self.stored_at if at <= self.timeline.now)
        return Job(
            id=job_id,
            store_id="s",
            status=status,
            request={},
            total=3,
            done=done,
            created_at=self.created_at,
        )


def waiting(
    done_after: float = math.inf, read_seconds: float = 0.0
) -> tuple[GenerationService, Timeline, ScriptedStore]:
    timeline = Timeline()
    store = ScriptedStore(timeline, timeline.now + done_after, read_seconds)
    service = GenerationService(
        cast(Any, None),
        cast(Any, None),
        cast(Any, store),
        cast(Any, None),
        clock=timeline.clock,
        sleep=timeline.sleep,
    )
    return service, timeline, store


def test_the_wait_counts_from_the_requests_arrival() -> None:
    service, timeline, _ = waiting()
    start = timeline.now
    arrived = start - 10.0  # ten seconds queued and submitting already
    job = service.wait("j", 25.0, arrived=arrived)
    assert job.status is JobStatus.RUNNING
    assert arrived + 24.0 < timeline.now <= arrived + 25.0
    assert timeline.now - start <= 15.0


def test_a_request_that_arrived_25_seconds_ago_is_answered_at_once() -> None:
    service, timeline, store = waiting()
    start = timeline.now
    service.wait("j", 25.0, arrived=start - 26.0)
    assert timeline.sleeps == [] and store.reads == 1 and timeline.now == start


def test_never_past_25_seconds_from_arrival_whatever_is_asked() -> None:
    service, timeline, _ = waiting()
    start = timeline.now
    service.wait("j", 100.0, arrived=start)
    assert timeline.now <= start + 25.0


def test_an_arrival_ahead_of_our_clock_counts_from_now() -> None:
    service, timeline, _ = waiting()
    start = timeline.now
    service.wait("j", 5.0, arrived=start + 60.0)
    assert timeline.now <= start + 5.0


def test_polls_back_off_to_a_second_and_stop_soon_after_the_job_ends() -> None:
    service, timeline, store = waiting(done_after=12.0)
    start = timeline.now
    job = service.wait("j", 25.0, arrived=start)
    assert job.status is JobStatus.COMPLETED
    assert start + 12.0 <= timeline.now <= start + 13.0
    assert timeline.sleeps[0] == pytest.approx(0.1)
    assert timeline.sleeps == sorted(timeline.sleeps) and max(timeline.sleeps) == 1.0
    assert store.reads < 25, "little CPU and few reads: one consistent read per poll"


def test_a_full_wait_reads_the_job_a_few_dozen_times_at_most() -> None:
    service, _, store = waiting()
    service.wait("j", 25.0)
    assert store.reads <= 35


def test_no_read_starts_that_would_end_past_the_deadline() -> None:
    service, timeline, _ = waiting(read_seconds=0.4)
    start = timeline.now
    service.wait("j", 25.0, arrived=start - 3.0)
    assert timeline.now <= start - 3.0 + 25.0


def test_a_job_that_ended_is_returned_without_sleeping() -> None:
    service, timeline, store = waiting(done_after=0.0)
    assert service.wait("j", 25.0).status is JobStatus.COMPLETED
    assert timeline.sleeps == [] and store.reads == 1


def _wait_for(
    service: GenerationService, timeline: Timeline, runs: float, stored: tuple[float, ...] = ()
) -> tuple[int, float]:
    """Wait on a fresh job that ends ``runs`` seconds from now (its variants stored
    ``stored`` seconds from now): the reads it took and how late its end was seen."""
    start = timeline.now
    store = ScriptedStore(
        timeline, start + runs, stored_at=tuple(start + at for at in stored), created_at=start
    )
    service._store = store  # type: ignore[attr-defined]  # the next job, same container
    assert service.wait("j", 25.0, arrived=start).status is JobStatus.COMPLETED
    return store.reads, timeline.now - (start + runs)


def test_jobs_like_recent_ones_are_seen_to_end_within_a_few_percent() -> None:
    service, timeline, _ = waiting()
    _, first_late = _wait_for(service, timeline, 5.6)  # nothing known yet
    assert first_late > 0.2, "a back-off to 1 s sees the end late"
    for runs in (5.7, 5.5, 5.8):  # jobs like the first: their end is expected
        reads, late = _wait_for(service, timeline, runs)
        assert late <= 0.03 * runs
        assert reads <= 20, "a few reads on the way, the rest near the expected end"


def test_stored_variants_bring_the_reads_close_to_the_end() -> None:
    service, timeline, _ = waiting()
    _, unaware = _wait_for(service, timeline, 5.6)  # nothing known: back-off, seen late
    service, timeline, _ = waiting()  # a fresh container: no history either
    reads, late = _wait_for(service, timeline, 5.6, stored=(5.0, 5.4))
    assert late <= 0.03 * 5.6 < unaware, "the first stored variant says the end is near"
    assert reads <= 15


def test_a_job_slower_than_usual_costs_few_reads() -> None:
    service, timeline, _ = waiting()
    _wait_for(service, timeline, 2.0)  # the usual
    reads, _ = _wait_for(service, timeline, 24.0)  # stuck for most of the wait
    assert reads <= 45, "the plain back-off's ~30, and a short tail at the expected end"


def test_a_job_faster_than_usual_is_not_seen_much_later() -> None:
    service, timeline, _ = waiting()
    _wait_for(service, timeline, 10.0)
    reads, late = _wait_for(service, timeline, 0.5)
    assert late <= 0.5 and reads <= 5
