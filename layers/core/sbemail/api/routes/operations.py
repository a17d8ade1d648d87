"""Operations routes (operators only, see ``resolver.guard_operations``): the service's
health, statistics and cache upkeep."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ...bootstrap import services

router = APIGatewayHttpRouter()


@router.get("/health")
def health() -> dict[str, Any]:
    return {"status": "ok", "blocks": len(services().library)}


@router.get("/api/email/stats")
def stats() -> dict[str, Any]:
    return {"success": True, "stats": services().operations.stats()}


@router.post("/api/email/cache/clear")
def clear_cache() -> dict[str, Any]:
    return {"success": True, "cleared": services().operations.clear_cache()}


@router.post("/api/email/cache/cleanup")
def cleanup() -> dict[str, Any]:
    return {"success": True, **services().operations.cleanup()}
