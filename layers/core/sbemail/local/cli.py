"""``sbemail-local`` (what ``make run`` starts): the whole service on one machine.

The same Lambda handlers as in the cloud, behind a local HTTP server, with an embedded
DynamoDB/SQS (moto's server) and a poller feeding the worker from the queue. No network,
no AWS account and no API key are needed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .embedded import LocalAws, provision, start_moto
from .preview import PreviewPages
from .runtime import QueuePoller, load_handler
from .server import make_server

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


def project_root() -> Path:
    """The checkout holding ``template.yaml`` and ``functions/``."""
    for candidate in (Path.cwd(), Path(__file__).resolve().parents[4]):
        if (candidate / "template.yaml").is_file() and (candidate / "functions").is_dir():
            return candidate
    raise SystemExit("run sbemail-local from the project folder (template.yaml not found)")


@dataclass
class LocalService:
    """A running local service; ``stop`` shuts every part down."""

    url: str
    aws: LocalAws
    parts: list[Any]

    def stop(self) -> None:
        for part in reversed(self.parts):
            part.stop() if hasattr(part, "stop") else part.shutdown()


def start(host: str = "127.0.0.1", port: int = 3000, root: Path | None = None) -> LocalService:
    """Start embedded AWS, the worker poller and the HTTP server; return when ready."""
    root = root or project_root()
    for name, value in _LOCAL_DEFAULTS.items():
        os.environ.setdefault(name, value)
    if not os.environ.get("SBEMAIL_ADMIN_TOKEN"):
        os.environ["SBEMAIL_ADMIN_TOKEN"] = secrets.token_urlsafe(24)
    parts: list[Any] = []
    endpoint = os.environ.get("DYNAMODB_ENDPOINT", "").strip()
    if not endpoint:
        moto, endpoint = start_moto()
        parts.append(moto)
    aws = provision(endpoint, root / "template.yaml")
    os.environ.update(aws.environment())
    api = load_handler(root / "functions" / "api" / "app.py", "sbemail_local_api")
    worker = load_handler(root / "functions" / "worker" / "app.py", "sbemail_local_worker")
    poller = QueuePoller(worker, aws.endpoint, aws.queue_url)
    poller.start()
    parts.append(poller)
    server = make_server(host, port, api, PreviewPages(root / "samples"))
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
    print(f"Preview page: {service.url}/  (pick a sample brand, write a brief)", flush=True)
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
    sys.exit(0)
