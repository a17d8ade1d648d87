"""The composition root: builds the real objects once per execution environment.

Handlers call ``services()``; the first call (the cold start) loads the block library,
creates the AWS clients and picks the content model, and every later call reuses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import boto3

from .config import Settings
from .content import ContentModel, OfflineContentModel
from .domain import BlockLibrary
from .queue import SQSJobQueue
from .service import GenerationService, GenerationSettings
from .storage import DynamoDBJobStore


@dataclass(frozen=True)
class Services:
    settings: Settings
    library: BlockLibrary
    generation: GenerationService


def build_content_model(settings: Settings) -> ContentModel:
    """The content model this configuration asks for (offline without a key)."""
    return OfflineContentModel()


@cache
def services() -> Services:
    """The one set of services of this execution environment."""
    settings = Settings.from_env()
    session = boto3.session.Session(region_name=settings.region)
    table = session.resource("dynamodb", endpoint_url=settings.dynamodb_endpoint).Table(
        settings.table_name
    )
    sqs = session.client("sqs", endpoint_url=settings.sqs_endpoint)
    library = BlockLibrary.load(settings.blocks_dir)
    generation = GenerationService(
        library=library,
        content=build_content_model(settings),
        store=DynamoDBJobStore(table, ttl_seconds=settings.store_ttl_minutes * 60),
        queue=SQSJobQueue(sqs, settings.queue_url),
        settings=GenerationSettings(default_variants=settings.default_variants),
    )
    return Services(settings=settings, library=library, generation=generation)
