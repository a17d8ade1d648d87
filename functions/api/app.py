"""HTTP API: adapts API Gateway (HTTP API, payload v2) requests to the services.

The routes live in ``sbemail.api.routes`` (one router per use case); this handler builds
the resolver, installs what every route shares and includes them.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths

from sbemail.api import contract, routes
from sbemail.api.resolver import PerThreadResolver, guard_operations, map_errors
from sbemail.bootstrap import services

logger = Logger()
metrics = Metrics()
tracer = Tracer(patch_modules=("botocore",))  # what we call; patching all costs ~30 ms of init
app = PerThreadResolver(enable_validation=True)  # parameters, as documented
guard_operations(app, lambda: services().settings.admin_token)
map_errors(app, logger)
app.include_router(routes.generation)
app.include_router(routes.operations)
app.include_router(routes.brands)
app.include_router(routes.batches)
contract.publish(app)  # GET /api/openapi.json


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
