"""Run in a fresh interpreter: one Lambda function's init, as the runtime would do it.

Usage: ``python coldstart_probe.py FUNCTION_DIR``, with the layer's ``python`` folder on
``PYTHONPATH`` and the Lambda-like environment set by the caller. Prints one JSON line:
the handler module's import and the first ``services()`` build, in milliseconds of
wall time and of CPU time (the CPU figure holds on a busy machine; wall time does not).
Kept free of test helpers so it imports nothing the function itself would not.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time

started, started_cpu = time.perf_counter(), time.process_time()
spec = importlib.util.spec_from_file_location("app", f"{sys.argv[1]}/app.py")
assert spec and spec.loader
module = importlib.util.module_from_spec(spec)
sys.modules["app"] = module
spec.loader.exec_module(module)
imported, imported_cpu = time.perf_counter(), time.process_time()
from sbemail.bootstrap import services  # noqa: E402  (already imported by the handler)

services()
built, built_cpu = time.perf_counter(), time.process_time()
print(
    json.dumps(
        {
            "importMs": (imported - started) * 1000,
            "servicesMs": (built - imported) * 1000,
            "importCpuMs": (imported_cpu - started_cpu) * 1000,
            "servicesCpuMs": (built_cpu - imported_cpu) * 1000,
            "modules": sorted({name.partition(".")[0] for name in sys.modules}),
        }
    )
)
