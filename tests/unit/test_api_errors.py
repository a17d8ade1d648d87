"""Whatever breaks behind the API, callers get JSON errors, never a stack trace."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from samples import ROOT, sample_body

_SCRIPT = """
import importlib.util, json, sys
from sbemail.local.server import http_api_event
from sbemail.local.runtime import LocalContext
spec = importlib.util.spec_from_file_location("api_app", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
for method, path, body in json.loads(sys.argv[2]):
    event = http_api_event(method, path, {"prefer": "wait=0"}, body.encode(), "127.0.0.1")
    reply = module.lambda_handler(event, LocalContext("api"))
    print(json.dumps({"status": reply["statusCode"], "body": reply["body"]}))
"""


def run_api(calls: list[tuple[str, str, str]]) -> list[dict]:
    env = {
        **os.environ,
        "POWERTOOLS_METRICS_DISABLED": "true",
        "TABLE_NAME": "t",
        "QUEUE_URL": "http://127.0.0.1:9/queue/q",
        "DYNAMODB_ENDPOINT": "http://127.0.0.1:9",  # nothing listens: storage is down
        "SQS_ENDPOINT": "http://127.0.0.1:9",
        "AWS_MAX_ATTEMPTS": "1",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _SCRIPT,
            str(ROOT / "functions" / "api" / "app.py"),
            json.dumps(calls),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    return [line for line in lines if set(line) == {"status", "body"}]  # not the JSON logs


def test_storage_outage_is_a_json_500_without_a_trace() -> None:
    body = json.dumps(sample_body("cedar"))
    [generate, job] = run_api(
        [("POST", "/api/email/generate", body), ("GET", "/api/email/jobs/x?storeId=s", "")]
    )
    for reply in (generate, job):
        assert reply["status"] == 500
        error = json.loads(reply["body"])["error"]
        assert error["code"] == "internal_error"
        assert "Traceback" not in reply["body"] and "botocore" not in reply["body"]


def test_unknown_routes_are_json_404s() -> None:
    [reply] = run_api([("GET", "/nope", "")])
    assert reply["status"] == 404
    assert json.loads(reply["body"])["error"]["code"] == "not_found"
