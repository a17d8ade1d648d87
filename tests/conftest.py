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
