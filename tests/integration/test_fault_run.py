"""Every fault at once: a straying, erroring model; a throttling, flaky DynamoDB; workers
that die mid-job. Every job submitted must end once, completed or failed with a reason.

The faults sit at the true edges: the fake OpenAI server answers 429s and 500s and
writes copy that runs past its limits; DynamoDB's errors are answered in the boto3
client itself (a ``before-send`` hook, so the request never leaves, as when DynamoDB
refuses it), which leaves retrying to the client's own retry configuration; a worker
dies while saving a variant, and the job comes back only through SQS's redelivery (moto's
server keeps the message invisible for the visibility timeout, then hands it out again).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from sbemail import bootstrap
from sbemail.local.embedded import LocalAws, provision, read_template
from sbemail.local.runtime import QueuePoller, load_handler
from sbemail.storage import JobStatus
from sbemail.storage.dynamodb import variant_key

from fakes.content import API_KEY
from fakes.openai_server import Behaviour, FakeOpenAI
from samples import ROOT, sample_body, sample_names

JOBS = 24
THROTTLED_SHARE = 0.12
"""Share of DynamoDB calls answered ``ProvisionedThroughputExceededException``."""
TRANSIENT_SHARE = 0.04
"""Share of DynamoDB calls answered 500 ``InternalServerError``."""
CRASH_EVERY = 4
"""Every fourth job's first worker dies while saving its second variant."""
REPEAT_EVERY = 3
"""Every third job's message is delivered twice (SQS delivers at least once; a send
retried after a lost answer queues a second message)."""
VISIBILITY_SECONDS = 15
"""Longer than any one delivery runs here (the stack's is six times the worker's timeout),
so a message comes back only when its worker died, never while a worker still runs it."""
DRAIN_SECONDS = 240.0


class _Body:
    """The raw body of an answer botocore reads (``AWSResponse.raw``)."""

    def __init__(self, payload: bytes) -> None:
        self._payload = payload

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._payload


class WorkerKilled(RuntimeError):
    """The worker's process dies at this point (the invocation ends with the error)."""


