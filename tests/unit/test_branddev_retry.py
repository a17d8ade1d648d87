"""Which Brand.dev failures are worth another attempt: the model calls' rule."""

from __future__ import annotations

import pytest

from sbemail.brands.branddev import BrandDevStatusError, retryable
from sbemail.content.retry import UnreadableReplyError, headers_of, parse_retry_after


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_passing_statuses_are_retried(status: int) -> None:
    assert retryable(BrandDevStatusError(status, "busy", {}))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_client_errors_fail_at_once(status: int) -> None:
    assert not retryable(BrandDevStatusError(status, "no", {}))


@pytest.mark.parametrize(
    "error", [TimeoutError("t"), ConnectionResetError("r"), UnreadableReplyError("x")]
)
def test_timeouts_lost_connections_and_unreadable_answers_are_retried(
    error: Exception,
) -> None:
    assert retryable(error)


def test_programming_errors_are_not_retried() -> None:
    assert not retryable(ValueError("bug"))
    assert not retryable(KeyError("bug"))


def test_retry_after_is_read_from_brand_devs_answer() -> None:
    error = BrandDevStatusError(429, "slow down", {"Retry-After": "3"})
    assert parse_retry_after(headers_of(error), now=0.0) == 3.0
