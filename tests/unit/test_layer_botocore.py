"""The layer keeps botocore's models of the AWS services we call, and only those.

``layers/core/trim_botocore.py`` drops the others at build time (cold starts); these
tests check that every client the code creates is still buildable from a trimmed
botocore, and that the code asks for no service the layer would lack.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import botocore

from samples import ROOT

PACKAGE = ROOT / "layers/core/sbemail"


def _trimmer() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "trim_botocore", ROOT / "layers/core/trim_botocore.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _services_the_code_calls() -> set[str]:
    """AWS services named by the package: its clients, and Powertools' parameters."""
    called: set[str] = set()
    for source in PACKAGE.rglob("*.py"):
        if {"local", "cli"} & set(source.relative_to(PACKAGE).parts):
            continue  # not shipped in the layer
        text = source.read_text()
        called |= set(re.findall(r"create_client\(\s*\"([\w-]+)\"", text))
        if "parameters.get_parameter" in text or "SSMProvider" in text:
            called.add("ssm")
        if "parameters.get_secret" in text or "SecretsProvider" in text:
            called.add("secretsmanager")
    return called


def test_the_layer_keeps_every_service_the_code_calls() -> None:
    called = _services_the_code_calls()
    assert {"dynamodb", "sqs", "ssm", "secretsmanager"} <= called  # the search finds them
    assert called <= _trimmer().SERVICES


def test_a_trimmed_botocore_builds_our_clients_and_no_others(tmp_path: Path) -> None:
    trimmer = _trimmer()
    source = Path(botocore.__file__).parent
    kept = trimmer.SERVICES | {"s3", "lambda"}  # two more, for the trim to remove

    def skipped(folder: str, names: list[str]) -> list[str]:
        if Path(folder) != source / "data":
            return [name for name in names if name == "__pycache__"]
        return [n for n in names if (source / "data" / n).is_dir() and n not in kept]

    layer = tmp_path / "python"
    shutil.copytree(source, layer / "botocore", ignore=skipped)
    trimmer.trim(layer)

    data = layer / "botocore/data"
    assert {path.name for path in data.iterdir() if path.is_dir()} == trimmer.SERVICES
    endpoints = json.loads((data / "endpoints.json").read_text())
    listed = set(endpoints["partitions"][0]["services"])
    assert {"dynamodb", "sqs", "ssm", "secretsmanager", "sts"} <= listed
    assert not {"s3", "lambda", "ec2"} & listed
    # a fresh interpreter with the trimmed botocore builds each client as before
    code = (
        "import json, botocore.session\n"
        "from botocore.exceptions import UnknownServiceError\n"
        "session = botocore.session.get_session()\n"
        "hosts = {name: session.create_client(name, region_name='eu-west-1',"
        " aws_access_key_id='a', aws_secret_access_key='b').meta.endpoint_url"
        " for name in ('dynamodb', 'sqs', 'ssm', 'secretsmanager', 'sts')}\n"
        "try:\n"
        "    session.create_client('s3', region_name='eu-west-1')\n"
        "except UnknownServiceError:\n"
        "    hosts['s3'] = None\n"
        f"assert botocore.__file__.startswith({str(layer)!r})\n"
        "print(json.dumps(hosts))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        # the layer first: its botocore shadows this venv's (whose other packages it uses)
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(layer)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    hosts = json.loads(done.stdout)
    assert hosts == {
        "dynamodb": "https://dynamodb.eu-west-1.amazonaws.com",
        "sqs": "https://sqs.eu-west-1.amazonaws.com",
        "ssm": "https://ssm.eu-west-1.amazonaws.com",
        "secretsmanager": "https://secretsmanager.eu-west-1.amazonaws.com",
        "sts": "https://sts.eu-west-1.amazonaws.com",
        "s3": None,
    }
