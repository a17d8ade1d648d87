"""Run in a fresh interpreter: one Lambda function's init, as the runtime would do it.

Usage: ``python coldstart_probe.py FUNCTION_DIR``, with the layer's ``python`` folder on
``PYTHONPATH`` and the Lambda-like environment set by the caller. Prints one JSON line:
the handler module's import time and the first ``services()`` build, in milliseconds.
Kept free of test helpers so it imports nothing the function itself would not.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time

started = time.perf_counter()
spec = importlib.util.spec_from_file_location("app", f"{sys.argv[1]}/app.py")
assert spec and spec.loader
module = importlib.util.module_from_spec(spec)
sys.modules["app"] = module
spec.loader.exec_module(module)
imported = time.perf_counter()
from sbemail.bootstrap import services  # noqa: E402  (already imported by the handler)

services()
built = time.perf_counter()
print(
    json.dumps(
        {
            "importMs": (imported - started) * 1000,
            "servicesMs": (built - imported) * 1000,
            "modules": sorted({name.partition(".")[0] for name in sys.modules}),
        }
    )
)
