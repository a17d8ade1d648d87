"""Fixtures shared by every suite: an embedded DynamoDB/SQS spoken to over the wire."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "sbemail")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "SBEmail")


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's server on a free loopback port: DynamoDB and SQS spoken over HTTP."""
    from sbemail.local.embedded import start_moto

    server, endpoint = start_moto()
    yield endpoint
    server.stop()


@pytest.fixture
def fresh_table(moto_endpoint: str):
    """A new, empty service table (schema from template.yaml) on the moto server."""
    import uuid

    import boto3

    from sbemail.local.embedded import provision
    from sbemail.storage import Table

    from support import ROOT

    name = f"t-{uuid.uuid4().hex[:10]}"
    provision(moto_endpoint, ROOT / "template.yaml", table_name=name, queue_name=f"q-{name}")
    client = boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="us-east-1")
    return Table(client, name)


class ManualClock:
    """Time that moves only when a test says so."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()
