"""Embedded AWS for local runs: moto's server in-process, the table and queues created.

The table's key schema and TTL attribute are read from ``template.yaml`` so the local
table cannot drift from the deployed one. The queue gets a dead-letter queue with the
template's redrive policy, so redelivery and poison messages behave as on AWS.
"""

from __future__ import annotations

import json
import socket
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import yaml

from ..storage.cache_entries import current_epoch, epoch_of
from ..storage.cache_usage import LiveEntryCounters, hit_class

if TYPE_CHECKING:
    from ..bootstrap import Services

REGION = "us-east-1"


class _CloudFormationLoader(yaml.SafeLoader):
    """YAML loader that reads CloudFormation short-form tags (``!Ref``...) as plain data."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_CloudFormationLoader.add_multi_constructor("!", _any_tag)


def read_template(path: Path) -> dict[str, Any]:
    """``template.yaml`` as plain data (intrinsic functions left unresolved)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_CloudFormationLoader)


def table_definition(template: dict[str, Any]) -> dict[str, Any]:
    """Key schema, attributes and TTL attribute of the template's DynamoDB table."""
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::DynamoDB::Table":
            props = resource["Properties"]
            return {
                "KeySchema": props["KeySchema"],
                "AttributeDefinitions": props["AttributeDefinitions"],
                "TimeToLiveAttribute": props["TimeToLiveSpecification"]["AttributeName"],
            }
    raise LookupError("template.yaml has no DynamoDB table")


def redrive_receives(template: dict[str, Any]) -> int:
    """``maxReceiveCount`` of the job queue's redrive policy."""
    for resource in template["Resources"].values():
        policy = resource.get("Properties", {}).get("RedrivePolicy")
        if resource["Type"] == "AWS::SQS::Queue" and policy:
            return int(policy["maxReceiveCount"])
    raise LookupError("template.yaml has no queue with a redrive policy")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Untracked(list[Any]):
    """A model registry that keeps nothing."""

    def append(self, item: Any) -> None:
        """Dropped: see ``untrack_moto_models``."""


def untrack_moto_models() -> int:
    """Stop moto's in-process models from being kept forever; returns the classes fixed.

    moto records every model object it ever creates (each DynamoDB item and each copy of
    one, each SQS message) in a per-class list that only its dashboard reads and only a
    reset empties, so a long-running local server grows by every item it ever stored,
    deleted or not (about 120 KB a job). The lists are replaced by ones that keep
    nothing; the table and queues are unaffected (the dashboard's model view is empty).
    Classes moto imports later get a list of their own, so this is repeated on every
    scheduled cleanup, which also drops whatever those lists kept meanwhile.
    """
    import sys

    if "moto.core.model_instances" not in sys.modules:
        return 0  # AWS is not embedded in this process
    from moto.core.model_instances import model_data

    fixed = 0
    for models in list(model_data.values()):
        for model in list(models.values()):
            if not isinstance(getattr(model, "instances_tracked", None), _Untracked):
                model.instances_tracked = _Untracked()  # type: ignore[attr-defined]
                fixed += 1
    return fixed


@dataclass(frozen=True)
class LocalAws:
    """Endpoints and names of the embedded resources."""

    endpoint: str
    table_name: str
    queue_url: str
    dlq_url: str
    visibility_timeout: int = 30

    def environment(self) -> dict[str, str]:
        """Variables the service reads to find these resources.

        A failed message's retry delay is held within the local queue's (short)
        visibility timeout, so a local retry never waits longer than SQS alone would.
        """
        return {
            "DYNAMODB_ENDPOINT": self.endpoint,
            "SQS_ENDPOINT": self.endpoint,
            "TABLE_NAME": self.table_name,
            "QUEUE_URL": self.queue_url,
            "RETRY_DELAY_SECONDS": str(min(10, self.visibility_timeout / 2)),
        }


