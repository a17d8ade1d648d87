"""The retry policy's pure decisions and its one loop, with time and sleep injected."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx2
import openai
import pytest

from sbemail.content.retry import (
    Retrier,
    RetryPolicy,
    Tally,
    UnreadableReplyError,
    next_delay,
    parse_retry_after,
    should_retry,
    should_stop,
)

NOW = 1_780_000_000.0  # a fixed epoch second


@dataclass
class FakeResponse:
    headers: dict[str, str] = field(default_factory=dict)


class StatusError(Exception):
    """Shaped like the SDK's APIStatusError: status_code, response.headers, code."""

    def __init__(self, status: int, headers: dict[str, str] | None = None, code: str | None = None):
        super().__init__(f"HTTP {status}")
        self.status_code = status
        self.response = FakeResponse(headers or {})
        self.code = code


def http_date(epoch: float) -> str:
    return format_datetime(datetime.fromtimestamp(epoch, UTC), usegmt=True)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"Retry-After": "2"}, 2.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"Retry-After": " 7 "}, 7.0),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": "-3"}, 0.0),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after-ms": "soon", "retry-after": "4"}, 4.0),
        ({"Retry-After": http_date(NOW + 30)}, 30.0),
        ({"Retry-After": http_date(NOW - 30)}, 0.0),
        ({"Retry-After": "Wed, 99 Foo 2026 99:00:00"}, None),
        ({"Retry-After": "tomorrow"}, None),
        ({"Retry-After": ""}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "inf"}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers, NOW) == expected


@pytest.mark.parametrize(
    ("retry", "retry_after", "fraction", "expected"),
    [
        (1, None, 0.0, 0.5),
        (2, None, 0.0, 1.0),
        (3, None, 0.0, 2.0),
        (4, None, 0.0, 4.0),
        (5, None, 0.0, 8.0),
        (9, None, 0.0, 8.0),  # capped at max_delay
        (1, None, 1.0, 0.375),  # a quarter of jitter taken off at most
        (3, 12.0, 0.9, 12.0),  # the server's word wins
        (3, 0.0, 0.9, 0.0),
    ],
)
def test_next_delay(retry: int, retry_after: float | None, fraction: float, expected: float):
    assert next_delay(RetryPolicy(), retry, retry_after, fraction) == pytest.approx(expected)


def _request() -> httpx2.Request:
    return httpx2.Request("POST", "http://127.0.0.1/v1/responses")


def _sdk_status(cls: type[openai.APIStatusError], status: int) -> openai.APIStatusError:
    response = httpx2.Response(status, request=_request(), headers={"retry-after": "1"})
    return cls("failed", response=response, body=None)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (StatusError(429), True),
        (StatusError(429, code="insufficient_quota"), False),
        (StatusError(408), True),
        (StatusError(409), True),
        (StatusError(500), True),
        (StatusError(502), True),
        (StatusError(503), True),
        (StatusError(400), False),
        (StatusError(401), False),
        (StatusError(403), False),
        (StatusError(404), False),
        (StatusError(422), False),
        (TimeoutError(), True),
        (ConnectionResetError(), True),
        (UnreadableReplyError("proxy page"), True),
        (ValueError("bug"), False),
        (openai.APITimeoutError(request=_request()), True),
        (openai.APIConnectionError(request=_request()), True),
        (_sdk_status(openai.RateLimitError, 429), True),
        (_sdk_status(openai.InternalServerError, 503), True),
        (_sdk_status(openai.BadRequestError, 400), False),
        (_sdk_status(openai.AuthenticationError, 401), False),
    ],
)
def test_should_retry(error: BaseException, expected: bool) -> None:
    assert should_retry(error) is expected


