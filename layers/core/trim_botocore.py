"""Keep in the layer's botocore only the AWS services our functions call (build step).

botocore ships the models of every AWS service (~450 folders, 28 MB) and a 1.2 MB
``endpoints.json`` naming them all. Every cold start pays for that: creating the first
client lists every service folder (twice) and parses the whole endpoints file, ~75 ms of
CPU of the API function's init. Our functions only call the services named in
``SERVICES``; the layer keeps their folders and their entries in ``endpoints.json`` and
drops the rest, so a client of a kept service is built exactly as before.

Usage: ``python trim_botocore.py LAYER_PYTHON_DIR`` (a layer without botocore is left
as it is). Adding a client of another AWS service means adding it here; a unit test
checks the clients the code creates against this list.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

# What the functions call: the table and the queue; the API keys' SSM parameters and
# Secrets Manager secrets (Powertools parameters); and the credential providers'
# own services (STS, SSO, sign-in), so any credential chain keeps working.
SERVICES = frozenset(
    {"dynamodb", "sqs", "ssm", "secretsmanager", "sts", "sso", "sso-oidc", "signin"}
)


def _endpoint_prefix(service: Path) -> str:
    """The key of ``service`` in ``endpoints.json``: its model's ``endpointPrefix``."""
    versions = sorted(path for path in service.iterdir() if path.is_dir())
    for name in ("service-2.json.gz", "service-2.json"):
        model = versions[-1] / name
        if model.exists():
            raw = model.read_bytes()
            text = gzip.decompress(raw) if name.endswith(".gz") else raw
            return str(json.loads(text)["metadata"].get("endpointPrefix", service.name))
    return service.name


def trim(layer_python: Path, services: frozenset[str] = SERVICES) -> None:
    data = layer_python / "botocore" / "data"
    if not data.is_dir():
        return
    missing = services - {path.name for path in data.iterdir()}
    if missing:  # a botocore without one of ours: refuse rather than ship a broken layer
        raise SystemExit(f"botocore has no model for {sorted(missing)}")
    prefixes = set(services)
    for folder in data.iterdir():
        if not folder.is_dir():
            continue  # endpoints.json, partitions.json, _retry.json, defaults: all kept
        if folder.name in services:
            prefixes.add(_endpoint_prefix(folder))
        else:
            shutil.rmtree(folder)
    endpoints_file = data / "endpoints.json"
    endpoints = json.loads(endpoints_file.read_text())
    for partition in endpoints["partitions"]:
        partition["services"] = {
            name: entry for name, entry in partition["services"].items() if name in prefixes
        }
    endpoints_file.write_text(json.dumps(endpoints, indent=1))


if __name__ == "__main__":
    trim(Path(sys.argv[1]))
