"""Whatever breaks behind the API, callers get JSON errors, never a stack trace."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from sbemail.api.resolver import allowed_methods, map_errors
from sbemail.local.gateway_events import http_api_event
from sbemail.local.runtime import LocalContext

from samples import ROOT, sample_body

_SCRIPT = """
import base64, importlib.util, json, sys
from sbemail.local.gateway_events import http_api_event
from sbemail.local.runtime import LocalContext
spec = importlib.util.spec_from_file_location("api_app", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
for method, path, body in json.loads(sys.argv[2]):
    data = base64.b64decode(body)
    headers = {"prefer": "wait=0", "content-type": "application/json"}
    event = http_api_event(method, path, headers, data, "127.0.0.1")
    reply = module.lambda_handler(event, LocalContext("api"))
    headers = reply.get("headers") or {}
    print(json.dumps({"status": reply["statusCode"], "body": reply["body"], "headers": headers}))
"""


def run_api(calls: list[tuple[str, str, str | bytes]]) -> list[dict]:
    """Each call through the real handler, in a fresh process whose storage is down."""
    encoded = [
        (
            method,
            path,
            base64.b64encode(body if isinstance(body, bytes) else body.encode()).decode(),
        )
        for method, path, body in calls
    ]
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
            json.dumps(encoded),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    return [line for line in lines if set(line) == {"status", "body", "headers"}]  # no logs


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


def test_hostile_bodies_are_400s_before_storage_is_touched() -> None:
    deep = b"[" * 10_000 + b"]" * 10_000
    utf16 = json.dumps(sample_body("cedar")).encode("utf-16")
    latin1 = '{"emailType": "Promoción"}'.encode("latin-1")
    replies = run_api([("POST", "/api/email/generate", b) for b in (deep, utf16, latin1)])
    for reply, words in zip(
        replies, ("nested deeper", "not UTF-16", "not valid UTF-8"), strict=True
    ):
        assert reply["status"] == 400, reply
        error = json.loads(reply["body"])["error"]
        assert error["code"] == "invalid_json" and words in error["message"]


def test_other_methods_on_the_generate_routes_are_405s_with_allow() -> None:
    calls: list[tuple[str, str, str | bytes]] = [
        (method, path, "")
        for path in ("/api/email/generate", "/api/generate-emails")
        for method in ("GET", "PUT")
    ]
    calls.append(("POST", "/health", ""))
    replies = run_api(calls)
    for reply in replies[:-1]:
        assert reply["status"] == 405 and reply["headers"]["Allow"] == "POST"
        assert json.loads(reply["body"])["error"]["code"] == "method_not_allowed"
    assert replies[-1]["status"] == 405 and replies[-1]["headers"]["Allow"] == "GET"


def _small_app() -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver()
    map_errors(app, _QuietLogger())

    @app.post("/things")
    def create() -> dict[str, Any]:
        return {}

    @app.get("/things/<thing_id>")
    @app.delete("/things/<thing_id>")
    def read(thing_id: str) -> dict[str, Any]:
        return {"id": thing_id}

    return app


class _QuietLogger:
    def exception(self, *args: object) -> None:
        pass


def test_allowed_methods_lists_every_method_of_a_path() -> None:
    app = _small_app()
    assert allowed_methods(app, "/things") == ["POST"]
    assert allowed_methods(app, "/things/42") == ["DELETE", "GET"]
    assert allowed_methods(app, "/nothing") == []


def test_the_405_is_decided_in_the_not_found_handler() -> None:
    app = _small_app()

    def resolve(method: str, path: str) -> dict[str, Any]:
        event = http_api_event(method, path, {}, b"", "127.0.0.1")
        return app.resolve(event, LocalContext("api"))

    reply = resolve("PATCH", "/things/42")
    assert reply["statusCode"] == 405 and reply["headers"]["Allow"] == "DELETE, GET"
    error = json.loads(reply["body"])["error"]
    assert error == {
        "code": "method_not_allowed",
        "message": "PATCH is not allowed here; use DELETE, GET",
    }
    assert resolve("GET", "/things/42")["statusCode"] == 200
    assert resolve("GET", "/elsewhere")["statusCode"] == 404


def test_a_body_not_declared_as_json_is_a_415() -> None:
    """A web page can POST text/plain cross-site without a preflight; JSON needs one."""
    from sbemail.api import BodyError, require_json

    for allowed in ("application/json", "application/json; charset=utf-8", "application/x+json"):
        require_json(allowed)
    for refused in (None, "", "text/plain", "application/x-www-form-urlencoded", "multipart/x"):
        try:
            require_json(refused)
        except BodyError as error:
            assert error.status == 415
        else:
            raise AssertionError(f"{refused!r} was accepted")
