"""What tokens cost: a per-model price table that is configuration, not code.

Prices change more often than this code does, so the table is read from configuration
(``OPENAI_PRICES``, JSON) and merged over the defaults below. Prices are USD per
million tokens; cached input tokens are billed at their own (lower) rate.

A model the table does not know is *unpriced*, not free: ``PriceTable.cost`` returns
``None`` for it, so a bill is never silently understated by a missing or misspelt name.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .ports import Usage

_PER_TOKEN = 1_000_000
# Dated snapshots (``gpt-4.1-mini-2025-04-14``) bill like their model. Only a date is
# stripped: a longer name such as ``o1-pro`` or ``gpt-4o-audio-preview`` is a different
# product with a different price, never its prefix's.
_SNAPSHOT = re.compile(r"^(?P<model>.+)-\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ModelPrice:
    """USD per million tokens for one model.

    ``cached_input`` is ``None`` for models without a prompt-cache discount: their
    cached tokens are billed at the input rate.
    """

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


# OpenAI's standard-tier list prices (USD / 1M tokens: input, cached input, output) when
# this table was written. Override or extend them with OPENAI_PRICES rather than
# editing code; Batch, Flex and Priority processing are billed differently.
DEFAULT_PRICES: Mapping[str, ModelPrice] = {
    "gpt-4.1": ModelPrice(input=2.00, cached_input=0.50, output=8.00),
    "gpt-4.1-mini": ModelPrice(input=0.40, cached_input=0.10, output=1.60),
    "gpt-4.1-nano": ModelPrice(input=0.10, cached_input=0.025, output=0.40),
    "gpt-4o": ModelPrice(input=2.50, cached_input=1.25, output=10.00),
    "gpt-4o-mini": ModelPrice(input=0.15, cached_input=0.075, output=0.60),
    "gpt-5": ModelPrice(input=1.25, cached_input=0.125, output=10.00),
    "gpt-5-mini": ModelPrice(input=0.25, cached_input=0.025, output=2.00),
    "gpt-5-nano": ModelPrice(input=0.05, cached_input=0.005, output=0.40),
    "gpt-5.1": ModelPrice(input=1.25, cached_input=0.125, output=10.00),
    "o1": ModelPrice(input=15.00, cached_input=7.50, output=60.00),
    "o1-pro": ModelPrice(input=150.00, output=600.00),
    "o3": ModelPrice(input=2.00, cached_input=0.50, output=8.00),
    "o3-pro": ModelPrice(input=20.00, output=80.00),
    "o3-mini": ModelPrice(input=1.10, cached_input=0.55, output=4.40),
    "o4-mini": ModelPrice(input=1.10, cached_input=0.275, output=4.40),
}


BATCH_PRICE_FACTOR = 0.5
"""What OpenAI's Batch API bills relative to the standard tier (half, in a 24 h window)."""


class PriceTable:
    """Model name → price. A model without a price is unpriced (``cost`` is ``None``),
    never free: local servers' models, new or misspelt names alike."""

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
        """The price of ``model``, also for its dated snapshots (``gpt-4.1-mini-2025-04-14``);
        ``None`` when the table has none."""
        if model in self._prices:
            return self._prices[model]
        snapshot = _SNAPSHOT.match(model)
        return self._prices.get(snapshot["model"]) if snapshot else None

    def knows(self, model: str) -> bool:
        """Whether ``model`` has a price, so that its costs can be reported at all."""
        return self.price(model) is not None

    def cost(self, model: str, usage: Usage, batch: bool = False) -> float | None:
        """USD for ``usage`` on ``model``, or ``None`` when the model has no price;
        ``batch``: answered through the Batch API, billed at ``BATCH_PRICE_FACTOR``.

        ``None`` means *unknown*, not zero: callers that add costs up must report a
        total with an unpriced part as incomplete rather than treat ``None`` as 0.
        A priced model that used no tokens costs ``0.0``.
        """
        price = self.price(model)
        if price is None:
            return None
        return round(price.cost(usage) * (BATCH_PRICE_FACTOR if batch else 1.0), 8)


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
    if any(v is not None and not 0 <= v < math.inf for v in values.values()):  # NaN too
        raise ValueError(f"price of {model} must be a finite, non-negative number")
    return ModelPrice(**values)  # type: ignore[arg-type]
