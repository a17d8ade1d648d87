"""Scheduled cleanup: removes expired store and cache items in bounded pages."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from sbemail.bootstrap import services

logger = Logger()
metrics = Metrics()
tracer = Tracer(patch_modules=("botocore",))  # what we call; patching all costs ~30 ms of init


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    report = services().operations.cleanup()
    metrics.add_metric("StoreItemsRemoved", MetricUnit.Count, report["removed"]["store"])
    metrics.add_metric("CacheItemsRemoved", MetricUnit.Count, report["removed"]["cache"])
    logger.info("cleanup finished", extra=report)
    return report
