"""Cold start of each Lambda function with the built layer (``make bench``).

Prints and records, per function: the fresh process's wall time, the init Lambda bills
(handler import + first ``services()``), each phase, a bare interpreter's start for
scale, and the imports by top-level package. Goals (issue: API init <= 500 ms, worker
<= 1.0 s) are shown beside the figures, never asserted; what is asserted is behaviour:
the API function never loads the OpenAI SDK, no function loads boto3 (botocore is all
they use), and tracing stays on.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from performance.coldstart import FUNCTIONS, bare, build_layer, imports_by_package, start
from performance.results import Results

RUNS = int(os.environ.get("BENCH_COLD_RUNS", "7"))
GOALS_MS = {"api": 500.0, "worker": 1000.0}


def _python() -> str:
    """``BENCH_PYTHON``, else python3.13 if it runs (a shim may not), else this Python."""
    for candidate in (os.environ.get("BENCH_PYTHON"), shutil.which("python3.13")):
        if candidate and subprocess.run([candidate, "-c", ""], capture_output=True).returncode == 0:
            return candidate
    return sys.executable


def test_bench_cold_start_per_function(tmp_path: Path, results: Results) -> None:
    python = _python()
    layer = build_layer(python, tmp_path / "layer")
    section = "Cold start (fresh process, built layer)"
    bares = [bare(python) for _ in range(RUNS)]
    results.figure(section, "bare interpreter: start and exit", bares, "ms", python_version(python))
    print(f"\n[cold start] {python_version(python)}, {RUNS} fresh processes per function")
    print(f"{'bare interpreter':<28} wall {statistics.median(bares):7.1f} ms")
    for function in FUNCTIONS:
        runs = [start(python, layer, function) for _ in range(RUNS)]
        goal = GOALS_MS.get(function)
        note = f"goal <= {goal:.0f} ms" if goal else ""
        init = results.figure(
            section,
            f"{function}: init CPU (import + services)",
            [r.init_cpu_ms for r in runs],
            "ms",
            note,
        )
        results.figure(section, f"{function}: init wall time", [r.init_ms for r in runs], "ms")
        results.figure(
            section, f"{function}: import handler, CPU", [r.import_cpu_ms for r in runs], "ms"
        )
        results.figure(
            section, f"{function}: build services, CPU", [r.services_cpu_ms for r in runs], "ms"
        )
        results.figure(section, f"{function}: process wall time", [r.wall_ms for r in runs], "ms")
        samples = [imports_by_package(python, layer, function) for _ in range(3)]
        packages = {
            name: statistics.median(run.get(name, 0.0) for run in samples) for name in samples[0]
        }
        packages = dict(sorted(packages.items(), key=lambda item: -item[1]))
        results.value(
            section,
            f"{function}: process wall / bare interpreter",
            statistics.median(r.wall_ms for r in runs) / statistics.median(bares),
            "x",
        )
        results.table(
            f"Imports of the {function} function by top-level package",
            ["package", "ms (own import time summed per package, -X importtime, median of 3)"],
            [[name, round(ms, 1)] for name, ms in packages.items() if ms >= 3.0],
        )
        top = ", ".join(f"{name} {ms:.0f}" for name, ms in list(packages.items())[:8])
        print(
            f"{function:<12} init CPU {init['median']:7.1f} ms (import "
            f"{statistics.median(r.import_cpu_ms for r in runs):6.1f}, services "
            f"{statistics.median(r.services_cpu_ms for r in runs):6.1f}); init wall "
            f"{statistics.median(r.init_ms for r in runs):7.1f} ms; process wall "
            f"{statistics.median(r.wall_ms for r in runs):7.1f} ms; {note}\n    imports: {top}"
        )
        modules = set(runs[0].modules)
        if function == "api":
            assert "openai" not in modules, "the API function must not load the OpenAI SDK"
        assert "aws_xray_sdk" in modules, "tracing must stay on in the cloud"
        assert not {"boto3", "s3transfer"} & modules, "botocore is all the functions need"


def python_version(python: str) -> str:
    code = "import sys, platform; print('Python', sys.version.split()[0], platform.machine())"
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()
