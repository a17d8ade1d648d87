"""Warming the cache with a batch's own requests (``batchId``), over a wire DynamoDB and
the real ``openai`` SDK against the fake server, which counts every model call."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from sbemail.service import (
    BatchError,
    BatchService,
    GenerationService,
    InvalidRequestError,
    JobRunner,
    WarmingService,
)
from sbemail.storage import (
    Batch,
    DynamoDBBatchStore,
    DynamoDBJobStore,
    DynamoDBResponseCache,
    Table,
)

from fakes.batching import LIBRARY, brief
from fakes.content import API_KEY, pooled_model
from fakes.openai_server import Behaviour, FakeOpenAI
from fakes.queues import RecordingQueue

STORE = "cedar-ash"


@dataclass
class WarmRig:
    fake: FakeOpenAI
    generation: GenerationService
    runner: JobRunner
    batches: BatchService
    warming: WarmingService
    queue: RecordingQueue

    def run_queued(self) -> int:
        """Run every queued job (as the worker would); how many there were."""
        jobs, self.queue.sent = self.queue.sent, []
        for job_id in jobs:
            self.runner.run(job_id)
        return len(jobs)

    @property
    def model_calls(self) -> int:
        return len(self.fake.requests)


@pytest.fixture
def rig(fresh_table: Table, clock: Any) -> Iterator[WarmRig]:
    """The services as ``bootstrap`` wires them: jobs live 5 minutes, cache entries 10
    (24 hours at most), batches an hour."""
    with FakeOpenAI.running(Behaviour(api_key=API_KEY)) as fake:
        queue = RecordingQueue()
        model = pooled_model(fake)
        store = DynamoDBJobStore(fresh_table, ttl_seconds=300, clock=clock)
        cache = DynamoDBResponseCache(fresh_table, 600, 300, 500, clock=clock)
        generation = GenerationService(
            LIBRARY, model, store, queue, cache=cache, clock=clock, sleep=lambda _: None
        )
        runner = JobRunner(LIBRARY, model, store, cache=cache, concurrency=2, clock=clock)
        batches = BatchService(
            generation, DynamoDBBatchStore(fresh_table, 3600, clock), queue, clock
        )
        warming = WarmingService(generation, batches)
        yield WarmRig(fake, generation, runner, batches, warming, queue)


def shared_fields() -> dict[str, Any]:
    """What every item of the test's batches shares (sent once, as ``defaults``)."""
    return {k: v for k, v in brief(0).items() if k not in ("storeId", "userContext")}


def item(number: int) -> dict[str, Any]:
    return {"userContext": brief(number)["userContext"], "variants": 1}


def single(number: int) -> dict[str, Any]:
    """Item ``number`` as a caller sends it alone: the defaults merged in, its store."""
    return {**shared_fields(), **item(number), "storeId": STORE}


def test_warming_a_batch_makes_its_requests_hits_for_later_single_requests(
    rig: WarmRig, clock: Any
) -> None:
    body = {"storeId": STORE, "defaults": shared_fields(), "requests": [item(0), item(1)]}
    batch = rig.batches.submit(body).batch
    assert rig.run_queued() == 2
    clock.now += 700  # past the cache's ten minutes: the batch's results are gone from it
    assert rig.warming.warm({"requests": [single(0)]})["summary"]["queued"] == 1
    rig.run_queued()  # item 0 was warmed on its own meanwhile

    report = rig.warming.warm({"batchId": batch.id, "storeId": STORE})
    assert report["batchId"] == batch.id
    assert [entry["status"] for entry in report["items"]] == ["cached", "queued"]
    assert report["summary"] == {"cached": 1, "queued": 1, "invalid": 0, "failed": 0}
    calls = rig.model_calls
    assert rig.run_queued() == 1
    assert rig.model_calls == calls + 1  # one variant of the one request not yet cached

    clock.now += 3 * 3600  # the evening before becomes the campaign: hours, not minutes
    calls = rig.model_calls
    for number in (0, 1):
        served = rig.generation.submit(single(number))
        assert served.result is not None and served.result["cache"] == "hit", number
    assert rig.queue.sent == [] and rig.model_calls == calls  # nothing generated again


