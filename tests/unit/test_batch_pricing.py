"""Batch API prices: half the standard tier, and never a price for an unpriced model."""

from __future__ import annotations

import pytest

from sbemail.content import PriceTable, Usage
from sbemail.content.pricing import BATCH_PRICE_FACTOR


def test_a_batch_answer_costs_half_of_the_same_tokens_live() -> None:
    prices = PriceTable()
    usage = Usage(input_tokens=12_000, output_tokens=900, cached_tokens=8_192)
    live = prices.cost("gpt-4.1-mini", usage)
    assert live is not None and live > 0
    assert BATCH_PRICE_FACTOR == 0.5
    assert prices.cost("gpt-4.1-mini", usage, batch=True) == pytest.approx(live / 2)


def test_an_unpriced_model_stays_unpriced_in_a_batch() -> None:
    assert PriceTable().cost("someone-elses-model", Usage(10, 10), batch=True) is None
