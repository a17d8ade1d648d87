"""Building the content model a configuration asks for, without importing the SDK.

``open_content_model`` returns a ``PooledContentModel`` whose sessions are created on
first use: only then is ``openai`` imported, the key read and a client made. The API
function can therefore build the same services as the worker at no cold-start cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .credentials import ApiKeySource
from .pool import PooledContentModel, SessionPool
from .ports import ContentModel
from .pricing import PriceTable
from .retry import Retrier, RetryPolicy

ApiStyle = Literal["responses", "chat"]
# OpenAI-compatible local servers usually need no key, but the SDK insists on one.
_KEYLESS = "not-needed"


@dataclass(frozen=True)
class ContentSettings:
    """How to reach the model (everything here is configuration).

    Attributes:
        api_style: ``responses`` (OpenAI) or ``chat`` (OpenAI-compatible servers).
        model: the model name.
        base_url: the server, ``None`` for OpenAI itself.
        pool_size: sessions (concurrent calls) per container.
        acquire_timeout: seconds a caller waits for a free session.
        retry: attempts, backoff, time budget and per-attempt timeout.
        prices: the per-model price table for cost in USD.
        max_output_tokens: ceiling on an answer's tokens.
        reasoning_effort: ``reasoning.effort`` for reasoning models (Responses only).
    """

    api_style: ApiStyle = "responses"
    model: str = "gpt-4.1-mini"
    base_url: str | None = None
    pool_size: int = 10
    acquire_timeout: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    prices: PriceTable = field(default_factory=PriceTable)
    max_output_tokens: int = 2048
    reasoning_effort: str | None = None

    @property
    def provider(self) -> str:
        return "openai" if self.api_style == "responses" else "openai-compatible"


def open_content_model(
    settings: ContentSettings, api_key: ApiKeySource, retrier: Retrier | None = None
) -> PooledContentModel:
    """A pooled model whose sessions each own a warm client (created lazily).

    Args:
        retrier: shared by every session (it is stateless); a default from
            ``settings.retry`` when omitted. Tests inject clocks and sleeps here.
    """
    shared_retrier = retrier or Retrier(settings.retry)

    def new_session() -> ContentModel:
        return create_provider(settings, api_key, shared_retrier)

    pool: SessionPool[ContentModel] = SessionPool(
        new_session, size=settings.pool_size, acquire_timeout=settings.acquire_timeout
    )
    return PooledContentModel(pool, provider=settings.provider, model=settings.model)


def create_provider(
    settings: ContentSettings, api_key: ApiKeySource, retrier: Retrier
) -> ContentModel:
    """One provider with its own SDK client (the SDK's retries off: ours decide)."""
    import openai

    from .chat import ChatCompletionsContentModel
    from .responses import ResponsesContentModel

    key = api_key() if api_key.configured or not settings.base_url else _KEYLESS
    client = openai.OpenAI(
        api_key=key,
        base_url=settings.base_url,
        max_retries=0,
        timeout=settings.retry.attempt_timeout,
    )
    if settings.api_style == "chat":
        return ChatCompletionsContentModel(
            client,
            settings.model,
            retrier=retrier,
            prices=settings.prices,
            max_output_tokens=settings.max_output_tokens,
        )
    return ResponsesContentModel(
        client,
        settings.model,
        retrier=retrier,
        prices=settings.prices,
        max_output_tokens=settings.max_output_tokens,
        reasoning_effort=settings.reasoning_effort,
    )
