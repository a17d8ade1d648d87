"""The batch use case over the wire (DynamoDB and SQS on moto): items one by one,
duplicates coalesced, cached items answered at once, jobs queued ten to a call."""

from __future__ import annotations

from typing import Any

import pytest

from sbemail.queue import SQSJobQueue
from sbemail.service import BatchError, InvalidRequestError
from sbemail.storage import Table

from fakes.batching import (
    BatchRig,
    FlakySQS,
    batch_rig,
    brief,
    drain,
    sqs,
)

__all__ = ["sqs"]  # the fixture, imported for this module's tests


@pytest.fixture
def rig(fresh_table: Table, clock, sqs: tuple[Any, str]) -> BatchRig:
    return batch_rig(fresh_table, clock, SQSJobQueue(*sqs))


def test_a_mixed_batch_generates_only_its_new_distinct_requests(
    fresh_table: Table, clock, sqs: tuple[Any, str]
) -> None:
    client, url = sqs
    counting = FlakySQS(client)  # fails nothing: counts the SendMessageBatch calls
    rig = batch_rig(fresh_table, clock, SQSJobQueue(counting, url))
    generation, runner, batches = rig.generation, rig.runner, rig.batches

    # ten requests answered earlier: their results are in the response cache
    for number in range(100, 110):
        runner.run(generation.submit(brief(number)).job_id or "")
    drain(client, url)  # their messages: already run
    calls_before, batch_calls_before = rig.content.total, len(counting.calls)

    new = [brief(number) for number in range(10)]
    cached = [brief(number) for number in range(100, 110)]
    invalid: list[Any] = [
        {**brief(200), "variants": True},
        {**brief(201), "cartUrl": "https://elsewhere.example/cart"},
        {**brief(202), "storeId": "another-store"},
        {key: value for key, value in brief(203).items() if key != "brandData"},
        "not a request",
    ]
    requests = [*new, *new, *cached, *invalid]  # 10 new, 10 duplicates, 10 cached, 5 invalid
    submitted = batches.submit({"storeId": "cedar-ash", "requests": requests})
    items = submitted.batch.items

    assert [item["index"] for item in items] == list(range(35))
    assert len({item["jobId"] for item in items[:10]}) == 10
    for index in range(10, 20):
        assert items[index]["jobId"] == items[index - 10]["jobId"]
        assert items[index]["duplicateOf"] == index - 10
    assert all(item == {"index": i + 20, "cache": "hit"} for i, item in enumerate(items[20:30]))
    fields = [[d["field"] for d in item["error"]["details"]] for item in items[30:35]]
    assert fields == [["variants"], ["cartUrl"], ["storeId"], ["brandData"], ["$"]]
    assert all(item["error"]["code"] == "invalid_request" for item in items[30:35])
    assert dict(submitted.counts) == {
        "jobs": 10,
        "duplicates": 10,
        "cached": 10,
        "invalid": 5,
        "unqueued": 0,
    }

    queued = drain(client, url)
    assert sorted(queued) == sorted(item["jobId"] for item in items[:10])
    assert counting.calls[batch_calls_before:] == [10]  # one call for the ten new jobs
    for job_id in queued:
        runner.run(job_id)
    assert rig.content.total - calls_before == 10 * 3  # ten jobs of three variants

    batch = batches.get(submitted.batch.id, "cedar-ash")
    statuses, progress = batches.status(batch)
    assert progress == {"done": 30, "failed": 5, "total": 35}
    assert [s["status"] for s in statuses[:30]] == ["completed"] * 30
    clock.now += 42
    assert batches.completion_latency(batch, progress) == 42  # reported once...
    assert batches.completion_latency(batch, progress) is None  # ...not at every read
    for index in (0, 15, 25):
        entry, job = batches.item(batch, index)
        result = generation.result(job) if job is not None else entry["result"]
        assert len(result["emails"]) == 3 and all("html" in e for e in result["emails"])


def test_cached_answers_outlive_their_cache_entry(rig: BatchRig, clock) -> None:
    rig.runner.run(rig.generation.submit(brief(1)).job_id or "")
    batch = rig.batches.submit({"storeId": "cedar-ash", "requests": [brief(1)]}).batch
    clock.now += 1200  # past the cache's ten minutes, within the batch's hour
    entry, _ = rig.batches.item(rig.batches.get(batch.id, "cedar-ash"), 0)
    assert entry["cache"] == "hit" and len(entry["result"]["emails"]) == 3


def test_a_batch_is_readable_only_by_its_store_and_while_it_lives(rig: BatchRig, clock) -> None:
    batch = rig.batches.submit({"storeId": "cedar-ash", "requests": [brief(1)]}).batch
    assert rig.batches.get(batch.id, "cedar-ash").items == batch.items
    with pytest.raises(BatchError):
        rig.batches.get(batch.id, "someone-else")
    clock.now += 3601
    with pytest.raises(BatchError):
        rig.batches.get(batch.id, "cedar-ash")


def test_an_id_naming_another_item_is_no_batch_and_no_job(rig: BatchRig) -> None:
    """Ids come back in URLs: one holding ``#`` names another item of the table (a
    batch's kept request, a job's variant), which is neither a batch nor a job."""
    batch = rig.batches.submit({"storeId": "cedar-ash", "requests": [brief(1)]}).batch
    job_id = batch.items[0]["jobId"]
    rig.runner.run(job_id)
    assert rig.store.get(job_id) is not None and rig.store.variants(job_id, 3)
    with pytest.raises(BatchError):  # batch#<id>#r0 holds the item's request
        rig.batches.get(f"{batch.id}#r0", "cedar-ash")
    for read in (rig.store.get, rig.store.peek):  # job#<id>#v0 holds a variant
        assert read(f"{job_id}#v0") is None
    assert rig.store.get_many([f"{job_id}#v0"]) == {}


def test_defaults_fill_every_item(rig: BatchRig) -> None:
    shared = {k: v for k, v in brief(0).items() if k not in ("userContext", "storeId")}
    body = {
        "storeId": "cedar-ash",
        "defaults": shared,
        "requests": [{"userContext": "The new single origin."}, {"tone": "Playful"}],
    }
    items = rig.batches.submit(body).batch.items
    assert all("jobId" in item for item in items)
    job = rig.generation.status(items[1]["jobId"], "cedar-ash")
    assert job.request["tone"] == "Playful" and job.request["userContext"] == ""
    assert job.request["brandData"]["store_name"] == "Cedar & Ash Coffee"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ([brief(1)], ["$"]),
        ({"requests": [brief(1)]}, ["storeId"]),
        ({"storeId": "cedar-ash", "requests": {"0": brief(1)}}, ["requests"]),
        ({"storeId": "cedar-ash", "requests": []}, ["requests"]),
        ({"storeId": "cedar-ash", "requests": [brief(1)] * 101}, ["requests"]),
        ({"storeId": "cedar-ash", "requests": [brief(1)], "mode": "cheap"}, ["mode"]),
        ({"storeId": "a b", "requests": [brief(1)], "priority": 1}, ["storeId", "priority"]),
        ({"storeId": "cedar-ash", "requests": [brief(1)], "defaults": []}, ["defaults"]),
    ],
)
def test_a_wrong_envelope_is_refused_whole(
    rig: BatchRig, sqs: tuple[Any, str], body: Any, fields: list[str]
) -> None:
    with pytest.raises(InvalidRequestError) as refused:
        rig.batches.submit(body)
    assert [d["field"] for d in refused.value.details] == fields
    assert drain(*sqs) == []
