"""Operations routes (operators only, see ``resolver.guard_operations``): the service's
health, statistics and cache upkeep. What each answers is documented in ``api.contract``."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ...bootstrap import services
from .. import contract

router = APIGatewayHttpRouter()


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
