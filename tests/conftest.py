"""Fixtures shared by every suite: an embedded DynamoDB/SQS spoken to over the wire."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "sbemail")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "SBEmail")


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's server on a free loopback port: DynamoDB and SQS spoken over HTTP."""
    from sbemail.local.embedded import start_moto

    server, endpoint = start_moto()
    yield endpoint
    server.stop()


@pytest.fixture
def fresh_table(moto_endpoint: str):
    """A new, empty service table (schema from template.yaml) on the moto server."""
    import uuid

    import boto3

    from sbemail.local.embedded import provision
    from sbemail.storage import Table

    from samples import ROOT

    name = f"t-{uuid.uuid4().hex[:10]}"
    provision(moto_endpoint, ROOT / "template.yaml", table_name=name, queue_name=f"q-{name}")
    client = boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="us-east-1")
    return Table(client, name)


class ManualClock:
    """Time that moves only when a test says so."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


ADMIN_TOKEN = secrets.token_urlsafe(16)


@pytest.fixture(scope="session")
def admin_headers() -> dict[str, str]:
    """Headers that let a test use the operations routes of the local server."""
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@dataclass(frozen=True)
class LocalServer:
    url: str
    pid: int

    def peak_rss_mib(self) -> float:
        """The server process's peak resident memory so far (VmHWM)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise LookupError("no VmHWM")


@pytest.fixture(scope="session")
def local_url(local_server: LocalServer) -> str:
    return local_server.url


@pytest.fixture(scope="session")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """Base URL of a freshly started ``sbemail-local`` on a free port."""
    with started_local_server(Path(tmp_path_factory.mktemp("local"))) as server:
        yield server


@contextmanager
def started_local_server(
    log_dir: Path, environment: dict[str, str] | None = None
) -> Iterator[LocalServer]:
    """``sbemail-local`` on a free port, with ``environment`` on top of this one's (model,
    DynamoDB and brand service settings of the developer's shell left out); the
    operations token is ``ADMIN_TOKEN`` unless ``environment`` names another. Its output
    goes to a log in ``log_dir``, shown if it does not start."""
    from sbemail.local.embedded import free_port

    port = free_port()
    log_path = log_dir / f"server-{port}.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "DYNAMODB_", "BRANDDEV_", "BRAND_"))
    }
    env["SBEMAIL_ADMIN_TOKEN"] = ADMIN_TOKEN
    env.update(environment or {})
    env["PORT"] = str(port)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sbemail.local", "--port", str(port)],
            cwd=Path(__file__).resolve().parents[1],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "running at" not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"local server did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield LocalServer(f"http://127.0.0.1:{port}", process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # workers still finishing jobs: stop it anyway
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fresh table and job queue (1 s visibility timeout) wired into ``services()``."""
    from sbemail import bootstrap
    from sbemail.local.embedded import provision

    from samples import ROOT

    name = f"w-{uuid.uuid4().hex[:8]}"
    resources = provision(
        moto_endpoint,
        ROOT / "template.yaml",
        table_name=name,
        queue_name=name,
        visibility_timeout=1,
    )
    for key, value in resources.environment().items():
        monkeypatch.setenv(key, value)
    bootstrap.services.cache_clear()
    yield resources
    bootstrap.services.cache_clear()
