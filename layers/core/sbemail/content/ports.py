"""The content-model port: something that writes one variant's copy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..domain import VariantBrief


@dataclass(frozen=True)
class Usage:
    """Tokens a call consumed, as the provider reported them."""

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


@dataclass(frozen=True)
class WrittenCopy:
    """The values a model wrote for a brief (not yet validated) and what it cost."""

    values: dict[str, object]
    usage: Usage


class ContentModel(Protocol):
    """Writes copy for a variant. Implementations may raise ``ContentError``."""

    provider: str
    model: str

    def write(self, brief: VariantBrief) -> WrittenCopy: ...


class ContentError(Exception):
    """Base of every content-generation failure."""
