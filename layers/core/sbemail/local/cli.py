"""``sbemail serve`` (what ``make run`` starts): the whole service on one machine.

The same Lambda handlers as in the cloud, behind a local HTTP server, with an embedded
DynamoDB/SQS (moto's server) and a poller feeding the worker from the queue. No network,
no AWS account and no API key are needed.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import secrets
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..api.streaming import local_stream
from .embedded import LocalAws, provision, start_moto, trim_to_limits, untrack_moto_models
from .preview import PreviewPages
from .runtime import (
    STOP_SECONDS,
    CleanupSchedule,
    QueuePoller,
    StopDeadline,
    limit_malloc_arenas,
    load_handler,
    quiet_empty_metrics_warning,
    release_free_memory,
    warmed_api,
)
from .server import MAX_THREADS, REQUEST_SECONDS, make_server

_LOCAL_DEFAULTS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": "sbemail",
    "POWERTOOLS_METRICS_NAMESPACE": "SBEmail",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_METRICS_DISABLED": "true",
}
# Local knobs (seconds; 0 turns the schedule off): how often the cleanup runs (the
# cloud's schedule is 15 minutes; locally every item is in memory, so more often), how
# long a client has to send a request, and how many connections are served at once.
CLEANUP_SECONDS = "SBEMAIL_LOCAL_CLEANUP_SECONDS"
REQUEST_SECONDS_VARIABLE = "SBEMAIL_LOCAL_REQUEST_SECONDS"
MAX_THREADS_VARIABLE = "SBEMAIL_LOCAL_MAX_THREADS"
# How many SQS batches the local worker runs at once (the cloud's WorkerMaxConcurrency).
WORKERS_VARIABLE = "SBEMAIL_LOCAL_WORKERS"
# How often economy batches are polled (the cloud's schedule is 5 minutes; 0: never).
BATCH_POLL_SECONDS = "SBEMAIL_LOCAL_BATCH_POLL_SECONDS"


def project_root() -> Path:
    """The checkout holding ``template.yaml`` and ``functions/``."""
    for candidate in (Path.cwd(), Path(__file__).resolve().parents[4]):
        if (candidate / "template.yaml").is_file() and (candidate / "functions").is_dir():
            return candidate
    raise SystemExit("run sbemail from the project folder (template.yaml not found)")


@dataclass
class LocalService:
    """A running local service; ``stop`` shuts every part down."""

    url: str
    aws: LocalAws
    parts: list[Any]

    def stop(self, deadline: StopDeadline | None = None) -> None:
        """Stop the parts, newest first; the worker poller and the schedules share one
        ``deadline`` for their busy threads, so the whole stop waits at most that long."""
        deadline = deadline or StopDeadline(STOP_SECONDS)
        for part in reversed(self.parts):
            if isinstance(part, QueuePoller | CleanupSchedule):
                part.stop(deadline)
            elif hasattr(part, "stop"):
                part.stop()
            else:
                part.shutdown()


def start(host: str = "127.0.0.1", port: int = 3000, root: Path | None = None) -> LocalService:
    """Start embedded AWS, the worker poller and the HTTP server; return when ready."""
    root = root or project_root()
    limit_malloc_arenas()  # before any thread allocates: see its docstring
    for name, value in _LOCAL_DEFAULTS.items():
        os.environ.setdefault(name, value)
    quiet_empty_metrics_warning()
    if not os.environ.get("SBEMAIL_ADMIN_TOKEN"):
        os.environ["SBEMAIL_ADMIN_TOKEN"] = secrets.token_urlsafe(24)
    parts: list[Any] = []
    endpoint = os.environ.get("DYNAMODB_ENDPOINT", "").strip()
    if not endpoint:
        moto, endpoint = start_moto()
        parts.append(moto)
    aws = provision(endpoint, root / "template.yaml")
    untrack_moto_models()
    os.environ.update(aws.environment())
    api = warmed_api(load_handler(root / "functions" / "api" / "app.py", "sbemail_local_api"))
    worker = load_handler(root / "functions" / "worker" / "app.py", "sbemail_local_worker")
    workers = int(os.environ.get(WORKERS_VARIABLE) or 2)
    poller = QueuePoller(worker, aws.endpoint, aws.queue_url, concurrency=workers)
    poller.start()
    parts.append(poller)
    interval = float(os.environ.get(CLEANUP_SECONDS) or 60)
    if interval > 0:
        from ..bootstrap import services

        cleanup = load_handler(root / "functions" / "cleanup" / "app.py", "sbemail_local_cleanup")

        def bound_memory() -> dict[str, int]:
            untrack_moto_models()
            evicted = trim_to_limits(services())
            release_free_memory()
            return evicted

        schedule = CleanupSchedule(cleanup, interval, after=bound_memory)
        schedule.start()
        parts.append(schedule)
    poll_interval = float(os.environ.get(BATCH_POLL_SECONDS) or 30)
    if poll_interval > 0:  # the same runner as the cleanup: one handler on a timer
        batch_poller = load_handler(
            root / "functions" / "batch_poller" / "app.py", "sbemail_local_batch_poller"
        )
        poll_schedule = CleanupSchedule(batch_poller, poll_interval)
        poll_schedule.start()
        parts.append(poll_schedule)
    server = make_server(
        host,
        port,
        api,
        PreviewPages(root / "samples"),
        max_threads=int(os.environ.get(MAX_THREADS_VARIABLE) or MAX_THREADS),
        request_seconds=float(os.environ.get(REQUEST_SECONDS_VARIABLE) or REQUEST_SECONDS),
        streams=local_stream,
    )
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    parts.append(server)
    bound_port = server.server_address[1]
    return LocalService(url=f"http://{host}:{bound_port}", aws=aws, parts=parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run SB Email Generator locally.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    args = parser.parse_args(argv)
    service = start(args.host, args.port)
    print(f"SB Email Generator is running at {service.url}", flush=True)
    print(f"Open {service.url}/ to generate emails for your own brand", flush=True)
    print(
        f"API document: {service.url}/api/openapi.json  (Swagger UI: {service.url}/docs)",
        flush=True,
    )
    print("Generate emails from a sample brand:", flush=True)
    print(
        f"  curl -s -X POST {service.url}/api/email/generate "
        "-H 'Content-Type: application/json' -H 'Prefer: wait=20' "
        "--data @samples/northwind-promotion.json",
        flush=True,
    )
    print(
        f"Operations routes (stats, cache/*) need: Authorization: Bearer "
        f"{os.environ['SBEMAIL_ADMIN_TOKEN']}",
        flush=True,
    )
    print("Press Ctrl+C to stop.", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    service.stop()
    # The interpreter's last collection would walk every object still alive (the
    # embedded AWS's items, the loaded blocks) for seconds; nothing of them needs it.
    gc.freeze()
    sys.exit(0)
