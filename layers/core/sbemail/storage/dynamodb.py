"""Jobs in DynamoDB: one table, partition key ``pk``, TTL attribute ``expires_at``.

Items: ``job#<id>`` (state, progress, summary) and ``job#<id>#v<n>`` (one rendered
variant, zlib-compressed JSON, so five full emails fit well under the 400 KB item
limit). DynamoDB deletes expired items lazily, so every read checks ``expires_at``.
State changes are conditional writes: no lost updates, no leaving a final state.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from .jobs import Job, JobNotFoundError, JobStateError, JobStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

_FINAL = [JobStatus.COMPLETED.value, JobStatus.FAILED.value]


def job_key(job_id: str) -> str:
    return f"job#{job_id}"


def variant_key(job_id: str, index: int) -> str:
    return f"job#{job_id}#v{index}"


def _pack(document: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(document, separators=(",", ":")).encode(), 6)


def _unpack(blob: Any) -> dict[str, Any]:
    raw = blob.value if hasattr(blob, "value") else blob
    return json.loads(zlib.decompress(bytes(raw)))


def _is_conditional_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class DynamoDBJobStore:
    """``JobStore`` on a DynamoDB table (a boto3 ``Table`` resource is injected)."""

    def __init__(self, table: Table, ttl_seconds: int, clock: Callable[[], float] = time.time):
        self._table = table
        self._ttl = ttl_seconds
        self._clock = clock

    def _expiry(self) -> int:
        return int(self._clock()) + self._ttl

    def create(self, job: Job) -> None:
        item = {
            "pk": job_key(job.id),
            "kind": "job",
            "store_id": job.store_id,
            "status": job.status.value,
            "request": _pack(job.request),
            "total": job.total,
            "created_at": str(job.created_at or self._clock()),
            "expires_at": self._expiry(),
        }
        try:
            self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as error:
            if _is_conditional_failure(error):
                raise JobStateError(f"job {job.id} already exists") from error
            raise

    def get(self, job_id: str) -> Job | None:
        item = self._table.get_item(Key={"pk": job_key(job_id)}, ConsistentRead=True).get("Item")
        if not item or int(item.get("expires_at", 0)) <= self._clock():
            return None
        return Job(
            id=job_id,
            store_id=str(item["store_id"]),
            status=JobStatus(item["status"]),
            request=_unpack(item["request"]),
            total=int(item["total"]),
            done=len(item.get("done_indexes", ())),
            error=json.loads(item["error"]) if "error" in item else None,
            summary=json.loads(item["summary"]) if "summary" in item else {},
            created_at=float(item.get("created_at", 0)),
        )

    def start(self, job_id: str) -> Job:
        self._update(
            job_id,
            "SET #s = :running, expires_at = :exp",
            "attribute_exists(pk) AND expires_at > :now AND NOT #s IN (:c, :f)",
            {":running": JobStatus.RUNNING.value},
        )
        job = self.get(job_id)
        if job is None:
            raise JobNotFoundError(job_id)
        return job

    def save_variant(self, job_id: str, index: int, payload: dict[str, Any]) -> None:
        self._table.put_item(
            Item={
                "pk": variant_key(job_id, index),
                "kind": "variant",
                "data": _pack(payload),
                "expires_at": self._expiry(),
            }
        )
        # ADD to a set is idempotent: a redelivered variant does not count twice.
        self._update(
            job_id,
            "ADD done_indexes :idx SET expires_at = :exp",
            "attribute_exists(pk) AND NOT #s IN (:c, :f)",
            {":idx": {index}},
        )

    def variants(self, job_id: str, total: int) -> dict[int, dict[str, Any]]:
        if total <= 0:
            return {}
        # The resource's client (de)serialises attribute values itself.
        keys = [{"pk": variant_key(job_id, i)} for i in range(total)]
        request: dict[str, Any] = {self._table.name: {"Keys": keys, "ConsistentRead": True}}
        found: dict[int, dict[str, Any]] = {}
        while request:
            response = self._table.meta.client.batch_get_item(RequestItems=request)
            for item in response.get("Responses", {}).get(self._table.name, []):
                if int(item.get("expires_at", 0)) > self._clock():
                    index = int(str(item["pk"]).rsplit("#v", 1)[1])
                    found[index] = _unpack(item["data"])
            request = response.get("UnprocessedKeys") or {}
        return found

    def complete(self, job_id: str, summary: dict[str, Any]) -> None:
        self._update(
            job_id,
            "SET #s = :completed, summary = :summary, expires_at = :exp",
            "attribute_exists(pk) AND #s = :running",
            {
                ":completed": JobStatus.COMPLETED.value,
                ":running": JobStatus.RUNNING.value,
                ":summary": json.dumps(summary, separators=(",", ":")),
            },
        )

    def fail(self, job_id: str, error: dict[str, Any]) -> None:
        self._update(
            job_id,
            "SET #s = :failed, #e = :error, expires_at = :exp",
            "attribute_exists(pk) AND NOT #s IN (:c, :f)",
            {":failed": JobStatus.FAILED.value, ":error": json.dumps(error)},
            names={"#e": "error"},
        )

    def _update(
        self,
        job_id: str,
        expression: str,
        condition: str,
        values: dict[str, Any],
        names: dict[str, str] | None = None,
    ) -> None:
        all_values = {":exp": self._expiry(), **values}
        if ":c" in condition:
            all_values.update({":c": _FINAL[0], ":f": _FINAL[1]})
        if ":now" in condition:
            all_values[":now"] = int(self._clock())
        all_names = {"#s": "status", **(names or {})}
        try:
            self._table.update_item(
                Key={"pk": job_key(job_id)},
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames={
                    k: v for k, v in all_names.items() if k in expression + condition
                },
                ExpressionAttributeValues=all_values,
            )
        except ClientError as error:
            if _is_conditional_failure(error):
                raise JobStateError(
                    f"job {job_id}: {expression.split()[1]} not allowed now"
                ) from error
            raise
