"""The content-model port: something that writes one variant's copy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..domain import Repair, VariantBrief
from .errors import ContentError


@dataclass(frozen=True)
class Usage:
    """Tokens a call consumed, as the provider reported them.

    ``cached_tokens`` is the part of ``input_tokens`` served from the provider's prompt
    cache (billed at a discount), not an extra amount.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cached_tokens + other.cached_tokens,
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "inputTokens": self.input_tokens,
            "outputTokens": self.output_tokens,
            "cachedTokens": self.cached_tokens,
        }

    @classmethod
    def from_dict(cls, document: dict[str, int]) -> Usage:
        """The inverse of ``as_dict`` (missing figures count as 0)."""
        return cls(
            int(document.get("inputTokens", 0)),
            int(document.get("outputTokens", 0)),
            int(document.get("cachedTokens", 0)),
        )


@dataclass(frozen=True)
class WrittenCopy:
    """The values a model wrote for a brief and what writing them took.

    Attributes:
        values: the copy, by field name (validated by the providers that call a model).
        usage: tokens of every call made for this variant, corrective call included.
        cost_usd: what those tokens cost in USD, from the configured price table;
            ``None`` when the model has no price (unknown, not free: a sum over
            variants that meets ``None`` is incomplete and must say so). ``0.0`` when
            nothing was billed: the offline writer, or a priced model that used no tokens.
        attempts: HTTP attempts made (1 when the first call succeeded).
        retries: attempts that retried a transient failure (for metrics).
        corrections: corrective calls made after invalid output (0 or 1).
        repairs: what was changed to make the copy usable (shortened, defaulted,
            foreign address removed).
    """

    values: dict[str, object]
    usage: Usage
    cost_usd: float | None = 0.0
    attempts: int = 0
    retries: int = 0
    corrections: int = 0
    repairs: tuple[Repair, ...] = ()


class ContentModel(Protocol):
    """Writes copy for a variant. Implementations may raise ``ContentError``.

    ``warnings`` are what the configuration asked for but will not get (a reasoning
    effort the model takes none of, a model without a price), decided once when the
    model is opened, for the service to report; empty when all is as configured.
    """

    provider: str
    model: str
    prompt_version: str  # part of the response-cache key: new prompts, new answers
    warnings: tuple[str, ...]

    def write(self, brief: VariantBrief) -> WrittenCopy: ...


__all__ = ["ContentError", "ContentModel", "Usage", "WrittenCopy"]
