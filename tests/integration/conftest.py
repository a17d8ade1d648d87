"""The local server (what ``make run`` starts), run as a real process for HTTP tests."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sbemail.local.embedded import free_port

from support import ROOT

ADMIN_TOKEN = secrets.token_urlsafe(16)


@pytest.fixture(scope="session")
def admin_headers() -> dict[str, str]:
    """Headers that let a test use the operations routes of the local server."""
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(scope="session")
def local_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a freshly started ``sbemail-local`` on a free port."""
    port = free_port()
    log_path = Path(tmp_path_factory.mktemp("local")) / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DYNAMODB_"))}
    env["PORT"] = str(port)
    env["SBEMAIL_ADMIN_TOKEN"] = ADMIN_TOKEN
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sbemail.local", "--port", str(port)],
            cwd=ROOT,
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
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
