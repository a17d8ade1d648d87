"""The composition root: builds the real objects once per execution environment.

Handlers call ``services()``; the first call (the cold start) loads the block library,
creates the AWS clients and picks the content model, and every later call reuses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from .config import Settings
from .content import ContentModel, OfflineContentModel
from .domain import BlockLibrary
from .domain.brand_markup import unsubscribe_target
from .queue import SQSJobQueue
from .service import GenerationService, GenerationSettings, Limits, OperationsService
from .storage import DynamoDBJobStore, DynamoDBResponseCache, Table, TableSweeper


@dataclass(frozen=True)
class Services:
    settings: Settings
    library: BlockLibrary
    table: Table
    store: DynamoDBJobStore
    generation: GenerationService
    operations: OperationsService


def build_content_model(settings: Settings) -> ContentModel:
    """The content model this configuration asks for (offline without a key)."""
    return OfflineContentModel()


def pool_stats_of(content: ContentModel, size: int) -> dict[str, Any]:
    """Session-pool stats of the content model (an idle pool of ``size`` if it has none)."""
    stats = getattr(content, "pool_stats", None)
    if callable(stats):
        return dict(stats())
    return {"availableThreads": size, "activeThreads": 0, "maxThreads": size, "utilization": 0.0}


@cache
def services() -> Services:
    """The one set of services of this execution environment."""
    settings = Settings.from_env()
    session = boto3.session.Session(region_name=settings.region)
    client_config = Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=64)
    table = Table(
        session.client("dynamodb", endpoint_url=settings.dynamodb_endpoint, config=client_config),
        settings.table_name,
    )
    sqs = session.client("sqs", endpoint_url=settings.sqs_endpoint, config=client_config)
    library = BlockLibrary.load(settings.blocks_dir)
    unsubscribe_target(settings.unsubscribe_target)  # a bad setting fails the cold start
    content = build_content_model(settings)
    store = DynamoDBJobStore(table, ttl_seconds=settings.store_ttl_minutes * 60)
    response_cache = DynamoDBResponseCache(
        table,
        ttl_seconds=settings.cache_ttl_minutes * 60,
        pending_ttl_seconds=settings.store_ttl_minutes * 60,
        max_local_entries=settings.cache_max_entries,
    )
    generation = GenerationService(
        library=library,
        content=content,
        store=store,
        queue=SQSJobQueue(sqs, settings.queue_url),
        cache=response_cache,
        settings=GenerationSettings(
            default_variants=settings.default_variants,
            max_text_chars=settings.max_text_chars,
            concurrency=settings.session_pool_size,
            unsubscribe_target=settings.unsubscribe_target,
        ),
    )
    operations = OperationsService(
        store=store,
        cache=response_cache,
        sweeper=TableSweeper(table),
        library=library,
        pool_stats=lambda: pool_stats_of(content, settings.session_pool_size),
        limits=Limits(settings.store_ttl_minutes, settings.store_max_entries),
    )
    return Services(settings, library, table, store, generation, operations)
