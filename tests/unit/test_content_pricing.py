"""Cost in USD from a configurable per-model price table."""

from __future__ import annotations

import pytest

from sbemail.content import ModelPrice, PriceTable, Usage


def test_cost_bills_cached_input_at_its_own_rate() -> None:
    price = ModelPrice(input=0.40, cached_input=0.10, output=1.60)
    usage = Usage(input_tokens=1_000_000, output_tokens=500_000, cached_tokens=250_000)
    assert price.cost(usage) == pytest.approx(0.75 * 0.40 + 0.25 * 0.10 + 0.5 * 1.60)


def test_dated_snapshots_use_their_model_price() -> None:
    table = PriceTable()
    assert table.price("gpt-4.1-mini-2025-04-14") == table.price("gpt-4.1-mini")
    assert table.price("gpt-4.1-2025-04-14") == table.price("gpt-4.1")


def test_unknown_models_cost_nothing() -> None:
    assert PriceTable().cost("llama3.1:8b", Usage(1000, 1000, 0)) == 0.0


def test_configuration_overrides_and_adds_prices() -> None:
    table = PriceTable.from_json(
        '{"gpt-4.1-mini": {"input": 1, "output": 2}, "llama3": {"input": 0.01, "output": 0.02}}'
    )
    assert table.price("gpt-4.1-mini") == ModelPrice(input=1.0, output=2.0)
    assert table.cost("llama3", Usage(1_000_000, 1_000_000, 0)) == pytest.approx(0.03)
    assert table.price("gpt-4.1") is not None  # defaults kept


@pytest.mark.parametrize(
    "text",
    ["[1, 2]", '{"m": 3}', '{"m": {"input": 1}}', '{"m": {"input": -1, "output": 1}}', "{"],
)
def test_malformed_price_tables_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        PriceTable.from_json(text)
