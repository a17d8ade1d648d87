"""A small stand-in for the Lambda runtime: load handlers, invoke them with a context,
and feed the worker from SQS the way an event source mapping does.
"""

from __future__ import annotations

import importlib.util
import threading
import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import boto3

Handler = Callable[[dict[str, Any], Any], Any]

STOP_SECONDS = 5.0
"""How long stopping the local service waits for its background threads, all together."""


class Joinable(Protocol):
    """What a stop waits for: a thread, or anything joined like one."""

    def join(self, timeout: float | None = None) -> None: ...


class StopDeadline:
    """One time limit for a whole stop, shared by every thread joined under it.

    Joining each thread with a timeout of its own adds the timeouts up: busy workers and
    schedules at 5 s each kept the local service from stopping for well over 10 s. Under
    one deadline each join waits only for what is left of it, so a stop never outlasts
    ``seconds``; a thread still busy then is a daemon and ends with the process.
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._end = clock() + seconds

    def remaining(self) -> float:
        """Seconds left before the deadline (never negative)."""
        return max(0.0, self._end - self._clock())

    def join(self, thread: Joinable) -> None:
        """Wait for ``thread`` no longer than what is left of the deadline."""
        thread.join(timeout=self.remaining())


@dataclass
class LocalContext:
    """The attributes of a Lambda context that Powertools and our handlers read."""

    function_name: str
    timeout_seconds: float = 30.0
    memory_limit_in_mb: int = 1024
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:000000000000:function:{self.function_name}"

    @property
    def function_version(self) -> str:
        return "$LATEST"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self._started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


def load_handler(app_file: Path, module_name: str) -> Handler:
    """Import ``app_file`` as ``module_name`` and return its ``lambda_handler``."""
    spec = importlib.util.spec_from_file_location(module_name, app_file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {app_file}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.lambda_handler  # type: ignore[no-any-return]


EMPTY_METRICS_WARNING = "No application metrics to publish"


def quiet_empty_metrics_warning() -> None:
    """Silence Powertools' warning that a request published no metrics, in this process.

    Locally metrics are off (``POWERTOOLS_METRICS_DISABLED``), yet Powertools still warns
    on the first request that records none (the warm-up below, a health check, a job
    read): two lines on the developer's console that report nothing wrong.
    In Lambda it stays what it is, one line in the logs.
    """
    warnings.filterwarnings("ignore", message=EMPTY_METRICS_WARNING, category=UserWarning)


def warmed_api(handler: Handler) -> Handler:
    """The API handler after one request for its contract document.

    Powertools builds each route's validation model on the route's first request. In
    Lambda a container serves one request at a time, so that never races; the local
    server serves many at once from one process, where two first requests could build a
    route's model twice and clash. Building the document builds every route's model, once.
    """
    from .gateway_events import http_api_event

    event = http_api_event("GET", "/api/openapi.json", {"host": "localhost"}, b"", "127.0.0.1")
    handler(event, LocalContext("api", 30))
    return handler


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """An SQS event as Lambda's event source mapping delivers it."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": "us-east-1",
            }
            for message in messages
        ]
    }


