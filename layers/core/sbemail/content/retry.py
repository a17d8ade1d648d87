"""Retrying model calls: one policy table, small pure decisions, one tenacity loop.

The SDK's own retries are off (``max_retries=0``) so that this is the only place that
decides: 429, 5xx, 408/409, timeouts and connection errors are retried with jittered
exponential backoff, honouring ``Retry-After``; every other 4xx fails at once. The
whole variant shares one deadline, kept below the worker's timeout, so a slow provider
fails a variant clearly instead of killing the invocation.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import tenacity

T = TypeVar("T")
logger = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 409, 429})
# A 429 that waiting cannot cure: the account is out of credit.
PERMANENT_CODES = frozenset({"insufficient_quota"})


class UnreadableReplyError(Exception):
    """The server answered 2xx with something that is not the API's JSON (a proxy's
    error page, a cut-off body): transient, like a 502 in disguise, so it is retried."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Defaults suit the worker (900 s timeout, several jobs a batch).

    Attributes:
        max_attempts: attempts per call, first one included (never above 5).
        initial_delay: backoff before the first retry, in seconds; doubles each retry.
        max_delay: ceiling of the computed backoff.
        max_retry_after: longest ``Retry-After`` honoured; a longer one ends the call.
        jitter: fraction of the backoff removed at random, so retries spread out.
        budget_seconds: deadline for everything one variant's copy takes.
        attempt_timeout: HTTP timeout of one attempt (cut to what is left of the budget).
    """

    max_attempts: int = 5
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0
    jitter: float = 0.25
    budget_seconds: float = 120.0
    attempt_timeout: float = 45.0

    def __post_init__(self) -> None:
        if not 1 <= self.max_attempts <= 5:
            raise ValueError("max_attempts must be between 1 and 5")
        if self.budget_seconds <= 0 or self.attempt_timeout <= 0:
            raise ValueError("budget_seconds and attempt_timeout must be positive")


# -- pure decisions ---------------------------------------------------------------------


def status_of(error: BaseException) -> int | None:
    """The HTTP status an SDK error carries, if any."""
    status = getattr(error, "status_code", None)
    return status if isinstance(status, int) else None


def should_retry(error: BaseException) -> bool:
    """Whether ``error`` is transient: 408/409/429, any 5xx, a timeout, a lost connection
    or an unreadable 2xx body.

    A 429 for an exhausted quota is not: no amount of waiting within a job cures it.
    """
    status = status_of(error)
    if status is not None:
        if getattr(error, "code", None) in PERMANENT_CODES:
            return False
        return status in RETRYABLE_STATUSES or status >= 500
    return isinstance(error, _transport_errors())


def parse_retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the server asked us to wait, or ``None`` when it did not say (or said nonsense).

    Reads ``retry-after-ms`` (OpenAI's, milliseconds) first, then ``retry-after`` as
    seconds or an HTTP date, relative to ``now`` (epoch seconds). Past dates mean 0.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    milliseconds = _number(lowered.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    seconds = _number(raw)
    if seconds is not None:
        return seconds
    try:
        moment = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - now)


def next_delay(
    policy: RetryPolicy, retry_number: int, retry_after: float | None, fraction: float
) -> float:
    """Seconds to wait before retry ``retry_number`` (1-based).

    The server's ``Retry-After`` wins when given; otherwise exponential backoff from
    ``initial_delay``, capped at ``max_delay``, less up to ``jitter`` of it
    (``fraction`` is a random number in [0, 1)).
    """
    if retry_after is not None:
        return retry_after
    backoff = min(policy.initial_delay * 2 ** (retry_number - 1), policy.max_delay)
    return backoff * (1 - policy.jitter * fraction)


def should_stop(policy: RetryPolicy, attempts: int, delay: float, remaining: float) -> bool:
    """Whether to give up after ``attempts`` attempts rather than wait ``delay`` seconds."""
    return attempts >= policy.max_attempts or delay > policy.max_retry_after or delay >= remaining


def headers_of(error: BaseException) -> Mapping[str, str]:
    """The response headers of an SDK status error (empty for transport errors)."""
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    return headers if headers is not None else {}


# -- the loop ---------------------------------------------------------------------------


@dataclass
class Tally:
    """What one variant's calls took: attempts and retries, for results and metrics."""

    attempts: int = 0
    retries: int = 0


class Retrier:
    """Runs a call under a policy; clock, wall clock, sleep and randomness are injectable."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        retryable: Callable[[BaseException], bool] = should_retry,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self._retryable = retryable  # other HTTP clients (brand lookup) bring their own
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._rand = rand

    def deadline(self) -> float:
        """The end of a budget starting now (on this retrier's clock)."""
        return self._clock() + self.policy.budget_seconds

    def remaining(self, deadline: float) -> float:
        return deadline - self._clock()

    def call(self, attempt: Callable[[float], T], deadline: float, tally: Tally) -> T:
        """``attempt(timeout)`` until it succeeds, fails for good, or time runs out.

        Each attempt gets the policy's timeout, cut to what is left before ``deadline``.
        Raises the last error when giving up (``TimeoutError`` if no time was left).
        """
        import tenacity  # here, not at module level: the API function never retries

        policy = self.policy

        def one_attempt() -> T:
            remaining = self.remaining(deadline)
            if remaining <= 0:
                raise TimeoutError("the time budget for this variant ran out")
            tally.attempts += 1
            return attempt(min(policy.attempt_timeout, remaining))

        def wait(state: tenacity.RetryCallState) -> float:
            error = _exception(state)
            retry_after = parse_retry_after(headers_of(error), self._wall_clock())
            return next_delay(policy, state.attempt_number, retry_after, self._rand())

        def stop(state: tenacity.RetryCallState) -> bool:
            remaining = self.remaining(deadline)
            return should_stop(policy, state.attempt_number, state.upcoming_sleep, remaining)

        def count(state: tenacity.RetryCallState) -> None:
            tally.retries += 1
            error = _exception(state)
            logger.info(
                "call attempt %d failed (%s); retrying in %.2f s",
                state.attempt_number,
                status_of(error) or type(error).__name__,
                state.upcoming_sleep,
            )

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(self._retryable),
            wait=wait,
            stop=stop,
            sleep=self._sleep,
            before_sleep=count,
            reraise=True,
        )
        return retrying(one_attempt)


def _exception(state: tenacity.RetryCallState) -> BaseException:
    outcome = state.outcome
    error = outcome.exception() if outcome is not None else None
    return error if error is not None else RuntimeError("no outcome")


def _number(raw: Any) -> float | None:
    if raw is None:
        return None
    try:
        value = float(str(raw).strip())
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
        return None
    return max(0.0, value)


@cache
def _transport_errors() -> tuple[type[BaseException], ...]:
    """Timeouts and lost connections, the SDK's included when it is installed.

    Imported lazily: this module is imported where the SDK must never be (the API).
    """
    errors: tuple[type[BaseException], ...] = (TimeoutError, ConnectionError, UnreadableReplyError)
    try:
        import openai
    except ImportError:  # pragma: no cover - the SDK ships in the layer
        return errors
    return (*errors, openai.APIConnectionError)
