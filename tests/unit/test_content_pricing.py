"""Cost in USD from a configurable per-model price table; unknown models are unpriced."""

from __future__ import annotations

import pytest

from sbemail.content import ModelPrice, PriceTable, Usage

MILLION = 1_000_000


def test_cost_bills_cached_input_at_its_own_rate() -> None:
    price = ModelPrice(input=0.40, cached_input=0.10, output=1.60)
    usage = Usage(input_tokens=1_000_000, output_tokens=500_000, cached_tokens=250_000)
    assert price.cost(usage) == pytest.approx(0.75 * 0.40 + 0.25 * 0.10 + 0.5 * 1.60)


@pytest.mark.parametrize(
    ("model", "uncached", "cached", "output"),
    [
        # USD per 1M tokens: input, cached input, output (OpenAI's standard tier).
        ("gpt-4.1", 2.00, 0.50, 8.00),
        ("gpt-4.1-mini", 0.40, 0.10, 1.60),
        ("gpt-4.1-nano", 0.10, 0.025, 0.40),
        ("gpt-4o", 2.50, 1.25, 10.00),
        ("gpt-4o-mini", 0.15, 0.075, 0.60),
        ("gpt-5", 1.25, 0.125, 10.00),
        ("gpt-5-mini", 0.25, 0.025, 2.00),
        ("gpt-5-nano", 0.05, 0.005, 0.40),
        ("gpt-5.1", 1.25, 0.125, 10.00),
        ("o1", 15.00, 7.50, 60.00),
        ("o3", 2.00, 0.50, 8.00),
        ("o3-mini", 1.10, 0.55, 4.40),
        ("o4-mini", 1.10, 0.275, 4.40),
    ],
)
def test_default_prices_bill_each_kind_of_token(
    model: str, uncached: float, cached: float, output: float
) -> None:
    table = PriceTable()
    assert table.cost(model, Usage(input_tokens=MILLION)) == pytest.approx(uncached)
    assert table.cost(model, Usage(MILLION, 0, MILLION)) == pytest.approx(cached)
    assert table.cost(model, Usage(output_tokens=MILLION)) == pytest.approx(output)


def test_a_cached_call_on_a_real_model_costs_what_the_price_list_says() -> None:
    # 10,000 input tokens of which 8,192 cached, 600 output tokens, on gpt-4.1-mini.
    usage = Usage(input_tokens=10_000, output_tokens=600, cached_tokens=8_192)
    expected = (1_808 * 0.40 + 8_192 * 0.10 + 600 * 1.60) / MILLION
    assert PriceTable().cost("gpt-4.1-mini", usage) == pytest.approx(expected)


def test_models_without_a_cache_discount_bill_cached_tokens_as_input() -> None:
    assert PriceTable().cost("o3-pro", Usage(MILLION, 0, MILLION)) == pytest.approx(20.00)
    assert PriceTable().cost("o1-pro", Usage(MILLION, MILLION, 0)) == pytest.approx(750.00)


def test_dated_snapshots_use_their_model_price() -> None:
    table = PriceTable()
    assert table.price("gpt-4.1-mini-2025-04-14") == table.price("gpt-4.1-mini")
    assert table.price("gpt-4.1-2025-04-14") == table.price("gpt-4.1")
    assert table.price("o4-mini-2025-04-16") == table.price("o4-mini")
    assert table.price("gpt-5.1-2025-11-13") == table.price("gpt-5.1")
    assert table.knows("gpt-5-mini-2025-08-07")


@pytest.mark.parametrize(
    "model", ["o1-mini", "gpt-4o-audio-preview", "gpt-5-pro", "gpt-4.1-mini-fast", "gpt-5.1x"]
)
def test_a_longer_name_is_another_model_not_its_prefix(model: str) -> None:
    # o1-mini costs a fraction of o1, gpt-5-pro twelve times gpt-5: never guess.
    assert not PriceTable().knows(model)


@pytest.mark.parametrize("model", ["llama3.1:8b", "gpt-9", "", "openai/gpt-4.1-mini"])
def test_unknown_models_are_unpriced_not_free(model: str) -> None:
    table = PriceTable()
    assert not table.knows(model)
    assert table.price(model) is None
    assert table.cost(model, Usage(1000, 1000, 0)) is None
    assert table.cost(model, Usage()) is None  # unknown even when nothing was used


def test_a_priced_model_that_used_nothing_costs_zero() -> None:
    assert PriceTable().cost("gpt-4.1-mini", Usage()) == 0.0


def test_configuration_overrides_and_adds_prices() -> None:
    table = PriceTable.from_json(
        '{"gpt-4.1-mini": {"input": 1, "output": 2}, '
        '"llama3": {"input": 0.01, "cachedInput": 0.001, "output": 0.02}}'
    )
    assert table.price("gpt-4.1-mini") == ModelPrice(input=1.0, output=2.0)
    assert table.price("gpt-4.1-mini-2025-04-14") == ModelPrice(input=1.0, output=2.0)
    assert table.knows("llama3")
    assert table.cost("llama3", Usage(MILLION, MILLION, 0)) == pytest.approx(0.03)
    assert table.cost("llama3", Usage(MILLION, 0, MILLION)) == pytest.approx(0.001)
    assert table.price("gpt-4.1") is not None  # defaults kept
    assert PriceTable.from_json(None).price("gpt-4.1") == PriceTable().price("gpt-4.1")


def test_a_snapshot_can_be_priced_apart_from_its_model() -> None:
    table = PriceTable.from_json('{"gpt-4o-2024-05-13": {"input": 5, "output": 15}}')
    assert table.price("gpt-4o-2024-05-13") == ModelPrice(input=5.0, output=15.0)
    assert table.price("gpt-4o-2024-08-06") == table.price("gpt-4o")


@pytest.mark.parametrize(
    "text",
    [
        "[1, 2]",
        '{"m": 3}',
        '{"m": {"input": 1}}',
        '{"m": {"input": -1, "output": 1}}',
        '{"m": {"input": NaN, "output": 1}}',
        '{"m": {"input": 1, "output": "Infinity"}}',
        "{",
    ],
)
def test_malformed_price_tables_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        PriceTable.from_json(text)
