"""Operations routes (operators only, see ``resolver.guard_operations``): the service's
health, statistics and cache upkeep (clearing, sweeping, warming). What each answers is
documented in ``api.contract``."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit

from ...bootstrap import services
from .. import contract
from ..bodies import json_request
from ..resolver import json_response

router = APIGatewayHttpRouter()
metrics = Metrics()


@router.get("/health", **contract.HEALTH)
def health() -> dict[str, Any]:
    return {"status": "ok", "blocks": len(services().library)}


@router.get("/api/email/stats", **contract.STATS)
def stats() -> dict[str, Any]:
    return {"success": True, "stats": services().operations.stats()}


@router.post("/api/email/cache/clear", **contract.CLEAR_CACHE)
def clear_cache() -> dict[str, Any]:
    return {"success": True, "cleared": services().operations.clear_cache()}


@router.post("/api/email/cache/cleanup", **contract.CLEANUP)
def cleanup() -> dict[str, Any]:
    return {"success": True, **services().operations.cleanup()}


@router.post("/api/email/cache/warm", **contract.WARM_CACHE)
def warm_cache() -> Response[Any]:
    event = router.current_event
    body = json_request(
        event.headers.get("content-type"), event.body, bool(event.is_base64_encoded)
    )
    report = services().warming.warm(body)
    summary = report["summary"]
    metrics.add_metric("CacheWarmQueued", MetricUnit.Count, summary["queued"])
    metrics.add_metric("CacheWarmAlreadyCached", MetricUnit.Count, summary["cached"])
    metrics.add_metric("CacheWarmInvalid", MetricUnit.Count, summary["invalid"])
    return json_response(202 if summary["queued"] else 200, {"success": True, **report})
