"""Service configuration, read from the environment once.

Every knob of the original service (TTLs, sizes, pool size, variants, model) is a field
here and a template parameter in ``template.yaml``; code never reads ``os.environ``
elsewhere, so one frozen object describes how an instance behaves.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_DEFAULT_BLOCKS_DIRS = (
    Path("/opt/blocks"),  # the Lambda layer
    Path(__file__).resolve().parents[3] / "blocks",  # a source checkout
)


def _default_blocks_dir() -> Path:
    for candidate in _DEFAULT_BLOCKS_DIRS:
        if candidate.is_dir():
            return candidate
    return _DEFAULT_BLOCKS_DIRS[-1]


@dataclass(frozen=True)
class Settings:
    """How one instance of the service behaves; see ``from_env`` for the variable names."""

    table_name: str = "sbemail"
    queue_url: str = ""
    dynamodb_endpoint: str | None = None
    sqs_endpoint: str | None = None
    region: str = "us-east-1"
    blocks_dir: Path = _DEFAULT_BLOCKS_DIRS[-1]
    store_ttl_minutes: int = 5
    store_max_entries: int = 1000
    cache_ttl_minutes: int = 10
    cache_max_entries: int = 500
    session_pool_size: int = 10
    default_variants: int = 3
    max_text_chars: int = 600
    max_brief_chars: int = 4000
    default_wait_seconds: float = 20.0
    openai_model: str = "gpt-4.1-mini"
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    openai_api_key_parameter: str | None = None
    admin_token: str | None = None
    unsubscribe_target: str = "*|UNSUB|*"
    max_receive_count: int = 3
    # A failed job message comes back after this many seconds, doubling per delivery (with
    # jitter), instead of after the queue's visibility timeout (90 minutes, sized for the
    # worker's timeout), by which time its job would have expired from the store.
    retry_delay_seconds: float = 10.0
    # Content generation (see sbemail.content): API style, timeouts, retries, cost.
    openai_api_style: str | None = None  # "responses" | "chat"; None: chat iff base URL
    openai_timeout_seconds: float = 45.0  # one HTTP attempt
    openai_max_attempts: int = 5  # per model call, first included (at most 5)
    openai_retry_budget_seconds: float = 120.0  # one variant, all attempts and waits
    openai_max_output_tokens: int = 2048
    openai_reasoning_effort: str | None = None  # for reasoning models only
    openai_prices: str | None = None  # JSON: {"model": {"input", "cachedInput", "output"}}
    session_acquire_timeout_seconds: float = 30.0
    # DynamoDB calls, throttling and 5xx included, retried with backoff (botocore's standard
    # mode). The API answers within seconds, so it tries few times; the worker, with
    # minutes to spare, rides out longer throttling (the template sets it per function).
    dynamodb_max_attempts: int = 3
    # Brand lookup (sbemail.brands): Brand.dev's key, where it lives, retries, cache life.
    branddev_api_key: str | None = None  # local runs
    branddev_api_key_parameter: str | None = None  # SSM name in the cloud; neither: off
    branddev_base_url: str = "https://api.brand.dev"
    branddev_timeout_seconds: float = 10.0  # one HTTP attempt
    branddev_max_attempts: int = 3  # first included (at most 5)
    branddev_retry_budget_seconds: float = 20.0  # one lookup; API Gateway cuts at 30 s
    brand_cache_days: float = 30.0
    # Adaptive TTL: hits slide a cache entry's expiry, up to this long after it was made.
    cache_max_ttl_hours: float = 24.0
    # Batches (POST /api/email/batch): how long a batch record stays readable.
    batch_ttl_minutes: int = 60

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables (``os.environ`` unless given)."""
        env = os.environ if env is None else env

        def text(name: str, default: str | None) -> str | None:
            value = env.get(name, "").strip()
            return value or default

        def number(name: str, default: float) -> float:
            value = env.get(name, "").strip()
            return float(value) if value else default

        blocks = text("BLOCKS_DIR", None)
        return cls(
            table_name=text("TABLE_NAME", cls.table_name) or cls.table_name,
            queue_url=text("QUEUE_URL", "") or "",
            dynamodb_endpoint=text("DYNAMODB_ENDPOINT", None),
            sqs_endpoint=text("SQS_ENDPOINT", None),
            region=text("AWS_REGION", None) or text("AWS_DEFAULT_REGION", cls.region) or cls.region,
            blocks_dir=Path(blocks) if blocks else _default_blocks_dir(),
            store_ttl_minutes=int(number("STORE_TTL_MINUTES", cls.store_ttl_minutes)),
            store_max_entries=int(number("STORE_MAX_ENTRIES", cls.store_max_entries)),
            cache_ttl_minutes=int(number("CACHE_TTL_MINUTES", cls.cache_ttl_minutes)),
            cache_max_entries=int(number("CACHE_MAX_ENTRIES", cls.cache_max_entries)),
            session_pool_size=int(number("SESSION_POOL_SIZE", cls.session_pool_size)),
            default_variants=int(number("DEFAULT_VARIANTS", cls.default_variants)),
            max_text_chars=int(number("MAX_TEXT_CHARS", cls.max_text_chars)),
            max_brief_chars=int(number("MAX_BRIEF_CHARS", cls.max_brief_chars)),
            default_wait_seconds=number("DEFAULT_WAIT_SECONDS", cls.default_wait_seconds),
            openai_model=text("OPENAI_MODEL", cls.openai_model) or cls.openai_model,
            openai_base_url=text("OPENAI_BASE_URL", None),
            openai_api_key=text("OPENAI_API_KEY", None),
            openai_api_key_parameter=text("OPENAI_API_KEY_PARAMETER", None),
            admin_token=text("SBEMAIL_ADMIN_TOKEN", None),
            unsubscribe_target=text("UNSUBSCRIBE_TARGET", cls.unsubscribe_target)
            or cls.unsubscribe_target,
            max_receive_count=int(number("MAX_RECEIVE_COUNT", cls.max_receive_count)),
            retry_delay_seconds=number("RETRY_DELAY_SECONDS", cls.retry_delay_seconds),
            openai_api_style=text("OPENAI_API_STYLE", None),
            openai_timeout_seconds=number("OPENAI_TIMEOUT_SECONDS", cls.openai_timeout_seconds),
            openai_max_attempts=int(number("OPENAI_MAX_ATTEMPTS", cls.openai_max_attempts)),
            openai_retry_budget_seconds=number(
                "OPENAI_RETRY_BUDGET_SECONDS", cls.openai_retry_budget_seconds
            ),
            openai_max_output_tokens=int(
                number("OPENAI_MAX_OUTPUT_TOKENS", cls.openai_max_output_tokens)
            ),
            openai_reasoning_effort=text("OPENAI_REASONING_EFFORT", None),
            openai_prices=text("OPENAI_PRICES", None),
            session_acquire_timeout_seconds=number(
                "SESSION_ACQUIRE_TIMEOUT_SECONDS", cls.session_acquire_timeout_seconds
            ),
            dynamodb_max_attempts=int(number("DYNAMODB_MAX_ATTEMPTS", cls.dynamodb_max_attempts)),
            branddev_api_key=text("BRANDDEV_API_KEY", None),
            branddev_api_key_parameter=text("BRANDDEV_API_KEY_PARAMETER", None),
            branddev_base_url=text("BRANDDEV_BASE_URL", cls.branddev_base_url)
            or cls.branddev_base_url,
            branddev_timeout_seconds=number(
                "BRANDDEV_TIMEOUT_SECONDS", cls.branddev_timeout_seconds
            ),
            branddev_max_attempts=int(number("BRANDDEV_MAX_ATTEMPTS", cls.branddev_max_attempts)),
            branddev_retry_budget_seconds=number(
                "BRANDDEV_RETRY_BUDGET_SECONDS", cls.branddev_retry_budget_seconds
            ),
            brand_cache_days=number("BRAND_CACHE_DAYS", cls.brand_cache_days),
            cache_max_ttl_hours=number("CACHE_MAX_TTL_HOURS", cls.cache_max_ttl_hours),
            batch_ttl_minutes=int(number("BATCH_TTL_MINUTES", cls.batch_ttl_minutes)),
        )
