"""Scheduled batch poller: moves open economy batches along (submit to OpenAI's Batch
API, then complete their jobs once the provider batch has ended)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from sbemail.bootstrap import services

logger = Logger()
metrics = Metrics()
tracer = Tracer()

_COUNTS = {
    "submitted": "EconomyBatchesSubmitted",
    "ended": "EconomyBatchesEnded",
    "answered": "EconomyVariantsAnswered",  # copy from the Batch API, at batch prices
    "live": "EconomyVariantsLive",  # failed or expired in the batch: written live
    "failedRequests": "EconomyRequestsFailed",
    "errors": "EconomyPollErrors",
    "VariantsWritten": "VariantsWritten",
    "VariantsFailed": "VariantsFailed",
}


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    report = services().economy.poll()
    for key, name in _COUNTS.items():
        if report.get(key):
            metrics.add_metric(name, MetricUnit.Count, report[key])
    for seconds in report.get("latencies", []):
        metrics.add_metric("BatchLatency", MetricUnit.Seconds, seconds)
    logger.info("batch poll finished", extra=report)
    return report
