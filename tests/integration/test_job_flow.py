"""The generate use case over a real (wire) DynamoDB: jobs, resume after crash, cache."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from sbemail.content import OfflineContentModel
from sbemail.domain import BlockLibrary, VariantBrief
from sbemail.service import GenerationService, JobRunner, JobUnavailableError
from sbemail.storage import DynamoDBJobStore, DynamoDBResponseCache, JobStatus, Table

from fakes.queues import RecordingQueue
from samples import ROOT, sample_body

LIBRARY = BlockLibrary.load(ROOT / "blocks")


class CountingContent(OfflineContentModel):
    """The offline writer, counting calls; can simulate the container dying mid-job."""

    def __init__(self, die_on_call: int | None = None) -> None:
        self.calls: Counter[int] = Counter()
        self._die_on_call = die_on_call

    def write(self, brief: VariantBrief):  # type: ignore[no-untyped-def]
        self.calls[brief.variant_index] += 1
        if self._die_on_call is not None and sum(self.calls.values()) >= self._die_on_call:
            raise SystemError("container killed")  # not a ContentError: the attempt dies
        return super().write(brief)


def make_service(
    table: Table,
    clock: Any,
    content: OfflineContentModel,
    with_cache: bool = True,
    concurrency: int = 10,
    cache_table: Table | None = None,
) -> tuple[GenerationService, JobRunner, DynamoDBJobStore, RecordingQueue]:
    store = DynamoDBJobStore(table, ttl_seconds=300, clock=clock)
    cache = (
        DynamoDBResponseCache(cache_table or table, 600, 300, 500, clock=clock)
        if with_cache
        else None
    )
    queue = RecordingQueue()
    service = GenerationService(
        LIBRARY,
        content,
        store,
        queue,
        cache=cache,
        clock=clock,
        sleep=lambda _: None,
    )
    runner = JobRunner(LIBRARY, content, store, cache=cache, concurrency=concurrency, clock=clock)
    return service, runner, store, queue


def test_a_crashed_attempt_resumes_with_every_variant_once(fresh_table: Table, clock) -> None:
    crashing = CountingContent(die_on_call=2)
    # one variant at a time, so the crash lands after exactly one variant was stored
    service, runner, store, _ = make_service(fresh_table, clock, crashing, concurrency=1)
    job_id = service.submit(sample_body("northwind")).job_id
    assert job_id is not None
    with pytest.raises(SystemError):
        runner.run(job_id)
    partial = store.get(job_id)
    assert partial is not None and partial.status is JobStatus.RUNNING and partial.done == 1

    healthy = CountingContent()
    redelivered, rerun, _, _ = make_service(fresh_table, clock, healthy)
    rerun.run(job_id)
    done = store.get(job_id)
    assert done is not None and done.status is JobStatus.COMPLETED and done.done == 3
    assert sorted(healthy.calls) == [1, 2]  # variant 0 was not generated again
    emails = redelivered.result(done)["emails"]
    assert [email["index"] for email in emails] == [0, 1, 2]

    rerun.run(job_id)  # a late duplicate delivery is a no-op
    assert sum(healthy.calls.values()) == 2


def test_identical_requests_share_one_generation(fresh_table: Table, clock) -> None:
    content = CountingContent()
    service, runner, _, queue = make_service(fresh_table, clock, content)
    first = service.submit(sample_body("cedar"))
    second = service.submit(sample_body("cedar"))
    assert second.coalesced and second.job_id == first.job_id
    assert len(queue.sent) == 1
    runner.run(queue.sent[0])
    third = service.submit(sample_body("cedar"))
    assert third.result is not None and third.result["cache"] == "hit"
    assert third.result["emails"] == service.result(service.status(first.job_id or ""))["emails"]
    assert sum(content.calls.values()) == 3  # one job of three variants, once


def test_a_job_past_its_ttl_is_unavailable(fresh_table: Table, clock) -> None:
    service, _, _, _ = make_service(fresh_table, clock, CountingContent(), with_cache=False)
    job_id = service.submit(sample_body("pixelpet")).job_id or ""
    clock.now += 301
    with pytest.raises(JobUnavailableError):
        service.status(job_id)


def test_a_job_is_only_readable_within_its_store(fresh_table: Table, clock) -> None:
    service, _, _, _ = make_service(fresh_table, clock, CountingContent(), with_cache=False)
    job_id = service.submit(sample_body("pixelpet")).job_id or ""
    assert service.status(job_id, "pixelpet").id == job_id
    with pytest.raises(JobUnavailableError):
        service.status(job_id, "someone-else")


def test_abandoning_marks_the_job_failed_and_frees_the_cache_key(fresh_table: Table, clock) -> None:
    service, runner, store, _ = make_service(fresh_table, clock, CountingContent())
    first = service.submit(sample_body("cedar")).job_id or ""
    runner.abandon(first, "RuntimeError: model unreachable")
    failed = store.get(first)
    assert failed is not None and failed.status is JobStatus.FAILED
    assert failed.error is not None
    assert (failed.error["code"], failed.error["message"]) == (
        "generation_failed",
        "RuntimeError: model unreachable",
    )
    assert failed.error["usage"] == {"inputTokens": 0, "outputTokens": 0, "cachedTokens": 0}
    retry = service.submit(sample_body("cedar"))
    assert retry.job_id != first and not retry.coalesced


def test_cache_failure_never_fails_the_request(fresh_table: Table, clock) -> None:
    broken = Table(fresh_table.client, "no-such-table")
    service, _, _, queue = make_service(fresh_table, clock, CountingContent(), cache_table=broken)
    submission = service.submit(sample_body("cedar"))
    assert submission.job_id in queue.sent


def test_spellings_of_one_theme_share_the_cache_but_unknown_names_do_not(
    fresh_table: Table, clock
) -> None:
    service, runner, _, queue = make_service(fresh_table, clock, CountingContent())
    service.submit({**sample_body("northwind"), "designAesthetic": "bold_contrasting"})
    runner.run(queue.sent[-1])
    same = service.submit({**sample_body("northwind"), "designAesthetic": "Bold Contrasting"})
    assert same.result is not None and same.result["cache"] == "hit"
    service.submit({**sample_body("northwind"), "designAesthetic": "neon"})
    runner.run(queue.sent[-1])
    other = service.submit({**sample_body("northwind"), "designAesthetic": "chrome"})
    assert other.result is None and not other.coalesced  # its warning names "chrome"


def test_a_run_reports_what_it_did_for_the_workers_metrics(fresh_table: Table, clock) -> None:
    service, runner, _, _ = make_service(fresh_table, clock, CountingContent())
    job_id = service.submit(sample_body("cedar")).job_id
    assert job_id is not None
    done = runner.run(job_id)
    assert done["VariantsWritten"] == 3 and done["VariantsFailed"] == 0
    assert done["UnpricedVariants"] == 0  # the offline writer costs nothing, known
    assert runner.run(job_id)["VariantsWritten"] == 0  # a redelivery does nothing
