"""Worker: runs queued generation jobs from SQS batches, reporting partial failures."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from sbemail.bootstrap import services

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


def run_record(record: SQSRecord) -> None:
    job_id = json.loads(record.body)["jobId"]
    logger.append_keys(job_id=job_id)
    services().generation.run(job_id)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=run_record, processor=processor, context=context
    )
