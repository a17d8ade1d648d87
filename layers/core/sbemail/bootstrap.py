"""The composition root: builds the real objects once per execution environment.

Handlers call ``services()``; the first call (the cold start) loads the block library,
creates the AWS clients and picks the content model, and every later call reuses them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, update_wrapper
from typing import Any

import botocore.session
from botocore.config import Config

from .brands import BrandDevClient
from .config import Settings
from .content import (
    ApiKeySource,
    ContentModel,
    ContentSettings,
    OfflineContentModel,
    PooledContentModel,
    PriceTable,
    RetryPolicy,
    SessionPool,
    open_content_model,
)
from .content.credentials import AwsClientFactory
from .content.openai_batches import WINDOW_SECONDS
from .domain import BlockLibrary
from .domain.brand_markup import unsubscribe_target
from .queue import SQSJobQueue
from .service import (
    BatchService,
    BrandLookupService,
    EconomyService,
    GenerationService,
    GenerationSettings,
    JobRunner,
    Limits,
    OperationsService,
    WarmingService,
)
from .storage import (
    DynamoDBBatchStore,
    DynamoDBBrandCache,
    DynamoDBJobStore,
    DynamoDBResponseCache,
    Table,
    TableSweeper,
)
from .storage.held_counts import HeldCounts
from .storage.pool_gauge import PoolGauge


@dataclass(frozen=True)
class Services:
    settings: Settings
    library: BlockLibrary
    table: Table
    content: PooledContentModel
    store: DynamoDBJobStore
    generation: GenerationService
    runner: JobRunner
    operations: OperationsService
    brands: BrandLookupService
    warming: WarmingService
    batches: BatchService
    economy: EconomyService
    queue: SQSJobQueue  # the worker sends its failed messages back sooner


def build_content_model(
    settings: Settings, aws_client: AwsClientFactory | None = None
) -> PooledContentModel:
    """The content model this configuration asks for.

    Offline without a key (``OPENAI_API_KEY``, or an SSM/Secrets Manager name in
    ``OPENAI_API_KEY_PARAMETER``) and without ``OPENAI_BASE_URL``; otherwise a pool of
    ``session_pool_size`` sessions speaking the Responses API to OpenAI, or Chat
    Completions to the server at ``OPENAI_BASE_URL`` (``OPENAI_API_STYLE`` overrides).
    Neither the SDK nor the key is loaded here: sessions are created on first use; a
    key in SSM or Secrets Manager is read with a client from ``aws_client``.

    Raises:
        ValueError: an unknown API style, more than 5 attempts, or a malformed price table
            (configuration errors, reported at cold start with the variable's name).
    """
    key = ApiKeySource(
        settings.openai_api_key, settings.openai_api_key_parameter, aws_client=aws_client
    )
    if not key.configured and not settings.openai_base_url:
        # Pooled like the real providers, so concurrency and pool stats are the same.
        offline: SessionPool[ContentModel] = SessionPool(
            OfflineContentModel,
            size=settings.session_pool_size,
            acquire_timeout=settings.session_acquire_timeout_seconds,
        )
        return PooledContentModel(offline, OfflineContentModel.provider, OfflineContentModel.model)
    style = settings.openai_api_style or ("chat" if settings.openai_base_url else "responses")
    if style not in ("responses", "chat"):
        raise ValueError(f"OPENAI_API_STYLE must be 'responses' or 'chat', not {style!r}")
    retry = _retry_policy(
        "OPENAI",
        settings.openai_max_attempts,
        settings.openai_retry_budget_seconds,
        settings.openai_timeout_seconds,
    )
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


def _retry_policy(
    prefix: str, max_attempts: int, budget_seconds: float, attempt_timeout: float
) -> RetryPolicy:
    """The retry policy of one upstream service, a bad setting refused at cold start with
    the names of the ``<prefix>_*`` variables it came from."""
    try:
        return RetryPolicy(
            max_attempts=max_attempts,
            budget_seconds=budget_seconds,
            attempt_timeout=attempt_timeout,
        )
    except ValueError as error:
        raise ValueError(f"{prefix}_MAX_ATTEMPTS / {prefix}_*_SECONDS: {error}") from None


def build_brand_lookup(
    settings: Settings, table: Table, aws_client: AwsClientFactory | None = None
) -> BrandLookupService:
    """Brand lookup through the table; Brand.dev behind it only when a key is configured
    (``BRANDDEV_API_KEY``, or an SSM name in ``BRANDDEV_API_KEY_PARAMETER``).

    Raises:
        ValueError: more than 5 attempts or a non-positive timeout (at cold start, named).
    """
    cache = DynamoDBBrandCache(table, ttl_seconds=int(settings.brand_cache_days * 86400))
    key = ApiKeySource(
        settings.branddev_api_key,
        settings.branddev_api_key_parameter,
        aws_client=aws_client,
        label="Brand.dev API key",
    )
    if not key.configured:
        return BrandLookupService(None, cache)
    retry = _retry_policy(
        "BRANDDEV",
        settings.branddev_max_attempts,
        settings.branddev_retry_budget_seconds,
        settings.branddev_timeout_seconds,
    )
    source = BrandDevClient(key, retry, settings.branddev_base_url)
    return BrandLookupService(source, cache)


class _BuiltOnce:
    """A cached builder whose first build happens once, however many callers race to it.

    ``functools.cache`` alone lets every caller that arrives before the first build
    returns run a build of its own (50 simultaneous first requests, 50 builds). Here
    the first build runs under a lock: the callers racing it wait and then share it.
    Later calls read the cache without the lock; ``cache_clear`` forgets the build.
    """

    def __init__(self, build: Callable[[], Services]) -> None:
        self._build = cache(build)
        self._lock = threading.Lock()
        update_wrapper(self, build)

    def __call__(self) -> Services:
        if self._build.cache_info().currsize:
            return self._build()
        with self._lock:  # the builder stores its result before the lock is released
            return self._build()

    def cache_clear(self) -> None:
        with self._lock:
            self._build.cache_clear()


def _build_services() -> Services:
    """The one set of services of this execution environment."""
    settings = Settings.from_env()
    # botocore, not boto3: importing boto3 loads s3transfer and multiprocessing as well.
    session = botocore.session.get_session()
    client_config = Config(
        region_name=settings.region,
        retries={"mode": "standard", "max_attempts": 3},
        max_pool_connections=64,
        # Our adapters build every request themselves, and the service validates it
        # anyway: checking each against the API model costs the client CPU per call.
        parameter_validation=False,
    )
    dynamodb_config = client_config.merge(
        Config(retries={"mode": "standard", "max_attempts": settings.dynamodb_max_attempts})
    )
    table = Table(
        session.create_client(
            "dynamodb", endpoint_url=settings.dynamodb_endpoint, config=dynamodb_config
        ),
        settings.table_name,
    )
    sqs = session.create_client("sqs", endpoint_url=settings.sqs_endpoint, config=client_config)
    library = BlockLibrary.load(settings.blocks_dir)
    unsubscribe_target(settings.unsubscribe_target)  # a bad setting fails the cold start

    def aws_client(service: str) -> Any:  # where the API keys live (SSM, Secrets Manager)
        return session.create_client(service, config=client_config)

    content = build_content_model(settings, aws_client)
    pool_gauge = PoolGauge(table, settings.session_pool_size)  # threadPool across workers
    held = HeldCounts(table)  # the container's counter changes, written together
    store = DynamoDBJobStore(table, ttl_seconds=settings.store_ttl_minutes * 60, held=held)
    response_cache = DynamoDBResponseCache(
        table,
        ttl_seconds=settings.cache_ttl_minutes * 60,
        pending_ttl_seconds=settings.store_ttl_minutes * 60,
        max_local_entries=settings.cache_max_entries,
        max_ttl_seconds=round(settings.cache_max_ttl_hours * 3600),
        held=held,
    )
    brands = build_brand_lookup(settings, table, aws_client)
    queue = SQSJobQueue(sqs, settings.queue_url)
    generation = GenerationService(
        brands=brands,
        library=library,
        content=content,
        store=store,
        queue=queue,
        cache=response_cache,
        settings=GenerationSettings(
            default_variants=settings.default_variants,
            max_text_chars=settings.max_text_chars,
            max_brief_chars=settings.max_brief_chars,
        ),
    )
    # The worker side: runs the jobs the generation service queued (worker, economy).
    runner = JobRunner(
        library,
        content,
        store,
        cache=response_cache,
        concurrency=settings.session_pool_size,
        unsubscribe_target=settings.unsubscribe_target,
        sessions=pool_gauge.change,  # the workers' sessions in use, across containers
    )
    operations = OperationsService(
        store=store,
        cache=response_cache,
        sweeper=TableSweeper(table),
        library=library,
        pool_stats=pool_gauge.snapshot,
        limits=Limits(settings.store_ttl_minutes, settings.store_max_entries),
    )
    # Batches: many requests in one call, admitted by the generation service; economy
    # batches go through OpenAI's Batch API (when the model speaks it), run by a poller.
    batch_store = DynamoDBBatchStore(table, ttl_seconds=settings.batch_ttl_minutes * 60)
    economy = EconomyService(runner, batch_store, content)
    batches = BatchService(
        generation,
        batch_store,
        queue,
        economy=lambda: economy.available,
        economy_ttl_seconds=WINDOW_SECONDS + settings.batch_ttl_minutes * 60,
    )
    warming = WarmingService(generation, batches)  # batchId warm-ups replay batches
    return Services(
        settings,
        library,
        table,
        content,
        store,
        generation,
        runner,
        operations,
        brands,
        warming,
        batches,
        economy,
        queue,
    )


services = _BuiltOnce(_build_services)