def start_moto() -> tuple[Any, str]:
    """Start moto's server on a free loopback port; return (server, endpoint)."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no per-request access log
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, f"http://127.0.0.1:{port}"


def provision(
    endpoint: str,
    template_path: Path,
    table_name: str = "sbemail-local",
    queue_name: str = "sbemail-jobs",
    visibility_timeout: int = 30,
) -> LocalAws:
    """Create the table (unless it exists) and the queue pair on ``endpoint``."""
    template = read_template(template_path)
    definition = table_definition(template)
    session = boto3.session.Session(region_name=REGION)
    dynamodb = session.client("dynamodb", endpoint_url=endpoint)
    if table_name not in dynamodb.list_tables()["TableNames"]:
        dynamodb.create_table(
            TableName=table_name,
            KeySchema=definition["KeySchema"],
            AttributeDefinitions=definition["AttributeDefinitions"],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={
                "Enabled": True,
                "AttributeName": definition["TimeToLiveAttribute"],
            },
        )
    sqs = session.client("sqs", endpoint_url=endpoint)
    dlq_url = sqs.create_queue(QueueName=f"{queue_name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": redrive_receives(template)}
    queue_url = sqs.create_queue(
        QueueName=queue_name,
        Attributes={
            "VisibilityTimeout": str(visibility_timeout),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    return LocalAws(endpoint, table_name, queue_url, dlq_url, visibility_timeout)


def trim_to_limits(services: Services, clock: Callable[[], float] = time.time) -> dict[str, int]:
    """Hold the embedded table to the limits the stats report; returns what was evicted.

    In the cloud the table lives in DynamoDB; here every item lives in this process's
    memory, so the store keeps at most ``STORE_MAX_ENTRIES`` jobs (``store.maxEntries``)
    and the cache at most ``CACHE_MAX_ENTRIES`` ready entries (``responseCache.maxEntries``),
    the oldest going first (a job with its variants). The live counters behind
    ``totalEntries`` are told, so the stats stay true. Pending cache claims are left
    alone: each belongs to a running job, which the job limit bounds already.
    """
    table = services.table
    settings = services.settings
    now = int(clock())
    jobs: dict[str, int] = {}
    variants: dict[str, list[str]] = defaultdict(list)
    ready: list[tuple[int, str, int, int]] = []  # expiry, key, cap, hits
    scan: dict[str, Any] = {
        "TableName": table.name,
        "ProjectionExpression": "pk, expires_at, #state, cap_at, hits",
        "ExpressionAttributeNames": {"#state": "state"},
    }
    while True:
        page = table.client.scan(**scan)
        for item in page.get("Items", []):
            pk = item["pk"]["S"]
            expires_at = int(item.get("expires_at", {}).get("N", "0"))
            if pk.startswith("job#"):
                job_id, _, variant = pk[4:].partition("#v")
                if variant:
                    variants[job_id].append(pk)
                else:
                    jobs[job_id] = expires_at
            elif pk.startswith("cache#") and item.get("state", {}).get("S") == "ready":
                cap_at = int(item.get("cap_at", {}).get("N", str(expires_at)))
                ready.append((expires_at, pk, cap_at, int(item.get("hits", {}).get("N", "0"))))
        if "LastEvaluatedKey" not in page:
            break
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def delete(pk: str) -> None:
        table.client.delete_item(TableName=table.name, Key={"pk": {"S": pk}})

    evicted = {"jobs": 0, "cache": 0}
    oldest_jobs = sorted(jobs.items(), key=lambda job: job[1])
    for job_id, expires_at in oldest_jobs[: max(0, len(jobs) - settings.store_max_entries)]:
        for pk in [*variants.get(job_id, []), f"job#{job_id}"]:
            delete(pk)
        if expires_at > now:
            services.store.live_counter.add(expires_at, -1)
        evicted["jobs"] += 1
    epoch = current_epoch(table)
    live_cache = LiveEntryCounters(
        table, settings.cache_ttl_minutes * 60, round(settings.cache_max_ttl_hours * 3600), clock
    )
    # the entries expiring soonest go first: with the adaptive TTL, the least recently hit
    for expires_at, pk, cap_at, hits in sorted(ready)[
        : max(0, len(ready) - settings.cache_max_entries)
    ]:
        delete(pk)
        if expires_at > now and epoch_of(pk) == epoch:
            capped = expires_at >= cap_at
            live_cache.counter(epoch, capped).add(expires_at, -1, hit_class(hits))
        evicted["cache"] += 1
    return evicted
