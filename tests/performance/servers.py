"""A local server for benchmarks, configured per benchmark (model, limits)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from samples import ROOT


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def peak_rss_mib(self) -> float:
        """The server process's peak resident memory so far (VmHWM)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise LookupError("no VmHWM")


@contextmanager
def local_server(log_dir: Path, **settings: str) -> Iterator[Server]:
    """A fresh ``sbemail-local`` with ``settings`` as environment variables."""
    from sbemail.local.embedded import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DYNAMODB_"))}
    env |= settings
    log_path = log_dir / f"server-{port}.log"
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
        yield Server(f"http://127.0.0.1:{port}", process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)
