"""Cold-start rules: the API function never imports the OpenAI SDK, even with a key."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from samples import ROOT

_SCRIPT = """
import importlib.util, json, sys
from sbemail.local.gateway_events import http_api_event
from sbemail.local.runtime import LocalContext
spec = importlib.util.spec_from_file_location("api_app", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
reply = module.lambda_handler(http_api_event("GET", "/health", {}, b"", "127.0.0.1"),
                              LocalContext("api"))
print(json.dumps({"status": reply["statusCode"], "openai": "openai" in sys.modules}))
"""


def test_api_handler_serves_without_importing_openai() -> None:
    env = {
        **os.environ,
        "OPENAI_API_KEY": "sk-test-not-used",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "TABLE_NAME": "unused",
    }
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(ROOT / "functions" / "api" / "app.py")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"status": 200, "openai": False}