@dataclass
class DynamoDBFaults:
    """Faults and a ledger on one boto3 DynamoDB client, seeded so a run is repeatable."""

    throttled_share: float
    transient_share: float
    crash_jobs: set[str] = field(default_factory=set)
    seed: int = 11
    throttled: int = 0
    transient: int = 0
    crashes: int = 0
    variant_writes: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _crashed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def attach(self, client: Any) -> None:
        events = client.meta.events
        events.register("before-call.dynamodb.PutItem", self._before_put)
        events.register("after-call.dynamodb.PutItem", self._after_put)
        events.register("before-send.dynamodb", self._refuse)

    def _refuse(self, request: Any, **_: Any) -> AWSResponse | None:
        """Answer in DynamoDB's place for a share of attempts (retries draw again)."""
        with self._lock:
            draw = self._random.random()
            if draw < self.throttled_share:
                self.throttled += 1
                status, kind = 400, "ProvisionedThroughputExceededException"
            elif draw < self.throttled_share + self.transient_share:
                self.transient += 1
                status, kind = 500, "InternalServerError"
            else:
                return None
        body = {"__type": f"com.amazonaws.dynamodb.v20120810#{kind}", "message": "injected"}
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "fault"}
        return AWSResponse(request.url, status, headers, _Body(json.dumps(body).encode()))

    def _before_put(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        pk = json.loads(params["body"])["Item"]["pk"]["S"]
        context["pk"] = pk
        for job_id in self.crash_jobs:
            if pk == variant_key(job_id, 1):
                with self._lock:
                    if job_id in self._crashed:
                        return
                    self._crashed.add(job_id)
                    self.crashes += 1
                raise WorkerKilled(f"worker killed while saving {pk}")

    def _after_put(self, http_response: Any, context: dict[str, Any], **_: Any) -> None:
        pk = context.get("pk", "")
        if "#v" in pk and http_response.status_code == 200:
            with self._lock:
                self.variant_writes[pk] += 1


@pytest.fixture
def faulty_service(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[LocalAws, FakeOpenAI]]:
    """``services()`` on a fresh table and queue, writing with a faulty fake model."""
    behaviour = Behaviour(
        api_key=API_KEY,
        rates={"429": 0.08, "500": 0.04},
        overrun_share=0.3,
        whitespace_noise=0.3,
        time_to_first_token=0.02,
        tokens_per_second=4000,
        seed=5,
    )
    name = f"f-{random.randrange(16**8):08x}"
    resources = provision(
        moto_endpoint,
        ROOT / "template.yaml",
        table_name=name,
        queue_name=name,
        visibility_timeout=VISIBILITY_SECONDS,
    )
    with FakeOpenAI.running(behaviour) as fake:
        for key, value in resources.environment().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
        monkeypatch.setenv("OPENAI_TIMEOUT_SECONDS", "5")
        # DynamoDB retries as the deployed worker makes them (submits here use them too)
        worker = read_template(ROOT / "template.yaml")["Resources"]["WorkerFunction"]
        attempts = worker["Properties"]["Environment"]["Variables"]["DYNAMODB_MAX_ATTEMPTS"]
        monkeypatch.setenv("DYNAMODB_MAX_ATTEMPTS", str(attempts))
        bootstrap.services.cache_clear()
        yield resources, fake
        bootstrap.services.cache_clear()


def _bodies() -> list[dict[str, Any]]:
    names = sample_names()
    bodies = []
    for number in range(JOBS):
        body = sample_body(names[number % len(names)])
        body["userContext"] += f" (fault run {number})"
        bodies.append(body)
    return bodies


def _read(action: Any) -> Any:
    """The test's own reads ride out the faults it injected."""
    for _ in range(10):
        try:
            return action()
        except Exception:  # a read that lost every retry to the injected faults
            time.sleep(0.1)
    return action()


def test_every_job_ends_once_under_model_storage_and_worker_faults(
    faulty_service: tuple[LocalAws, FakeOpenAI],
) -> None:
    resources, fake = faulty_service
    services = bootstrap.services()
    generation = services.generation
    faults = DynamoDBFaults(THROTTLED_SHARE, TRANSIENT_SHARE)
    faults.attach(services.table.client)

    sqs = boto3.client("sqs", endpoint_url=resources.endpoint, region_name="us-east-1")
    submitted: list[str] = []
    repeated: list[str] = []
    refused: list[str] = []
    for number, body in enumerate(_bodies()):
        try:
            job_id = generation.submit(body).job_id
        except Exception as error:  # the API would answer 5xx: the caller knows
            refused.append(f"{type(error).__name__}: {error}")
            continue
        assert job_id is not None
        submitted.append(job_id)
        if number % CRASH_EVERY == 0:
            faults.crash_jobs.add(job_id)
        if number % REPEAT_EVERY == 1:
            repeated.append(job_id)
            sqs.send_message(
                QueueUrl=resources.queue_url, MessageBody=json.dumps({"jobId": job_id})
            )

    handler = load_handler(ROOT / "functions" / "worker" / "app.py", "worker_under_faults")
    poller = QueuePoller(handler, resources.endpoint, resources.queue_url, batch_size=1)
    poller.start()
    jobs: dict[str, Any] = {}
    started = time.monotonic()
    try:
        deadline = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < deadline:
            jobs = {job_id: _read(lambda j=job_id: generation.status(j)) for job_id in submitted}
            if all(job.status.final for job in jobs.values()):
                break
            time.sleep(0.5)
    finally:
        poller.stop()

    completed = [j for j in jobs.values() if j.status is JobStatus.COMPLETED]
    failed = [j for j in jobs.values() if j.status is JobStatus.FAILED]
    lost = [j for j in submitted if not jobs[j].status.final]
    duplicated = sorted(pk for pk, writes in faults.variant_writes.items() if writes > 1)
    emails = {j.id: _read(lambda j=j: generation.result(j))["emails"] for j in completed}
    short = [j for j, listed in emails.items() if len(listed) != jobs[j].total]
    dead = sqs.receive_message(QueueUrl=resources.dlq_url, MaxNumberOfMessages=10)
    dead_jobs = [json.loads(m["Body"])["jobId"] for m in dead.get("Messages", [])]
    model_faults = Counter(r.fault for r in fake.requests)
    print(
        f"\nfault run: jobs submitted {len(submitted) + len(refused)}, accepted "
        f"{len(submitted)}, refused at submit {len(refused)}, completed {len(completed)}, "
        f"failed with a reason {len(failed)}, duplicated {len(duplicated)}, lost {len(lost)}"
        f"\n  injected: DynamoDB throttled {faults.throttled}, 500s {faults.transient}, "
        f"worker deaths {faults.crashes}, messages delivered twice {len(repeated)}"
        f"\n  model answers {dict(sorted(model_faults.items()))}"
        f"\n  variants written {sum(faults.variant_writes.values())}, dead letters "
        f"{len(dead_jobs)}"
    )
    for reason in refused:
        print("  refused:", reason)
    for job in failed:
        print("  failed:", job.id, (job.error or {}).get("message"))
    for job_id in lost:
        print("  lost:", job_id, jobs[job_id].status, jobs[job_id].done, "of", jobs[job_id].total)
    for pk in duplicated:
        print("  duplicated:", pk, faults.variant_writes[pk])
    print(f"  drained in {time.monotonic() - started:.0f} s")

    assert lost == [], "every accepted job ends"
    assert duplicated == [], "no variant is written twice"
    assert short == [], "a completed job lists each variant once"
    assert all(job.error and job.error.get("message") for job in failed), "failures say why"
    assert set(dead_jobs) <= {job.id for job in failed}, "only a failed job is dead-lettered"
    assert all(reason for reason in refused)
    assert faults.crashes == len(faults.crash_jobs), "every planned worker death happened"
    assert faults.throttled and faults.transient, "the storage faults were exercised"
    assert model_faults["429"] and model_faults["500"], "the model faults were exercised"
    crashed = [jobs[j] for j in faults.crash_jobs]
    assert all(job.status is JobStatus.COMPLETED for job in crashed), "redelivery finished them"
