"""What the API function's cold start loads: only what its routes answer with.

The cold-start benchmark prints the time; these tests pin the reasons it is short, so
a later import cannot quietly bring the cost back: the OpenAPI document's models
(Powertools' and our answer models) load with the document, tenacity with the first
batch send, and the OpenAI SDK never.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from sbemail.api import contract
from sbemail.api.responses import answer

from samples import ROOT

DEFERRED = (
    "aws_lambda_powertools.event_handler.openapi.models",
    "sbemail.api.answers",
    "sbemail.api.answers_batches",
    "tenacity",
    "openai",
)


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after importing the API handler and ``code``."""
    handler = str(ROOT / "functions/api/app.py")
    script = (
        "import importlib.util, json, sys\n"
        f"spec = importlib.util.spec_from_file_location('app', {handler!r})\n"
        "app = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(app)\n"
        f"{code}\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "TABLE_NAME": "t", "QUEUE_URL": "q"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_api_handler_loads_no_document_model_no_retry_library_and_no_openai() -> None:
    loaded = _modules_after("")
    assert "aws_lambda_powertools.event_handler" in loaded  # the handler did load
    assert not set(DEFERRED) & loaded


def test_the_document_loads_the_models_it_describes() -> None:
    loaded = _modules_after("from sbemail.api.contract import document; document(app.app)")
    assert set(DEFERRED[:3]) <= loaded


def test_a_route_naming_an_answer_model_that_does_not_exist_fails_the_document() -> None:
    app = APIGatewayHttpResolver(enable_validation=True)

    @app.get(
        "/typo", **contract.operation("Typo", "t", {200: answer("x", "Helth")}, operation_id="t")
    )
    def typo() -> dict[str, str]:
        return {}

    with pytest.raises(LookupError, match="Helth"):
        contract.document(app)
