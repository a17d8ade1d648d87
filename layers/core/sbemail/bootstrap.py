"""The composition root: builds the real objects once per execution environment.

Handlers call ``services()``; the first call (the cold start) loads the block library,
creates the AWS clients and picks the content model, and every later call reuses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import boto3

from .config import Settings
from .content import (
    ApiKeySource,
    ContentModel,
    ContentSettings,
    OfflineContentModel,
    PriceTable,
    RetryPolicy,
    open_content_model,
)
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
    """The content model this configuration asks for.

    Offline without a key (``OPENAI_API_KEY``, or an SSM/Secrets Manager name in
    ``OPENAI_API_KEY_PARAMETER``) and without ``OPENAI_BASE_URL``; otherwise a pool of
    ``session_pool_size`` sessions speaking the Responses API to OpenAI, or Chat
    Completions to the server at ``OPENAI_BASE_URL`` (``OPENAI_API_STYLE`` overrides).
    Neither the SDK nor the key is loaded here: sessions are created on first use.

    Raises:
        ValueError: an unknown API style, more than 5 attempts, or a malformed price table
            (configuration errors, reported at cold start with the variable's name).
    """
    key = ApiKeySource(settings.openai_api_key, settings.openai_api_key_parameter)
    if not key.configured and not settings.openai_base_url:
        return OfflineContentModel()
    style = settings.openai_api_style or ("chat" if settings.openai_base_url else "responses")
    if style not in ("responses", "chat"):
        raise ValueError(f"OPENAI_API_STYLE must be 'responses' or 'chat', not {style!r}")
    try:
        retry = RetryPolicy(
            max_attempts=settings.openai_max_attempts,
            budget_seconds=settings.openai_retry_budget_seconds,
            attempt_timeout=settings.openai_timeout_seconds,
        )
    except ValueError as error:
        raise ValueError(f"OPENAI_MAX_ATTEMPTS / OPENAI_*_SECONDS: {error}") from None
    try:
        prices = PriceTable.from_json(settings.openai_prices)
    except ValueError as error:
        raise ValueError(f"OPENAI_PRICES: {error}") from None
    content = ContentSettings(
        api_style=style,  # type: ignore[arg-type]
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        pool_size=settings.session_pool_size,
        acquire_timeout=settings.session_acquire_timeout_seconds,
        retry=retry,
        prices=prices,
        max_output_tokens=settings.openai_max_output_tokens,
        reasoning_effort=settings.openai_reasoning_effort,
    )
    return open_content_model(content, key)


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
