"""Building the content model a configuration asks for, without importing the SDK.

``open_content_model`` returns a ``PooledContentModel`` whose sessions are created on
first use: only then is ``openai`` imported, the key read and a client made. The API
function can therefore build the same services as the worker at no cold-start cost.
"""

from __future__ import annotations

import logging
import re
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
logger = logging.getLogger(__name__)

# The reasoning efforts OpenAI documents for the models this service prices; a value
# outside them is a typo, refused at start rather than by every request.
REASONING_EFFORTS: tuple[str, ...] = ("none", "minimal", "low", "medium", "high")
_O_SERIES_EFFORTS = frozenset({"low", "medium", "high"})
_GPT5_EFFORTS = frozenset({"minimal", "low", "medium", "high"})  # gpt-5, -mini, -nano
_GPT5_1_EFFORTS = frozenset({"none", "low", "medium", "high"})  # gpt-5.1 on: "none", no "minimal"
_PRO_EFFORTS = frozenset({"high"})
# Checked in this order; names are matched without a gateway prefix ("openai/gpt-5").
_EFFORT_RULES: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"^o1-(mini|preview)(-|$)"), frozenset()),  # predate the parameter
    (re.compile(r"^gpt-5(\.\d+)?-chat(-|$)"), frozenset()),  # chat-latest: no effort to set
    (re.compile(r"^o[134](-|$)"), _O_SERIES_EFFORTS),
    (re.compile(r"^gpt-5(\.\d+)?-pro(-|$)"), _PRO_EFFORTS),
    (re.compile(r"^gpt-5\.\d+(-|$)"), _GPT5_1_EFFORTS),
    (re.compile(r"^gpt-5(-|$)"), _GPT5_EFFORTS),
)


def reasoning_efforts(model: str) -> frozenset[str]:
    """The reasoning efforts ``model`` is documented to take; empty when it takes none.

    Reasoning models (the gpt-5 family, gpt-5.1 included, and the o1/o3/o4 families)
    take one; gpt-4.1, gpt-4o and other models reject the parameter outright, so it must
    not be sent to them. Dated snapshots behave like their model.
    """
    name = model.strip().lower().rsplit("/", 1)[-1]
    for pattern, efforts in _EFFORT_RULES:
        if pattern.match(name):
            return efforts
    return frozenset()


def takes_reasoning_effort(model: str) -> bool:
    """Whether requests for ``model`` may carry a reasoning effort at all."""
    return bool(reasoning_efforts(model))


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
        max_output_tokens: ceiling on an answer's tokens (reasoning tokens included).
        reasoning_effort: one of ``REASONING_EFFORTS`` or ``None``; sent only to models
            that take one (``reasoning.effort`` in Responses, ``reasoning_effort`` in
            Chat Completions) and otherwise ignored, with a warning.

    Raises:
        ValueError: ``reasoning_effort`` is not a documented effort (a configuration
            error, reported at cold start with the variable's name).
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

    def __post_init__(self) -> None:
        effort = (self.reasoning_effort or "").strip().lower() or None
        if effort is not None and effort not in REASONING_EFFORTS:
            raise ValueError(
                f"OPENAI_REASONING_EFFORT must be one of {', '.join(REASONING_EFFORTS)}, "
                f"not {self.reasoning_effort!r}"
            )
        object.__setattr__(self, "reasoning_effort", effort)  # frozen: normalise once

    @property
    def provider(self) -> str:
        return "openai" if self.api_style == "responses" else "openai-compatible"

    @property
    def request_reasoning_effort(self) -> str | None:
        """The effort requests carry: the configured one when the model takes any."""
        return self.reasoning_effort if takes_reasoning_effort(self.model) else None

    def warnings(self) -> tuple[str, ...]:
        """What this configuration asks for but will not get, in words an operator acts on.

        A reasoning effort the model takes none of (ignored), one the model is not
        documented to take (sent, but the API may refuse it), and a model without a
        price (its costs are reported as unpriced, ``None``, rather than as $0).
        """
        found: list[str] = []
        effort = self.reasoning_effort
        if effort is not None:
            accepted = reasoning_efforts(self.model)
            if not accepted:
                found.append(
                    f"OPENAI_REASONING_EFFORT ignored: {self.model} takes no reasoning effort"
                )
            elif effort not in accepted:
                documented = ", ".join(e for e in REASONING_EFFORTS if e in accepted)
                found.append(
                    f"OPENAI_REASONING_EFFORT={effort} is not documented for {self.model} "
                    f"(it takes {documented}): the API may reject its requests"
                )
        if not self.prices.knows(self.model):
            found.append(f"model {self.model} has no price: costs are reported as unpriced")
        return tuple(found)


def open_content_model(
    settings: ContentSettings, api_key: ApiKeySource, retrier: Retrier | None = None
) -> PooledContentModel:
    """A pooled model whose sessions each own a warm client (created lazily).

    The configuration's warnings (``ContentSettings.warnings``) are decided here, once
    per container: each is logged once and kept on the returned model's ``warnings``
    for the service to report; requests never repeat them.

    Args:
        retrier: shared by every session (it is stateless); a default from
            ``settings.retry`` when omitted. Tests inject clocks and sleeps here.
    """
    notices = settings.warnings()
    for notice in notices:
        logger.warning(notice)
    shared_retrier = retrier or Retrier(settings.retry)

    def new_session() -> ContentModel:
        return create_provider(settings, api_key, shared_retrier)

    pool: SessionPool[ContentModel] = SessionPool(
        new_session, size=settings.pool_size, acquire_timeout=settings.acquire_timeout
    )
    return PooledContentModel(
        pool, provider=settings.provider, model=settings.model, warnings=notices
    )


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
            reasoning_effort=settings.request_reasoning_effort,
        )
    return ResponsesContentModel(
        client,
        settings.model,
        retrier=retrier,
        prices=settings.prices,
        max_output_tokens=settings.max_output_tokens,
        reasoning_effort=settings.request_reasoning_effort,
    )