def test_only_a_batchs_valid_items_are_warmed(rig: WarmRig) -> None:
    requests: list[Any] = [item(0), {**item(1), "variants": 99}, item(2), item(0), "text"]
    batch = rig.batches.submit(
        {"storeId": STORE, "defaults": shared_fields(), "requests": requests}
    )
    rig.queue.sent.clear()  # the batch's own jobs have not run: nothing is cached yet

    report = rig.warming.warm({"batchId": batch.batch.id, "storeId": STORE})
    items = report["items"]
    assert [entry["status"] for entry in items] == [
        "queued",
        "invalid",
        "queued",
        "queued",
        "invalid",
    ]
    assert report["summary"] == {"cached": 0, "queued": 3, "invalid": 2, "failed": 0}
    assert items[1]["error"]["details"][0]["field"] == "variants"
    assert items[4]["error"]["details"][0]["field"] == "$"
    assert items[3]["duplicateOf"] == 0 and items[3]["jobId"] == items[0]["jobId"]
    # the batch's own jobs are still in flight: warming joins them instead of generating
    assert items[0]["jobId"] == batch.batch.items[0]["jobId"]
    assert items[2]["jobId"] == batch.batch.items[2]["jobId"]
    assert rig.queue.sent == [] and rig.model_calls == 0


def test_a_batch_is_warmed_only_with_its_own_store(rig: WarmRig, clock: Any) -> None:
    batch = rig.batches.submit({"storeId": STORE, "requests": [brief(1)]}).batch
    for body in (
        {"batchId": batch.id, "storeId": "someone-else"},
        {"batchId": "no-such-batch", "storeId": STORE},
    ):
        with pytest.raises(BatchError) as refused:
            rig.warming.warm(body)
        assert refused.value.code == "batch_not_found"
        assert [d["field"] for d in refused.value.details] == ["batchId"]
    clock.now += 3601  # the batch, and the requests kept with it, have expired
    with pytest.raises(BatchError):
        rig.warming.warm({"batchId": batch.id, "storeId": STORE})


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"batchId": "b-1"}, "storeId"),
        ({"requests": [brief(1)], "storeId": STORE}, "storeId"),
        ({"batchId": "b#r0", "storeId": STORE}, "batchId"),
        ({"batchId": "b-1", "storeId": "a store"}, "storeId"),
    ],
)
def test_a_batch_warm_up_needs_a_batch_id_and_its_store(
    rig: WarmRig, body: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidRequestError) as refused:
        rig.warming.warm(body)
    assert field in refused.value.message
    assert [d["field"] for d in refused.value.details] == [field]


def test_every_request_of_a_large_batch_is_kept_and_replayed(rig: WarmRig) -> None:
    """Thirty requests: kept more than one write request's worth (25), read back whole."""
    requests = [item(number) for number in range(30)]
    batch = rig.batches.submit(
        {"storeId": STORE, "defaults": shared_fields(), "requests": requests}
    )
    report = rig.warming.warm({"batchId": batch.batch.id, "storeId": STORE})
    assert report["summary"] == {"cached": 0, "queued": 30, "invalid": 0, "failed": 0}
    assert [entry["jobId"] for entry in report["items"]] == [
        entry["jobId"] for entry in batch.batch.items
    ]  # each joins its own job, still in flight


def test_a_batch_stored_without_its_requests_reports_them_failed(
    rig: WarmRig, fresh_table: Table, clock: Any
) -> None:
    """A batch accepted before requests were kept with batches: nothing to replay."""
    items = [{"index": 0, "jobId": "j-0"}, {"index": 1, "error": {"code": "invalid_request"}}]
    older = Batch("older-batch", STORE, "standard", items, clock())
    DynamoDBBatchStore(fresh_table, 3600, clock).create(older, {})
    report = rig.warming.warm({"batchId": "older-batch", "storeId": STORE})
    assert [entry["status"] for entry in report["items"]] == ["failed", "invalid"]
    assert report["items"][0]["error"]["code"] == "request_unavailable"
    assert rig.queue.sent == [] and rig.model_calls == 0
