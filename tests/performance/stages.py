"""CPU time per stage of a job, measured by wrapping the stages' entry points.

Each wrapped callable charges the CPU its thread spends inside it (``time.thread_time``)
to its stage, exclusive of nested stages: a cache write that goes through DynamoDB
charges the moto emulation it ends in to ``AWS emulation``, not to ``cache``. What no
stage claims is reported as ``other`` (handler framework, event parsing, threads).
"""

from __future__ import annotations

import functools
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from pytest import MonkeyPatch


class StageClock:
    """Exclusive CPU seconds per stage, across threads."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._lock = threading.Lock()
        self._local = threading.local()

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            stack: list[list[Any]] = self._local.__dict__.setdefault("stack", [])
            now = time.thread_time()
            if stack:  # pause the enclosing stage
                parent = stack[-1]
                self._charge(parent[0], now - parent[1])
            stack.append([stage, now])
            try:
                return fn(*args, **kwargs)
            finally:
                end = time.thread_time()
                name, began = stack.pop()
                self._charge(name, end - began)
                if stack:
                    stack[-1][1] = end

        return timed

    def _charge(self, stage: str, seconds: float) -> None:
        with self._lock:
            self.seconds[stage] += seconds


@contextmanager
def stages_of_a_job(clock: StageClock) -> Iterator[None]:
    """Wrap the service's stages (and the AWS emulation) for the duration."""
    from moto.core.botocore_stubber import BotocoreStubber

    from sbemail.content.pool import PooledContentModel
    from sbemail.queue.sqs import SQSJobQueue
    from sbemail.service import generate, runner, variants
    from sbemail.storage.cache import DynamoDBResponseCache
    from sbemail.storage.dynamodb import DynamoDBJobStore

    with ExitStack() as stack:
        patch = stack.enter_context(MonkeyPatch.context())
        patch.setattr(generate, "parse_request", clock.wrap("parse", generate.parse_request))
        patch.setattr(runner, "plan_briefs", clock.wrap("compose", runner.plan_briefs))
        patch.setattr(variants, "review_copy", clock.wrap("model", variants.review_copy))
        patch.setattr(variants, "render", clock.wrap("render", variants.render))
        wraps = {
            "cache": (DynamoDBResponseCache, ("claim", "take_over", "fill", "release", "record")),
            "store": (
                DynamoDBJobStore,
                ("create", "get", "peek", "start", "save_variant", "variants", "complete", "fail"),
            ),
            "queue": (SQSJobQueue, ("send",)),
            "model": (PooledContentModel, ("write",)),
            # the gauge's method is bound at build time: wrap the runner's call to it
            "pool gauge": (runner.JobRunner, ("_report_sessions",)),
            "wait": (generate.GenerationService, ("wait",)),
            "AWS emulation": (BotocoreStubber, ("__call__",)),
        }
        for stage, (owner, names) in wraps.items():
            for name in names:
                patch.setattr(owner, name, clock.wrap(stage, getattr(owner, name)))
        yield
