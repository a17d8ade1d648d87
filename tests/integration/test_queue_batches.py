"""Sending jobs ten to a ``SendMessageBatch`` call: partial failures are retried and no
job is lost; what cannot be queued is handed back (and failed by the batch use case)."""

from __future__ import annotations

from typing import Any

from tenacity import wait_none

from sbemail.queue import SQSJobQueue
from sbemail.storage import JobStatus, Table

from fakes.batching import (
    FlakySQS,
    batch_rig,
    brief,
    drain,
    sqs,
)

__all__ = ["sqs"]  # the fixture, imported for this module's tests


def test_failed_entries_are_sent_again_until_every_job_is_queued_once(
    sqs: tuple[Any, str],
) -> None:
    client, url = sqs
    flaky = FlakySQS(client, fail={"job-0": 2, "job-3": 1, "job-9": 3})
    queue = SQSJobQueue(flaky, url, attempts=4, wait=wait_none())
    job_ids = [f"job-{n}" for n in range(25)]
    assert queue.send_many(job_ids) == []
    assert sorted(drain(client, url)) == sorted(job_ids)  # each exactly once
    # the first ten, then their failed entries until none is left, then the next groups
    assert flaky.calls == [10, 3, 2, 1, 10, 5]


def test_entries_still_failing_after_every_attempt_are_handed_back(
    sqs: tuple[Any, str],
) -> None:
    client, url = sqs
    flaky = FlakySQS(client, fail={"job-1": 99}, sender_faults=frozenset({"job-4"}))
    queue = SQSJobQueue(flaky, url, attempts=3, wait=wait_none())
    unsent = queue.send_many([f"job-{n}" for n in range(6)])
    assert sorted(unsent) == ["job-1", "job-4"]
    assert sorted(drain(client, url)) == ["job-0", "job-2", "job-3", "job-5"]


def test_a_batch_item_whose_job_cannot_be_queued_says_so(
    fresh_table: Table, clock, sqs: tuple[Any, str]
) -> None:
    client, url = sqs
    refusing = FlakySQS(client, doomed=frozenset({2}))
    rig = batch_rig(fresh_table, clock, SQSJobQueue(refusing, url, attempts=2, wait=wait_none()))
    generation, store, batches = rig.generation, rig.store, rig.batches
    submitted = batches.submit({"storeId": "cedar-ash", "requests": [brief(n) for n in range(4)]})
    assert submitted.counts["unqueued"] == 1
    lost = submitted.batch.items[2]["jobId"]
    job = store.get(lost)
    assert job is not None and job.status is JobStatus.FAILED
    assert job.error is not None and job.error["code"] == "queue_unavailable"
    statuses, progress = batches.status(submitted.batch)
    assert statuses[2]["status"] == "failed" and progress["failed"] == 1
    assert len(drain(client, url)) == 3
    retried = generation.submit(brief(2))  # its cache key was freed: a new job
    assert retried.job_id not in (None, lost) and not retried.coalesced


def test_a_stale_receipt_cannot_shorten_a_messages_visibility_and_says_so(
    sqs: tuple[Any, str],
) -> None:
    client, url = sqs
    queue = SQSJobQueue(client, url)
    queue.send("job-a")
    received = client.receive_message(QueueUrl=url, VisibilityTimeout=60)["Messages"]
    assert queue.retry_later(received[0]["ReceiptHandle"], 0) is True
    assert [m["Body"] for m in client.receive_message(QueueUrl=url, WaitTimeSeconds=2)["Messages"]]
    assert queue.retry_later("not-a-receipt-handle", 5) is False
