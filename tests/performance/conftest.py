"""Benchmarks share one record of their figures, written out when ``make bench`` asks."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from performance.results import RESULTS, Results

_STARTED = time.monotonic()


@pytest.fixture
def results() -> Iterator[Results]:
    yield RESULTS


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = os.environ.get("SBEMAIL_BENCH_RESULTS")
    if target and (RESULTS.sections or RESULTS.tables):
        RESULTS.write(Path(target), _STARTED)
