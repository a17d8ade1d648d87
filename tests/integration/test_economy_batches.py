"""Economy batches through OpenAI's Batch API (the fake's files and batches), over a
wire DynamoDB: half the price of the same work run live, expired work finished live."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from sbemail.content import PooledContentModel, PriceTable, Usage
from sbemail.service import (
    BatchService,
    EconomyService,
    GenerationService,
    JobRunner,
)
from sbemail.storage import DynamoDBBatchStore, DynamoDBJobStore, DynamoDBResponseCache, Table

from fakes.batching import LIBRARY, batch_rig, brief
from fakes.content import API_KEY, pooled_model
from fakes.openai_batches import FakeBatches
from fakes.openai_server import Behaviour, FakeOpenAI
from fakes.queues import RecordingQueue

PRICES = PriceTable()


@dataclass
class EconomyRig:
    fake: FakeOpenAI
    provider: FakeBatches
    content: PooledContentModel
    generation: GenerationService
    runner: JobRunner
    batches: BatchService
    economy: EconomyService
    queue: RecordingQueue


def rig_for(
    table: Table, clock: Any, fake: FakeOpenAI, cache: bool = True, **batch_knobs: Any
) -> EconomyRig:
    content = pooled_model(fake)
    store = DynamoDBJobStore(table, ttl_seconds=300, clock=clock)
    queue = RecordingQueue()
    response_cache = DynamoDBResponseCache(table, 600, 300, 500, clock=clock) if cache else None
    generation = GenerationService(
        LIBRARY, content, store, queue, cache=response_cache, clock=clock, sleep=lambda _: None
    )
    # one variant at a time: calls in a fixed order, so the same usage
    runner = JobRunner(LIBRARY, content, store, cache=response_cache, concurrency=1, clock=clock)
    batch_store = DynamoDBBatchStore(table, 3600, clock)
    economy = EconomyService(runner, batch_store, content, clock=clock)
    batches = BatchService(generation, batch_store, queue, clock, economy=lambda: economy.available)
    return EconomyRig(
        fake, FakeBatches(fake, **batch_knobs), content, generation, runner, batches, economy, queue
    )


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI.running(Behaviour(api_key=API_KEY)) as server:
        yield server


def economy_body(count: int, variants: int = 1) -> dict[str, Any]:
    return {
        "storeId": "cedar-ash",
        "mode": "economy",
        "requests": [{**brief(n), "variants": variants} for n in range(count)],
    }


def results(rig: EconomyRig, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    documents = []
    for item in items:
        job = rig.generation.status(item["jobId"], "cedar-ash")
        assert job.status.value == "completed", job.error
        documents.append(rig.generation.result(job))
    return documents


def test_an_economy_batch_costs_half_of_the_same_work_run_live(fresh_table: Table, clock) -> None:
    with FakeOpenAI.running(Behaviour(api_key=API_KEY)) as server:
        rig = rig_for(fresh_table, clock, server)
        submitted = rig.batches.submit(economy_body(20, variants=2))
        assert submitted.batch.mode == "economy" and rig.queue.sent == []  # nothing on SQS
        items = submitted.batch.items
        assert len({item["jobId"] for item in items}) == 20

        assert rig.economy.poll()["submitted"] == 1
        (provider_id,) = rig.provider.batches
        lines = rig.provider.input_lines(provider_id)
        assert len(lines) == 40 and {line["url"] for line in lines} == {"/v1/responses"}
        assert (
            rig.provider.files[rig.provider.batches[provider_id]["input_file_id"]]["purpose"]
            == "batch"
        )
        assert server.requests == []  # nothing has run yet: the batch runs on OpenAI's side

        report = rig.economy.poll()
        assert (report["ended"], report["answered"], report.get("live", 0)) == (1, 40, 0)
        assert rig.provider.live_calls() == 0
        economy = results(rig, items)
        _, progress = rig.batches.status(rig.batches.get(submitted.batch.id, "cedar-ash"))
        assert progress == {"done": 20, "failed": 0, "total": 20}
        assert rig.economy.poll() == {"latencies": []}  # nothing left open

    # the same twenty requests, live, against a fresh server (its own prompt cache)
    with FakeOpenAI.running(Behaviour(api_key=API_KEY)) as server:
        live = rig_for(fresh_table, clock, server, cache=False)  # not the economy results
        documents = []
        for number in range(20):
            job_id = live.generation.submit({**brief(number), "variants": 2}).job_id or ""
            live.runner.run(job_id)
            documents.append(live.generation.result(live.generation.status(job_id)))
        assert live.provider.live_calls() == 40

    for cheap, full in zip(economy, documents, strict=True):
        assert cheap["usage"] == full["usage"]  # the same tokens, at half the price
        for economy_email, live_email in zip(cheap["emails"], full["emails"], strict=True):
            assert economy_email["costUSD"] == pytest.approx(live_email["costUSD"] / 2)
        assert cheap["costsUSD"]["total"] == pytest.approx(full["costsUSD"]["total"] / 2, abs=1e-6)
    economy_total = sum(e["costUSD"] for d in economy for e in d["emails"])
    live_total = sum(e["costUSD"] for d in documents for e in d["emails"])
    assert live_total > 0 and economy_total == pytest.approx(live_total / 2)
    print(f"\n20 requests x 2 variants: live ${live_total:.6f}, economy ${economy_total:.6f}")


def test_an_expired_batch_finishes_its_unanswered_work_live(
    fresh_table: Table, clock, fake: FakeOpenAI
) -> None:
    rig = rig_for(fresh_table, clock, fake, expire_after=7)
    items = rig.batches.submit(economy_body(10, variants=2)).batch.items
    rig.economy.poll()
    report = rig.economy.poll()
    assert (report["answered"], report["live"], report["failedRequests"]) == (7, 13, 13)
    assert rig.provider.live_calls() == 13
    (provider_id,) = rig.provider.batches
    assert rig.provider.batches[provider_id]["status"] == "expired"
    answered = {line["custom_id"] for line in rig.provider.input_lines(provider_id)[:7]}
    for item, document in zip(items, results(rig, items), strict=True):
        for email in document["emails"]:
            batched = f"{item['jobId']}:{email['index']}" in answered
            usage = Usage.from_dict(email["usage"])
            assert email["costUSD"] == PRICES.cost("gpt-4.1-mini", usage, batch=batched)
            assert email["html"].startswith("<!doctype html")


def test_a_failed_request_in_a_batch_is_written_live(
    fresh_table: Table, clock, fake: FakeOpenAI
) -> None:
    rig = rig_for(fresh_table, clock, fake, fail_lines=frozenset({3}))
    items = rig.batches.submit(economy_body(5)).batch.items
    rig.economy.poll()
    report = rig.economy.poll()
    assert (report["answered"], report["live"], report["failedRequests"]) == (4, 1, 1)
    assert rig.provider.live_calls() == 1
    third = results(rig, items)[3]["emails"][0]
    assert third["costUSD"] == PRICES.cost("gpt-4.1-mini", Usage.from_dict(third["usage"]))


def test_economy_jobs_wait_for_their_batch_past_the_job_ttl(
    fresh_table: Table, clock, fake: FakeOpenAI
) -> None:
    rig = rig_for(fresh_table, clock, fake, hold=True)
    submitted = rig.batches.submit(economy_body(3))
    rig.economy.poll()
    clock.now += 6 * 3600  # hours, not the five minutes of an ordinary job
    assert rig.economy.poll().get("ended", 0) == 0  # still in progress at OpenAI
    statuses, progress = rig.batches.status(rig.batches.get(submitted.batch.id, "cedar-ash"))
    assert [s["status"] for s in statuses] == ["queued"] * 3 and progress["done"] == 0
    rig.provider.release()
    report = rig.economy.poll()
    assert report["ended"] == 1 and report["latencies"][0] >= 6 * 3600
    assert len(results(rig, submitted.batch.items)) == 3


def test_an_identical_request_joins_the_economy_job_for_as_long_as_it_waits(
    fresh_table: Table, clock, fake: FakeOpenAI
) -> None:
    rig = rig_for(fresh_table, clock, fake, hold=True)
    items = rig.batches.submit(economy_body(2)).batch.items
    rig.economy.poll()  # submitted: the provider batch holds it for hours
    clock.now += 2 * 3600  # far past an ordinary claim's five minutes
    jobs_before = rig.generation.jobs([item["jobId"] for item in items])
    same = rig.generation.submit({**brief(0), "variants": 1})
    assert same.coalesced and same.job_id == items[0]["jobId"]
    assert rig.queue.sent == [] and rig.provider.live_calls() == 0  # nothing generated
    assert rig.generation.jobs([item["jobId"] for item in items]).keys() == jobs_before.keys()
    rig.provider.release()
    assert rig.economy.poll()["ended"] == 1
    served = rig.generation.submit({**brief(0), "variants": 1})
    assert served.result is not None and served.result["cache"] == "hit"
    assert rig.queue.sent == [] and rig.provider.live_calls() == 0


def test_an_economy_job_run_live_leaves_a_cache_entry_or_a_free_key(
    fresh_table: Table, clock, fake: FakeOpenAI
) -> None:
    rig = rig_for(fresh_table, clock, fake, expire_after=0)  # the batch answers nothing
    items = rig.batches.submit(economy_body(2)).batch.items
    rig.economy.poll()
    fake.behaviour.rules["Letter number 0."] = "400"  # item 0's live run is refused
    clock.now += 3600
    report = rig.economy.poll()
    assert (report["ended"], report["answered"], report["live"]) == (1, 0, 2)
    failed = rig.generation.status(items[0]["jobId"], "cedar-ash")
    assert failed.status.value == "failed"
    fake.behaviour.rules.clear()
    calls = rig.provider.live_calls()
    served = rig.generation.submit({**brief(1), "variants": 1})  # item 1 was written live
    assert served.result is not None and served.result["cache"] == "hit"
    retried = rig.generation.submit({**brief(0), "variants": 1})  # not held for a day
    assert not retried.coalesced and retried.job_id not in (None, items[0]["jobId"])
    assert rig.queue.sent == [retried.job_id] and rig.provider.live_calls() == calls


def test_economy_falls_back_to_standard_without_the_responses_api(
    fresh_table: Table, clock
) -> None:
    queue = RecordingQueue()
    rig = batch_rig(fresh_table, clock, queue)  # the offline writer
    submitted = rig.batches.submit(economy_body(2))
    assert submitted.batch.mode == "standard"
    assert "economy mode needs" in submitted.batch.state["warnings"][0]
    assert queue.sent == [item["jobId"] for item in submitted.batch.items]