@pytest.mark.parametrize(
    ("attempts", "delay", "remaining", "expected"),
    [
        (1, 0.5, 100.0, False),
        (4, 8.0, 100.0, False),
        (5, 0.5, 100.0, True),  # five attempts is the ceiling
        (2, 31.0, 100.0, True),  # Retry-After longer than we honour
        (2, 10.0, 9.0, True),  # the wait would outlast the budget
    ],
)
def test_should_stop(attempts: int, delay: float, remaining: float, expected: bool) -> None:
    assert should_stop(RetryPolicy(), attempts, delay, remaining) is expected


def test_policy_refuses_more_than_five_attempts() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=6)


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def retrier(time: FakeTime, **policy: float) -> Retrier:
    return Retrier(
        RetryPolicy(**policy),  # type: ignore[arg-type]
        clock=time.clock,
        wall_clock=lambda: NOW,
        sleep=time.sleep,
        rand=lambda: 0.0,
    )


def flaky(*outcomes: BaseException | str):
    """A call that raises or returns each outcome in turn, recording its timeouts."""
    queue = list(outcomes)
    timeouts: list[float] = []

    def attempt(timeout: float) -> str:
        timeouts.append(timeout)
        outcome = queue.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    attempt.timeouts = timeouts  # type: ignore[attr-defined]
    return attempt


def test_transient_failures_are_retried_with_backoff_and_counted() -> None:
    time = FakeTime()
    runner = retrier(time)
    tally = Tally()
    call = flaky(StatusError(500), TimeoutError(), "copy")
    assert runner.call(call, runner.deadline(), tally) == "copy"
    assert (tally.attempts, tally.retries) == (3, 2)
    assert time.sleeps == [0.5, 1.0]


def test_retry_after_is_honoured() -> None:
    time = FakeTime()
    runner = retrier(time)
    tally = Tally()
    call = flaky(
        StatusError(429, {"retry-after": "3"}), StatusError(503, {"retry-after-ms": "40"}), "ok"
    )
    runner.call(call, runner.deadline(), tally)
    assert time.sleeps == [3.0, 0.04]


def test_never_more_than_five_attempts() -> None:
    time = FakeTime()
    runner = retrier(time)
    tally = Tally()
    call = flaky(*[StatusError(500) for _ in range(10)])
    with pytest.raises(StatusError):
        runner.call(call, runner.deadline(), tally)
    assert (tally.attempts, tally.retries) == (5, 4)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_client_errors_fail_at_once(status: int) -> None:
    time = FakeTime()
    runner = retrier(time)
    tally = Tally()
    with pytest.raises(StatusError):
        runner.call(flaky(StatusError(status), "never"), runner.deadline(), tally)
    assert (tally.attempts, tally.retries, time.sleeps) == (1, 0, [])


def test_a_retry_after_beyond_the_ceiling_ends_the_call() -> None:
    time = FakeTime()
    runner = retrier(time, max_retry_after=10.0)
    tally = Tally()
    with pytest.raises(StatusError):
        runner.call(flaky(StatusError(429, {"retry-after": "60"}), "ok"), runner.deadline(), tally)
    assert (tally.attempts, time.sleeps) == (1, [])


def test_the_budget_bounds_waits_and_attempt_timeouts() -> None:
    time = FakeTime()
    runner = retrier(time, budget_seconds=5.0, attempt_timeout=4.0, initial_delay=2.0)
    tally = Tally()
    call = flaky(TimeoutError(), TimeoutError(), TimeoutError(), "late")
    with pytest.raises(TimeoutError):
        runner.call(call, runner.deadline(), tally)
    # 2 s of backoff leaves 3 s: the second attempt's timeout is cut to it; the next
    # backoff (4 s) would outlast the budget, so the loop gives up instead of waiting.
    assert call.timeouts == [4.0, 3.0]  # type: ignore[attr-defined]
    assert time.sleeps == [2.0]
    assert tally.attempts == 2


def test_a_deadline_already_past_makes_no_attempt() -> None:
    time = FakeTime()
    runner = retrier(time)
    tally = Tally()
    with pytest.raises(TimeoutError):
        runner.call(flaky("never"), deadline=-1.0, tally=tally)
    assert tally.attempts == 0
