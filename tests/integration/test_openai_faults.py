"""Acceptance under injected faults: 100 jobs of 3 variants through the pooled provider.

Timeouts and backoff are made small here through the policy (production defaults are
untouched); the retry loop's sleeps are recorded, not slept. Fault draws depend only
on each request's body and how often it was seen, so the run is reproducible.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from sbemail.content import (
    ContentError,
    ContentRejectedError,
    ContentUnavailableError,
    PooledContentModel,
    WrittenCopy,
)
from sbemail.domain import VariantBrief, validate_copy

from fakes.briefs import briefs_for, sample
from fakes.content import API_KEY, RecordedSleeps, fast_policy, pooled_model
from fakes.openai_server import Behaviour, FakeOpenAI

JOBS = 100
VARIANTS = 3
MAX_ATTEMPTS = 5


@dataclass
class Outcome:
    job: int
    brief: VariantBrief
    copy: WrittenCopy | None = None
    error: ContentError | None = None


def jobs() -> list[list[VariantBrief]]:
    """100 distinct jobs over the three sample brands (distinct briefs, so distinct bodies)."""
    names = ("northwind", "cedar", "pixelpet")
    return [
        briefs_for(
            sample(names[n % 3]),
            variants=VARIANTS,
            userContext=f"{sample(names[n % 3])['userContext']} (campaign {n})",
        )
        for n in range(JOBS)
    ]


def run_jobs(model: PooledContentModel) -> list[list[Outcome]]:
    """Every variant of every job, written from many threads at once, as workers would."""
    work = [Outcome(job, brief) for job, briefs in enumerate(jobs()) for brief in briefs]

    def write(outcome: Outcome) -> Outcome:
        try:
            outcome.copy = model.write(outcome.brief)
        except ContentError as error:  # recorded per variant; the job still completes
            outcome.error = error
        return outcome

    with ThreadPoolExecutor(max_workers=24) as executor:
        done = list(executor.map(write, work))
    return [[o for o in done if o.job == job] for job in range(JOBS)]


def attempts_per_call(fake: FakeOpenAI) -> Counter[str]:
    """Requests per distinct body: a retried call resends the very same body."""
    return Counter(json.dumps(r.body, sort_keys=True) for r in fake.requests)


@pytest.fixture
def flaky_openai() -> Iterator[FakeOpenAI]:
    behaviour = Behaviour(
        api_key=API_KEY,
        rates={"429": 0.30, "500": 0.10, "hang": 0.05},
        retry_after="1",
        hang_seconds=3.0,
        seed=2026,
    )
    with FakeOpenAI.running(behaviour) as server:
        yield server


def test_100_jobs_complete_under_429s_500s_and_hangs(flaky_openai: FakeOpenAI) -> None:
    sleeps = RecordedSleeps()
    model = pooled_model(flaky_openai, sleeps=sleeps, policy=fast_policy(attempt_timeout=1.0))
    results = run_jobs(model)

    # Every job completes: each of its variants is either written or failed with a reason.
    assert len(results) == JOBS
    assert all(len(job) == VARIANTS for job in results)
    outcomes = [o for job in results for o in job]
    assert all((o.copy is None) != (o.error is None) for o in outcomes)

    # No call is ever attempted more than five times (seen by the server and by us).
    per_call = attempts_per_call(flaky_openai)
    assert max(per_call.values()) <= MAX_ATTEMPTS
    assert all(o.copy.attempts <= MAX_ATTEMPTS for o in outcomes if o.copy)

    # The faults did happen, and were retried: Retry-After honoured for the 429s.
    faults = flaky_openai.faults()
    assert faults["429"] > 0 and faults["500"] > 0 and faults["hang"] > 0
    figures = [o.copy or o.error for o in outcomes]
    attempts = sum(f.attempts for f in figures)  # type: ignore[union-attr]
    retries = sum(f.retries for f in figures)  # type: ignore[union-attr]
    assert retries == attempts - len(outcomes)  # every retry counted
    # Every request the server saw was an attempt we counted (a retry after a dropped
    # keep-alive connection may never reach it).
    assert attempts >= len(flaky_openai.requests)
    assert sleeps.calls.count(1.0) >= faults["429"] - sum(1 for o in outcomes if o.error)

    written = [o for o in outcomes if o.copy]
    failed = [o for o in outcomes if o.error]
    for o in written:
        assert validate_copy(o.brief, o.copy.values)[1] == []  # type: ignore[union-attr]
    # A variant fails only when all five attempts hit a fault (0.45^5 ≈ 1.8 % a call),
    # and then says so; the rest of its job is unaffected.
    for o in failed:
        assert isinstance(o.error, ContentUnavailableError)
        assert o.error.attempts == MAX_ATTEMPTS
        assert "after 5 attempt(s)" in str(o.error)
    assert len(written) >= 0.95 * len(outcomes)
    assert model.pool_stats()["activeThreads"] == 0
    assert model.totals() == {
        "written": len(written),
        "failures": len(failed),
        "attempts": attempts,
        "retries": retries,
        "corrections": 0,
    }
    print(
        f"\n{JOBS} jobs x {VARIANTS} variants: {len(written)} written, {len(failed)} failed "
        f"after {MAX_ATTEMPTS} attempts; {len(flaky_openai.requests)} requests, "
        f"faults {dict(faults)}, max attempts per call {max(per_call.values())}"
    )


def test_400s_are_attempted_exactly_once(flaky_openai: FakeOpenAI) -> None:
    flaky_openai.behaviour.rates = {"400": 1.0}
    # No hangs here: a generous attempt timeout, so a slow machine cannot add attempts.
    model = pooled_model(flaky_openai, policy=fast_policy(attempt_timeout=10.0))
    results = run_jobs(model)

    outcomes = [o for job in results for o in job]
    assert len(outcomes) == JOBS * VARIANTS
    assert all(isinstance(o.error, ContentRejectedError) for o in outcomes)
    assert all(o.error.attempts == 1 and o.error.retries == 0 for o in outcomes if o.error)
    assert set(attempts_per_call(flaky_openai).values()) == {1}
    assert len(flaky_openai.requests) == JOBS * VARIANTS