class QueuePoller:
    """Polls the job queue and invokes the worker, deleting only successful messages.

    Failed messages stay on the queue and come back after the visibility timeout; after
    the redrive policy's receive count SQS moves them to the dead-letter queue.
    """

    def __init__(
        self,
        handler: Handler,
        endpoint: str,
        queue_url: str,
        batch_size: int = 5,
        concurrency: int = 2,
    ) -> None:
        self._handler = handler
        self._sqs = boto3.session.Session(region_name="us-east-1").client(
            "sqs", endpoint_url=endpoint
        )
        self._queue_url = queue_url
        self._batch_size = batch_size
        self._concurrency = concurrency
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn", "VisibilityTimeout"]
        )["Attributes"]
        self._arn = attributes["QueueArn"]
        # The stack keeps the worker's timeout (900 s) within the queue's visibility
        # timeout, so an invocation never outlives its messages' invisibility; a local
        # invocation is given no longer than the local queue's.
        self._timeout = min(900.0, float(attributes["VisibilityTimeout"]))

    def start(self) -> None:
        for number in range(self._concurrency):
            thread = threading.Thread(target=self._loop, name=f"worker-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, deadline: StopDeadline | None = None) -> None:
        """Stop polling; wait for the running batches until ``deadline`` (own one if none)."""
        self._stop.set()
        deadline = deadline or StopDeadline(STOP_SECONDS)
        for thread in self._threads:
            deadline.join(thread)

    def poll_once(self, wait_seconds: int = 1) -> int:
        """Receive one batch and run it; returns how many messages were received."""
        messages = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=self._batch_size,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        try:
            response = self._handler(
                sqs_event(messages, self._arn), LocalContext("worker", self._timeout)
            )
            failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
        except Exception:  # a crashed invocation fails the whole batch, as on Lambda
            failed = {message["MessageId"] for message in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._sqs.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in done],
            )
        return len(messages)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception:
                time.sleep(0.5)


class CleanupSchedule:
    """The cloud's scheduled CleanupFunction, run locally every ``interval`` seconds.

    The deployed stack invokes the cleanup handler every 15 minutes (an EventBridge
    schedule); locally nothing would, and moto keeps expired items until someone deletes
    them, all in this process's memory. Each run invokes the same handler until its
    sweep has covered the table (at most ``max_passes`` bounded passes), then calls
    ``after`` (the local server trims the embedded table to its limits there).
    """

    def __init__(
        self,
        handler: Handler,
        interval: float,
        after: Callable[[], Any] | None = None,
        max_passes: int = 20,
    ) -> None:
        self._handler = handler
        self._interval = interval
        self._after = after
        self._max_passes = max_passes
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0

    def run_once(self) -> list[Any]:
        """One scheduled run: the handler's reports, pass by pass, and ``after``'s."""
        reports: list[Any] = []
        for _ in range(self._max_passes):
            report = self._handler({"source": "local.schedule"}, LocalContext("cleanup", 900))
            reports.append(report)
            if not isinstance(report, dict) or report.get("finished", True):
                break
        if self._after is not None:
            reports.append(self._after())
        self.runs += 1
        return reports

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="cleanup", daemon=True)
        self._thread.start()

    def stop(self, deadline: StopDeadline | None = None) -> None:
        """Stop the timer; wait for a running run until ``deadline`` (own one if none)."""
        self._stop.set()
        if self._thread is not None:
            (deadline or StopDeadline(STOP_SECONDS)).join(self._thread)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.run_once()
            except Exception:  # a failed run is retried at the next tick, as on Lambda
                continue


def _libc_function(name: str) -> Any:
    """A function of the C library, or ``None`` (not glibc, or no such function)."""
    import ctypes
    import ctypes.util

    library = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(library), name) if library else None
    except (OSError, AttributeError):
        return None


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Let the C heap grow at most ``arenas`` arenas (glibc; call before threads start).

    glibc gives threads that allocate at the same time arenas of their own, up to eight
    per CPU, each keeping its own free holes; a server starting a thread per connection
    ends up fragmented over all of them. Python's lock makes that concurrency moot, so a
    couple of arenas cost nothing and keep resident memory close to what is in use.
    """
    mallopt = _libc_function("mallopt")
    return bool(mallopt and mallopt(-8, arenas))  # -8: M_ARENA_MAX


def release_free_memory() -> bool:
    """Collect cycles and hand the C heap's free pages back to the system (glibc only).

    Freed items leave holes in the allocator's heaps, which count in the process's
    resident memory until reused; ``malloc_trim`` returns them. Returns whether it could
    (not on other C libraries).
    """
    import gc

    gc.collect()
    trim = _libc_function("malloc_trim")
    if trim is None:
        return False
    trim(0)
    return True
