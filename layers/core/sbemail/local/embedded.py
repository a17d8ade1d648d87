"""Embedded AWS for local runs: moto's server in-process, the table and queues created.

The table's key schema and TTL attribute are read from ``template.yaml`` so the local
table cannot drift from the deployed one. The queue gets a dead-letter queue with the
template's redrive policy, so redelivery and poison messages behave as on AWS.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import yaml

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


@dataclass(frozen=True)
class LocalAws:
    """Endpoints and names of the embedded resources."""

    endpoint: str
    table_name: str
    queue_url: str
    dlq_url: str

    def environment(self) -> dict[str, str]:
        """Variables the service reads to find these resources."""
        return {
            "DYNAMODB_ENDPOINT": self.endpoint,
            "SQS_ENDPOINT": self.endpoint,
            "TABLE_NAME": self.table_name,
            "QUEUE_URL": self.queue_url,
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
    return LocalAws(endpoint, table_name, queue_url, dlq_url)
