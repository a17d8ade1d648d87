"""Memory of a long-running local server (``make bench``; about 10 minutes).

Runs 1,000 distinct generations one after another (offline writer, ``Prefer: wait=20``)
against a fresh ``sbemail-local`` whose limits are reached well before the 100th job
(50 jobs, 50 cache entries, cleanup every 5 s), and prints the server's resident memory
(VmRSS) after 100 and after 1,000 jobs. The target is RSS(1,000) <= 1.1 x RSS(100): once
the stores are full, memory stays flat. Only behaviour is asserted (every job served,
the stats within their limits); the figures are printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from http_client import call
from samples import ROOT, sample_body

JOBS = 1000
LIMIT = 50
TOKEN = "bench-token"


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise LookupError("no VmRSS")


def test_bench_local_server_memory_is_flat_once_the_stores_are_full(tmp_path: Path) -> None:
    from sbemail.local.embedded import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DYNAMODB_"))}
    env |= {
        "STORE_MAX_ENTRIES": str(LIMIT),
        "CACHE_MAX_ENTRIES": str(LIMIT),
        "SBEMAIL_LOCAL_CLEANUP_SECONDS": "5",
        "SBEMAIL_ADMIN_TOKEN": TOKEN,
    }
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sbemail.local", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while "running at" not in log_path.read_text():
            assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        base = sample_body("northwind")
        rss: dict[int, float] = {}
        started = time.monotonic()
        for number in range(1, JOBS + 1):
            request = {**base, "storeId": f"mem-{number}", "brief": f"Run {uuid.uuid4().hex}."}
            reply = call("POST", f"{url}/api/email/generate", request, {"Prefer": "wait=20"})
            assert reply.status == 200, reply.body[:300]
            if number in (100, JOBS) or number % 250 == 0:
                rss[number] = _rss_mib(process.pid)
                stats = call(
                    "GET", f"{url}/api/email/stats", headers={"Authorization": f"Bearer {TOKEN}"}
                ).json()["stats"]
                print(
                    f"\n{number:5d} jobs  {time.monotonic() - started:6.1f} s  "
                    f"RSS {rss[number]:6.1f} MiB  store {stats['store']['totalEntries']}"
                    f"/{stats['store']['maxEntries']}  cache "
                    f"{stats['responseCache']['totalEntries']}/{stats['responseCache']['maxEntries']}"
                )
                # one cleanup interval (5 s) of jobs may be over the limit between runs
                assert stats["store"]["totalEntries"] <= LIMIT + 40
        print(
            f"RSS after 100 jobs {rss[100]:.1f} MiB, after {JOBS} {rss[JOBS]:.1f} MiB: "
            f"ratio {rss[JOBS] / rss[100]:.3f} (target <= 1.1)"
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
