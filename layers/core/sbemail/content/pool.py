"""The model-session pool: the original service's assistant-thread pool, without threads.

The original service kept ten reusable Assistants threads. Here a *session* is a warm
provider (its HTTP client keeps connections open across invocations of the same
container) that holds no conversation: every ``write`` sends a complete, self-contained
request, so nothing of one job can reach another. The pool bounds how many model calls
a container makes at once, fails clearly when none frees up in time, always takes a
session back, and reports the original service's ``threadPool`` stats.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from ..domain import VariantBrief
from .errors import ContentError, SessionPoolTimeoutError
from .ports import ContentModel, WrittenCopy
from .prompts import PROMPT_VERSION

S = TypeVar("S")


class SessionPool(Generic[S]):
    """At most ``size`` sessions, created on first need and reused most-recent first.

    Args:
        factory: creates one session (called outside the pool's lock).
        size: the most sessions in use at once.
        acquire_timeout: seconds to wait for a free session before failing.
    """

    def __init__(self, factory: Callable[[], S], size: int = 10, acquire_timeout: float = 30.0):
        if size < 1:
            raise ValueError("a session pool needs at least one session")
        self._factory = factory
        self._size = size
        self._acquire_timeout = acquire_timeout
        self._idle: list[S] = []
        self._created = 0
        self._active = 0
        self._timeouts = 0
        self._changed = threading.Condition()

    @property
    def size(self) -> int:
        return self._size

    @contextmanager
    def session(self, timeout: float | None = None) -> Iterator[S]:
        """A session for the duration of the ``with`` block, returned on every path.

        Raises:
            SessionPoolTimeoutError: none became free within ``timeout`` (or the default).
        """
        session = self.acquire(timeout)
        try:
            yield session
        finally:
            self.release(session)

    def acquire(self, timeout: float | None = None) -> S:
        """Take a session (pair with ``release``; prefer ``session()``)."""
        wait = self._acquire_timeout if timeout is None else timeout
        with self._changed:
            if not self._changed.wait_for(self._can_acquire, timeout=wait):
                self._timeouts += 1
                raise SessionPoolTimeoutError(
                    f"no model session became free within {wait:g} s "
                    f"({self._active} of {self._size} in use)"
                )
            self._active += 1
            if self._idle:
                return self._idle.pop()
            self._created += 1
        try:
            return self._factory()
        except BaseException:
            with self._changed:
                self._active -= 1
                self._created -= 1
                self._changed.notify()
            raise

    def release(self, session: S) -> None:
        """Give a session back, warm, for the next caller."""
        with self._changed:
            self._active -= 1
            self._idle.append(session)
            self._changed.notify()

    def stats(self) -> dict[str, float | int]:
        """``{availableThreads, activeThreads, maxThreads, utilization}``.

        ``utilization`` is the share of sessions in use, from 0 to 1 (like ``hitRate``).
        """
        with self._changed:
            active = self._active
        return {
            "availableThreads": self._size - active,
            "activeThreads": active,
            "maxThreads": self._size,
            "utilization": round(active / self._size, 4),
        }

    def counters(self) -> dict[str, int]:
        """Sessions created so far and acquire timeouts (for metrics)."""
        with self._changed:
            return {"created": self._created, "timeouts": self._timeouts}

    def _can_acquire(self) -> bool:
        return self._active < self._size


class PooledContentModel:
    """A content model that runs each ``write`` on a pooled session.

    Safe to call from many threads at once; at most ``pool.size`` calls run together.
    Keeps running totals of attempts, retries, corrections and failures for metrics.

    Args:
        warnings: what the configuration asked for but will not get, decided once when
            the model was opened (``ContentSettings.warnings()``), for the service to
            report; the sessions themselves carry none.
    """

    def __init__(
        self,
        pool: SessionPool[ContentModel],
        provider: str,
        model: str,
        prompt_version: str = PROMPT_VERSION,
        warnings: tuple[str, ...] = (),
    ) -> None:
        self.pool = pool
        self.provider = provider
        self.model = model
        self.prompt_version = prompt_version
        self.warnings = tuple(warnings)
        self._totals: Counter[str] = Counter()
        self._lock = threading.Lock()

    def write(self, brief: VariantBrief) -> WrittenCopy:
        """Write on a free session (``SessionPoolTimeoutError`` if none frees up in time)."""
        try:
            with self.pool.session() as session:
                written = session.write(brief)
        except ContentError as error:
            self._count(failures=1, attempts=error.attempts, retries=error.retries)
            raise
        self._count(
            written=1,
            attempts=written.attempts,
            retries=written.retries,
            corrections=written.corrections,
        )
        return written

    def write_answered(self, brief: VariantBrief, answer: Any) -> WrittenCopy:
        """``write`` from an answer the Batch API gave (see the providers'
        ``write_answered``); a corrective call, if needed, runs on the session."""
        try:
            with self.pool.session() as session:
                written = session.write_answered(brief, answer)  # type: ignore[attr-defined]
        except ContentError as error:
            self._count(failures=1, attempts=error.attempts, retries=error.retries)
            raise
        self._count(written=1, attempts=written.attempts, corrections=written.corrections)
        return written

    def pool_stats(self) -> dict[str, float | int]:
        """The original service's ``threadPool`` stats."""
        return self.pool.stats()

    def totals(self) -> dict[str, int]:
        """Since the container started: variants written and failed, attempts, retries,
        corrective calls (for metrics)."""
        keys = ("written", "failures", "attempts", "retries", "corrections")
        with self._lock:
            return {key: self._totals[key] for key in keys}

    def _count(self, **amounts: int) -> None:
        with self._lock:
            self._totals.update(amounts)
