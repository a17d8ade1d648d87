"""What tokens cost: a per-model price table that is configuration, not code.

Prices change more often than this code does, so the table is read from configuration
(``OPENAI_PRICES``, JSON) and merged over the defaults below. Prices are USD per
million tokens; cached input tokens are billed at their own (lower) rate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from .ports import Usage

_PER_TOKEN = 1_000_000


@dataclass(frozen=True)
class ModelPrice:
    """USD per million tokens for one model."""

    input: float
    output: float
    cached_input: float | None = None

    def cost(self, usage: Usage) -> float:
        """The cost of ``usage``; cached input tokens at the cached rate when known."""
        cached = min(usage.cached_tokens, usage.input_tokens)
        cached_rate = self.input if self.cached_input is None else self.cached_input
        total = (
            (usage.input_tokens - cached) * self.input
            + cached * cached_rate
            + usage.output_tokens * self.output
        )
        return total / _PER_TOKEN


# Public list prices (USD / 1M tokens) when this table was written; override them with
# OPENAI_PRICES rather than editing code.
DEFAULT_PRICES: Mapping[str, ModelPrice] = {
    "gpt-4.1": ModelPrice(input=2.00, cached_input=0.50, output=8.00),
    "gpt-4.1-mini": ModelPrice(input=0.40, cached_input=0.10, output=1.60),
    "gpt-4.1-nano": ModelPrice(input=0.10, cached_input=0.025, output=0.40),
    "gpt-4o": ModelPrice(input=2.50, cached_input=1.25, output=10.00),
    "gpt-4o-mini": ModelPrice(input=0.15, cached_input=0.075, output=0.60),
    "gpt-5": ModelPrice(input=1.25, cached_input=0.125, output=10.00),
    "gpt-5-mini": ModelPrice(input=0.25, cached_input=0.025, output=2.00),
    "gpt-5-nano": ModelPrice(input=0.05, cached_input=0.005, output=0.40),
}


class PriceTable:
    """Model name → price; unknown models (a local server's, say) cost nothing."""

    def __init__(self, prices: Mapping[str, ModelPrice] | None = None) -> None:
        self._prices = dict(DEFAULT_PRICES if prices is None else prices)

    @classmethod
    def from_json(
        cls, text: str | None, base: Mapping[str, ModelPrice] = DEFAULT_PRICES
    ) -> PriceTable:
        """``base`` overridden by a JSON object such as
        ``{"gpt-4.1-mini": {"input": 0.4, "cachedInput": 0.1, "output": 1.6}}``.

        Raises:
            ValueError: the JSON is malformed or a price is missing or negative.
        """
        prices = dict(base)
        if text and text.strip():
            document = json.loads(text)
            if not isinstance(document, dict):
                raise ValueError("prices must be a JSON object of model → price")
            for model, spec in document.items():
                prices[str(model)] = _price(str(model), spec)
        return cls(prices)

    def price(self, model: str) -> ModelPrice | None:
        """The price of ``model``, also for dated snapshots (``gpt-4.1-mini-2025-04-14``)."""
        if model in self._prices:
            return self._prices[model]
        snapshots = (name for name in self._prices if model.startswith(name + "-"))
        base = max(snapshots, key=len, default=None)
        return self._prices[base] if base else None

    def cost(self, model: str, usage: Usage) -> float:
        """USD for ``usage`` on ``model`` (0.0 when the model has no price)."""
        price = self.price(model)
        return round(price.cost(usage), 8) if price else 0.0


def _price(model: str, spec: object) -> ModelPrice:
    if not isinstance(spec, dict):
        raise ValueError(f"price of {model} must be an object")
    try:
        values = {
            "input": float(spec["input"]),
            "output": float(spec["output"]),
            "cached_input": (
                float(spec["cachedInput"]) if spec.get("cachedInput") is not None else None
            ),
        }
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"price of {model}: needs numeric input and output ({error})") from None
    if any(v is not None and v < 0 for v in values.values()):
        raise ValueError(f"price of {model} must not be negative")
    return ModelPrice(**values)  # type: ignore[arg-type]
