"""The worker handler fed from SQS (moto's server): partial failures, redelivery, DLQ."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import boto3
import pytest

from sbemail import bootstrap
from sbemail.local.embedded import LocalAws
from sbemail.local.runtime import QueuePoller, load_handler
from sbemail.storage import Job, JobStatus

from fakes.content import API_KEY
from fakes.openai_server import Behaviour, FakeOpenAI
from samples import ROOT, sample_body


@pytest.fixture
def poller(aws: LocalAws) -> QueuePoller:
    handler = load_handler(ROOT / "functions" / "worker" / "app.py", "worker_under_test")
    return QueuePoller(handler, aws.endpoint, aws.queue_url, batch_size=10)


def sqs(aws: LocalAws) -> Any:
    return boto3.client("sqs", endpoint_url=aws.endpoint, region_name="us-east-1")


def drain(poller: QueuePoller, rounds: int) -> None:
    """Poll ``rounds`` times, waiting out the visibility timeout in between."""
    for _ in range(rounds):
        poller.poll_once(wait_seconds=0)
        time.sleep(1.1)


def dead_letters(aws: LocalAws) -> list[dict[str, Any]]:
    return (
        sqs(aws).receive_message(QueueUrl=aws.dlq_url, MaxNumberOfMessages=10).get("Messages", [])
    )


def test_one_bad_message_does_not_fail_its_batch(aws: LocalAws, poller: QueuePoller) -> None:
    generation = bootstrap.services().generation
    good = generation.submit(sample_body("pixelpet")).job_id or ""  # queued by submit
    sqs(aws).send_message(QueueUrl=aws.queue_url, MessageBody="not json")
    received = poller.poll_once(wait_seconds=1)
    assert received == 2
    assert generation.status(good).status is JobStatus.COMPLETED
    # the good message was deleted; the bad one comes back until it lands in the DLQ
    drain(poller, 4)
    bodies = [message["Body"] for message in dead_letters(aws)]
    assert bodies == ["not json"]


def test_a_job_that_keeps_failing_is_marked_failed_and_dead_lettered(
    aws: LocalAws, poller: QueuePoller
) -> None:
    services = bootstrap.services()
    job_id = uuid.uuid4().hex
    services.generation._store.create(
        Job(id=job_id, store_id="s", status=JobStatus.QUEUED, request={"broken": True}, total=3)
    )
    sqs(aws).send_message(QueueUrl=aws.queue_url, MessageBody=json.dumps({"jobId": job_id}))
    drain(poller, 4)
    job = services.generation.status(job_id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None and "ValidationError" in job.error["message"]
    assert [json.loads(m["Body"])["jobId"] for m in dead_letters(aws)] == [job_id]


def test_a_redelivered_finished_job_is_a_no_op(aws: LocalAws, poller: QueuePoller) -> None:
    generation = bootstrap.services().generation
    job_id = generation.submit(sample_body("cedar")).job_id or ""
    poller.poll_once(wait_seconds=1)
    first = generation.result(generation.status(job_id))
    sqs(aws).send_message(QueueUrl=aws.queue_url, MessageBody=json.dumps({"jobId": job_id}))
    assert poller.poll_once(wait_seconds=1) == 1
    assert generation.result(generation.status(job_id))["emails"] == first["emails"]
    assert dead_letters(aws) == []


def test_a_failed_job_comes_back_after_the_retry_delay_not_the_visibility_timeout(
    aws: LocalAws, poller: QueuePoller, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the cloud the queue hides a message for 90 minutes (six worker timeouts), far
    past the job record's life: a failed delivery must come back after the short delay."""
    sqs(aws).set_queue_attributes(QueueUrl=aws.queue_url, Attributes={"VisibilityTimeout": "600"})
    monkeypatch.setenv("RETRY_DELAY_SECONDS", "1")
    bootstrap.services.cache_clear()
    services = bootstrap.services()
    job_id = uuid.uuid4().hex
    services.generation._store.create(
        Job(id=job_id, store_id="s", status=JobStatus.QUEUED, request={"broken": True}, total=3)
    )
    sqs(aws).send_message(QueueUrl=aws.queue_url, MessageBody=json.dumps({"jobId": job_id}))
    assert poller.poll_once(wait_seconds=1) == 1  # fails: its request does not validate
    again = (
        sqs(aws)
        .receive_message(
            QueueUrl=aws.queue_url, WaitTimeSeconds=10, AttributeNames=["ApproximateReceiveCount"]
        )
        .get("Messages", [])
    )
    assert [json.loads(m["Body"])["jobId"] for m in again] == [job_id]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert services.generation.status(job_id).status is not JobStatus.FAILED  # not yet: 1 of 3


def test_the_jobs_of_one_batch_run_at_once(aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> None:
    """One after another, a batch's last job would wait for every job before it while the
    container's model sessions stood idle: the model must see both jobs' calls at once."""
    tags = ("ALPHA-7731", "BRAVO-7731")
    held = {tag: threading.Event() for tag in tags}
    with FakeOpenAI.running(Behaviour(api_key=API_KEY, holds=held)) as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
        bootstrap.services.cache_clear()
        generation = bootstrap.services().generation
        sample = sample_body("pixelpet")
        jobs = [
            generation.submit({**sample, "userContext": f"{sample['userContext']} {tag}"}).job_id
            for tag in tags
        ]
        handler = load_handler(ROOT / "functions" / "worker" / "app.py", "worker_at_once")
        poller = QueuePoller(handler, aws.endpoint, aws.queue_url, batch_size=10)
        batch = threading.Thread(target=poller.poll_once, kwargs={"wait_seconds": 1})
        batch.start()

        def arrived(tag: str) -> bool:
            return any(tag in json.dumps(request.body) for request in list(fake.requests))

        for _ in range(300):  # both jobs' calls held at the model, or 30 s
            if all(arrived(tag) for tag in tags):
                break
            time.sleep(0.1)
        both_in_flight = [tag for tag in tags if arrived(tag)]
        for gate in held.values():
            gate.set()
        batch.join(timeout=60)
    assert both_in_flight == list(tags)
    assert [generation.status(job_id or "").status for job_id in jobs] == [JobStatus.COMPLETED] * 2
