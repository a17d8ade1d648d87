"""The copy pipeline against a model that behaves like a real one, through the service.

The fake OpenAI server writes some fields past their limits (10-40 % over), pads others
with whitespace, and answers 5 % of requests with 429; jobs run through the generate
use case with DynamoDB over the wire. Every variant must still be delivered: overruns
are repaired or corrected, never fatal. Prompt caching is judged by the fake's own
accounting (1,024 identical leading tokens per ``prompt_cache_key``, then 128-token
steps), from the requests the service really sent.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sbemail.api import failure_body
from sbemail.service import GenerationService, JobRunner
from sbemail.storage import DynamoDBJobStore, Job, JobStatus, Table

from fakes.content import API_KEY, pooled_model
from fakes.openai_server import Behaviour, FakeOpenAI, common_prefix
from fakes.pipeline import JOBS, LIBRARY, SAMPLES, NoQueue, Report, run_jobs
from samples import sample_body


@pytest.fixture(params=["responses", "chat"])
def style(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def realistic(overrun: float) -> Behaviour:
    return Behaviour(
        api_key=API_KEY,
        rates={"429": 0.05},
        overrun_share=overrun,
        whitespace_noise=0.10,
    )


@pytest.fixture
def served() -> Iterator[dict[float, FakeOpenAI]]:
    servers: dict[float, FakeOpenAI] = {}
    yield servers
    for server in servers.values():
        server.stop()


def _run(style: str, overrun: float, table: Table, servers: dict[float, FakeOpenAI]) -> Report:
    fake = FakeOpenAI(realistic(overrun))
    fake.start()
    servers[overrun] = fake
    return run_jobs(pooled_model(fake, style), table)


def test_at_ten_percent_overrun_every_variant_arrives_with_few_corrections(
    style: str, fresh_table: Table, served: dict[float, FakeOpenAI]
) -> None:
    obedient = _run(style, 0.0, fresh_table, served)
    report = _run(style, 0.10, fresh_table, served)
    print(f"\n[{style}] 10% overrun: {report}\n[{style}] obedient: {obedient}")
    assert report.failed_jobs == 0, report.errors
    assert report.delivered == report.variants == JOBS * 3, report.errors
    assert report.corrections <= 0.15 * report.variants
    assert report.repaired > 0  # the overruns were there, and were repaired
    per_email = (report.input_tokens + report.output_tokens) / report.variants
    baseline = (obedient.input_tokens + obedient.output_tokens) / obedient.variants
    assert per_email <= 1.2 * baseline


def test_at_thirty_percent_overrun_no_job_fails(
    style: str, fresh_table: Table, served: dict[float, FakeOpenAI]
) -> None:
    report = _run(style, 0.30, fresh_table, served)
    print(f"\n[{style}] 30% overrun: {report}")
    assert report.failed_jobs == 0, report.errors
    assert report.delivered == report.variants == JOBS * 3, report.errors


def test_every_call_after_a_brands_first_shares_a_cacheable_prefix(
    fresh_table: Table, served: dict[float, FakeOpenAI]
) -> None:
    """Variants of one job, and a brand's next job with another brief, share at least
    1,024 leading tokens (o200k, as the API reads them) with an earlier call, so OpenAI
    can serve them from its prompt cache. Concurrent first calls of a brand may still
    miss the cache (they are in flight together), as they would with the real API."""
    report = _run("responses", 0.0, fresh_table, served)
    fake = served[0.0]
    earlier: dict[str, list[list[int]]] = {}
    first_calls = 0
    for recorded in fake.requests:
        key = str(recorded.body.get("prompt_cache_key"))
        ids = fake.prompt_ids(recorded.path, recorded.body)
        seen = earlier.setdefault(key, [])
        if not seen:
            first_calls += 1
        else:
            assert max(common_prefix(ids, other) for other in seen) >= 1024
        seen.append(ids)
    assert first_calls == len(SAMPLES)  # one key per brand and type
    assert report.cached_tokens / report.input_tokens > 0.5  # as billed


# -- honest cost ------------------------------------------------------------------------


def _one_job(
    fake: FakeOpenAI, table: Table, model: str = "gpt-4.1-mini"
) -> tuple[GenerationService, Job]:
    content = pooled_model(fake, model=model)
    store = DynamoDBJobStore(table, ttl_seconds=300)
    service = GenerationService(LIBRARY, content, store, NoQueue())
    job_id = service.submit(sample_body("northwind")).job_id
    assert job_id is not None
    JobRunner(LIBRARY, content, store, concurrency=1).run(job_id)
    return service, service.status(job_id)


def test_a_failed_job_still_reports_what_its_calls_cost(fresh_table: Table) -> None:
    with FakeOpenAI.running(Behaviour(api_key=API_KEY)) as fake:
        fake.plan(*["violating"] * 6)  # every variant unusable twice: the job fails
        _, job = _one_job(fake, fresh_table)
    assert job.status is JobStatus.FAILED
    body = failure_body(job)["error"]
    assert body["code"] == "generation_failed" and len(body["details"]) == 3
    assert body["usage"]["inputTokens"] > 0 and body["usage"]["outputTokens"] > 0
    assert body["costsUSD"]["priced"] is True and body["costsUSD"]["total"] > 0


def test_an_unknown_model_is_reported_unpriced_never_free(fresh_table: Table) -> None:
    with FakeOpenAI.running(Behaviour(api_key=API_KEY)) as fake:
        service, job = _one_job(fake, fresh_table, model="gpt-9-preview")
    result = service.result(job)
    assert result["costsUSD"] == {"total": None, "priced": False}
    assert all(email["costUSD"] is None for email in result["emails"])
    assert any("no price" in warning for warning in result["warnings"])
    assert result["usage"]["inputTokens"] > 0
