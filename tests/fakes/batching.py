"""What the batch tests share: a service set on the wire, the queue read back, SQS on a
bad day, and distinct requests."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from sbemail.content import OfflineContentModel
from sbemail.domain import BlockLibrary, VariantBrief
from sbemail.service import BatchService, GenerationService, GenerationSettings, JobRunner
from sbemail.storage import DynamoDBBatchStore, DynamoDBJobStore, DynamoDBResponseCache, Table

from samples import ROOT, sample_body

LIBRARY = BlockLibrary.load(ROOT / "blocks")


class CountingWriter(OfflineContentModel):
    """The offline writer, counting its calls (each is one model call in production)."""

    def __init__(self) -> None:
        self.calls: Counter[int] = Counter()

    def write(self, brief: VariantBrief):  # type: ignore[no-untyped-def]
        self.calls[brief.variant_index] += 1
        return super().write(brief)

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@dataclass
class BatchRig:
    generation: GenerationService
    runner: JobRunner
    batches: BatchService
    store: DynamoDBJobStore
    content: Any


def batch_rig(table: Table, clock: Any, queue: Any, content: Any = None) -> BatchRig:
    """Generation and batch services on ``table`` and ``queue``, as ``bootstrap`` wires
    them, with the test's clock (jobs live 5 minutes, cache 10, batches an hour)."""
    content = content or CountingWriter()
    store = DynamoDBJobStore(table, ttl_seconds=300, clock=clock)
    cache = DynamoDBResponseCache(table, 600, 300, 500, clock=clock)
    generation = GenerationService(
        LIBRARY,
        content,
        store,
        queue,
        cache=cache,
        settings=GenerationSettings(),
        clock=clock,
        sleep=lambda _: None,
    )
    runner = JobRunner(LIBRARY, content, store, cache=cache, clock=clock)
    batches = BatchService(generation, DynamoDBBatchStore(table, 3600, clock), queue, clock)
    return BatchRig(generation, runner, batches, store, content)


@pytest.fixture
def sqs(moto_endpoint: str, fresh_table: Table) -> tuple[Any, str]:
    """The fresh table's job queue: (boto3 client, URL), messages hidden 60 s once read."""
    client = boto3.client("sqs", endpoint_url=moto_endpoint, region_name="us-east-1")
    url = client.get_queue_url(QueueName=f"q-{fresh_table.name}")["QueueUrl"]
    client.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "60"})
    return client, url


def drain(client: Any, url: str) -> list[str]:
    """Every job id waiting on the queue (messages deleted as read)."""
    ids: list[str] = []
    while True:
        messages = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return ids
        for message in messages:
            ids.append(json.loads(message["Body"])["jobId"])
            client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def brief(number: int) -> dict[str, Any]:
    """The cedar sample with a brief of its own: a distinct request per number."""
    body = sample_body("cedar")
    return {**body, "userContext": f"{body['userContext']} Letter number {number}."}


class FlakySQS:
    """SQS as it behaves on a bad day: ``SendMessageBatch`` reports some entries failed.

    ``fail`` maps a job id to how many calls its entry fails in; entries in
    ``sender_faults`` are refused as the sender's fault every time; the entries at
    ``doomed`` positions of the first call (ids a test cannot know) never get through.
    Everything else goes to the real queue, whose calls are counted in ``calls``.
    """

    def __init__(
        self,
        client: Any,
        fail: dict[str, int] | None = None,
        sender_faults: frozenset[str] = frozenset(),
        doomed: frozenset[int] = frozenset(),
    ) -> None:
        self._client = client
        self._fail = dict(fail or {})
        self._sender_faults = sender_faults
        self._doomed = doomed
        self.calls: list[int] = []

    def send_message(self, **kwargs: Any) -> Any:
        return self._client.send_message(**kwargs)

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls.append(len(Entries))
        failed: list[dict[str, Any]] = []
        passed: list[dict[str, Any]] = []
        for position, entry in enumerate(Entries):
            job_id = json.loads(entry["MessageBody"])["jobId"]
            if len(self.calls) == 1 and position in self._doomed:
                self._fail[job_id] = 99
            if job_id in self._sender_faults:
                failed.append({"Id": entry["Id"], "SenderFault": True, "Code": "InvalidMessage"})
            elif self._fail.get(job_id, 0) > 0:
                self._fail[job_id] -= 1
                failed.append({"Id": entry["Id"], "SenderFault": False, "Code": "InternalError"})
            else:
                passed.append(entry)
        response = (
            self._client.send_message_batch(QueueUrl=QueueUrl, Entries=passed) if passed else {}
        )
        return {"Successful": response.get("Successful", []), "Failed": failed}
