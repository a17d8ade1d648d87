"""Content models wired to the fake server, with small timeouts and no real sleeping."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from sbemail.content import (
    ApiKeySource,
    ContentSettings,
    PooledContentModel,
    Retrier,
    RetryPolicy,
    open_content_model,
)

from .openai_server import Behaviour, FakeOpenAI

API_KEY = "sk-test-not-a-real-key"


class RecordedSleeps:
    """An injected ``sleep`` that records what the retry loop asked for, and returns."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.calls.append(seconds)


def fast_policy(**changes: float) -> RetryPolicy:
    """The production policy's shape with test-sized timeouts and backoff."""
    values: dict[str, float] = {
        "initial_delay": 0.001,
        "max_delay": 0.01,
        "attempt_timeout": 2.0,
        "budget_seconds": 30.0,
        **changes,
    }
    return RetryPolicy(**values)  # type: ignore[arg-type]


def pooled_model(
    fake: FakeOpenAI,
    style: str = "responses",
    *,
    pool_size: int = 10,
    policy: RetryPolicy | None = None,
    sleeps: RecordedSleeps | None = None,
    model: str = "gpt-4.1-mini",
) -> PooledContentModel:
    """The production composition (pool → provider → SDK client) aimed at ``fake``."""
    policy = policy or fast_policy()
    settings = ContentSettings(
        api_style=style,  # type: ignore[arg-type]
        model=model,
        base_url=fake.base_url,
        pool_size=pool_size,
        acquire_timeout=30.0,
        retry=policy,
    )
    retrier = Retrier(policy, sleep=sleeps if sleeps is not None else RecordedSleeps())
    return open_content_model(settings, ApiKeySource(API_KEY), retrier)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A fresh fake OpenAI server for one test (import this fixture into a test module)."""
    with FakeOpenAI.running(Behaviour(api_key=API_KEY, hang_seconds=3.0)) as server:
        yield server
