"""Cold starts of the three Lambda functions, measured in fresh interpreters.

The layer is built by its own ``sam build`` recipe (``layers/core/Makefile``) but for
this machine's platform and the benchmark's Python (``BENCH_PYTHON``, python3.13 when
the machine has it): the real layer holds arm64 wheels that cannot load here. Each
function then starts as Lambda starts it: a new process, the layer's ``python`` folder
on the path, the template's environment, tracing on (``LAMBDA_TASK_ROOT`` set, so
Powertools' Tracer behaves as in the cloud), the handler module imported and the
services built once.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from samples import ROOT

FUNCTIONS = ("api", "worker", "cleanup")
PROBE = Path(__file__).with_name("coldstart_probe.py")
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)$")


@dataclass(frozen=True)
class ColdStart:
    """One function's fresh start: milliseconds of wall time and of each init phase."""

    wall_ms: float
    import_ms: float
    services_ms: float
    import_cpu_ms: float
    services_cpu_ms: float
    modules: tuple[str, ...]

    @property
    def init_ms(self) -> float:
        return self.import_ms + self.services_ms

    @property
    def init_cpu_ms(self) -> float:
        return self.import_cpu_ms + self.services_cpu_ms


def build_layer(python: str, target: Path) -> Path:
    """The CoreLayer built by its makefile for ``python``'s platform, byte-compiled."""
    subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT / "layers/core"),
            "build-CoreLayer",
            f"ARTIFACTS_DIR={target}",
            f"PIP={python} -m pip",
            "PLATFORM_FLAGS=--only-binary=:all: --no-compile",
            f"BUNDLE_PYTHON={sys.executable}",
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    subprocess.run([python, "-m", "compileall", "-q", str(target / "python")], check=True)
    return target


def lambda_env(layer: Path, function: str) -> dict[str, str]:
    """The environment Lambda and the template give a function (no local venv leaks in)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(layer / "python"),
        "LAMBDA_TASK_ROOT": str(ROOT / "functions" / function),
        "AWS_LAMBDA_FUNCTION_NAME": f"sbemail-{function}",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
        "TABLE_NAME": "sbemail-bench",
        "QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/sbemail-bench",
        "BLOCKS_DIR": str(layer / "blocks"),
        "OPENAI_API_KEY_PARAMETER": "/sbemail/openai-api-key",
        "POWERTOOLS_SERVICE_NAME": "sbemail",
        "POWERTOOLS_METRICS_NAMESPACE": "SBEmail",
    }


def start(python: str, layer: Path, function: str) -> ColdStart:
    env = lambda_env(layer, function)
    started = time.perf_counter()
    done = subprocess.run(
        [python, "-s", str(PROBE), str(ROOT / "functions" / function)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    wall = (time.perf_counter() - started) * 1000
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return ColdStart(
        wall,
        report["importMs"],
        report["servicesMs"],
        report["importCpuMs"],
        report["servicesCpuMs"],
        tuple(report["modules"]),
    )


def bare(python: str) -> float:
    """Milliseconds a bare interpreter takes to start and exit."""
    started = time.perf_counter()
    subprocess.run([python, "-s", "-c", "pass"], check=True, env={"PATH": os.environ["PATH"]})
    return (time.perf_counter() - started) * 1000


def imports_by_package(python: str, layer: Path, function: str) -> dict[str, float]:
    """Milliseconds of import per top-level package (``-X importtime``, self times summed)."""
    done = subprocess.run(
        [python, "-s", "-X", "importtime", str(PROBE), str(ROOT / "functions" / function)],
        env=lambda_env(layer, function),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    totals: dict[str, float] = defaultdict(float)
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:  # each module's own time, charged to its top-level package
            totals[match.group(4).partition(".")[0]] += int(match.group(1)) / 1000
    return dict(sorted(totals.items(), key=lambda item: -item[1]))
