"""Worker: runs queued generation jobs from SQS batches, reporting partial failures.

The records of one batch run at once, as many as the container's model sessions can
serve without a variant waiting for a session (``jobs_at_once``): one after another, the
fifth job of a batch would wait for four whole jobs while sessions stood idle. A record
that fails is retried by SQS, brought back after a short, doubling delay (the
queue's visibility timeout is sized for the worker's 15 minutes and would outlast the
job's record); on its last allowed delivery the job is marked failed with the reason
before the message moves to the dead-letter queue.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    AsyncBatchProcessor,
    EventType,
    async_process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from sbemail.bootstrap import services
from sbemail.domain import MAX_VARIANTS
from sbemail.queue import retry_delay

logger = Logger()
metrics = Metrics()
tracer = Tracer(patch_modules=("botocore",))  # what we call; patching all costs ~30 ms of init


def jobs_at_once() -> int:
    """Jobs a container runs together: each may ask for ``MAX_VARIANTS`` model calls at
    once, and together they never ask for more than the session pool holds."""
    return max(1, services().settings.session_pool_size // MAX_VARIANTS)


def run_record(record: SQSRecord, lambda_context: Any) -> None:
    job_id = json.loads(record.body)["jobId"]
    logger.thread_safe_append_keys(job_id=job_id)  # records run on threads of their own
    runner = services().runner
    # Leased for as long as this invocation may live: a second delivery of the job
    # meanwhile leaves it to this one, and a worker that dies never holds it longer.
    lease = lambda_context.get_remaining_time_in_millis() / 1000
    try:
        done = runner.run(job_id, lease_seconds=lease)
    except Exception as error:
        settings = services().settings
        deliveries = int(record.attributes.approximate_receive_count)
        if deliveries >= settings.max_receive_count:
            runner.abandon(job_id, f"{type(error).__name__}: {error}")
            metrics.add_metric("JobsAbandoned", MetricUnit.Count, 1)
        else:
            # Half the job record's life at most: the retry must find the job still there.
            cap = settings.store_ttl_minutes * 60 / 2
            delay = retry_delay(deliveries, settings.retry_delay_seconds, cap)
            services().queue.retry_later(record.receipt_handle, delay)
            metrics.add_metric("JobsRetried", MetricUnit.Count, 1)
        raise
    metrics.add_metric("JobsRun", MetricUnit.Count, 1)
    for name, count in done.items():  # VariantsWritten, CopyCorrections, UnpricedVariants, ...
        metrics.add_metric(name, MetricUnit.Count, count)


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # One processor per invocation: it holds the batch's records and outcomes, and the
    # local server invokes this handler from several threads at once.
    processor = AsyncBatchProcessor(event_type=EventType.SQS)
    slots = asyncio.Semaphore(jobs_at_once())

    async def run_in_turn(record: SQSRecord) -> None:
        async with slots:
            await asyncio.to_thread(run_record, record, context)

    return async_process_partial_response(
        event=event, record_handler=run_in_turn, processor=processor, context=context
    )
