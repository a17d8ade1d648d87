"""Which models take a reasoning effort, and which efforts: one rule, one table."""

from __future__ import annotations

import pytest

from sbemail.content import REASONING_EFFORTS, reasoning_efforts, takes_reasoning_effort

O_SERIES = {"low", "medium", "high"}
GPT_5 = {"minimal", "low", "medium", "high"}
GPT_5_1 = {"none", "low", "medium", "high"}
NONE: set[str] = set()

CASES = [
    # the gpt-5 family: "minimal" up to gpt-5, "none" from gpt-5.1 on
    ("gpt-5", GPT_5),
    ("gpt-5-mini", GPT_5),
    ("gpt-5-nano", GPT_5),
    ("gpt-5-2025-08-07", GPT_5),
    ("gpt-5-mini-2025-08-07", GPT_5),
    ("gpt-5.1", GPT_5_1),
    ("gpt-5.1-2025-11-13", GPT_5_1),
    ("gpt-5.2", GPT_5_1),
    ("gpt-5-pro", {"high"}),
    # the o-series
    ("o1", O_SERIES),
    ("o1-2024-12-17", O_SERIES),
    ("o1-pro", O_SERIES),
    ("o3", O_SERIES),
    ("o3-mini", O_SERIES),
    ("o3-mini-2025-01-31", O_SERIES),
    ("o3-pro", O_SERIES),
    ("o4-mini", O_SERIES),
    ("o4-mini-2025-04-16", O_SERIES),
    # names written the way gateways and people write them
    ("openai/o4-mini", O_SERIES),
    ("GPT-5.1", GPT_5_1),
    (" gpt-5-mini ", GPT_5),
    # models without a reasoning effort
    ("o1-mini", NONE),
    ("o1-preview-2024-09-12", NONE),
    ("gpt-5-chat-latest", NONE),
    ("gpt-5.1-chat-latest", NONE),
    ("gpt-4.1", NONE),
    ("gpt-4.1-mini", NONE),
    ("gpt-4.1-mini-2025-04-14", NONE),
    ("gpt-4o", NONE),
    ("gpt-4o-mini", NONE),
    ("gpt-4o-2024-08-06", NONE),
    ("gpt-50", NONE),
    ("o2", NONE),
    ("llama3.1", NONE),
    ("", NONE),
]


@pytest.mark.parametrize(("model", "efforts"), CASES)
def test_the_efforts_each_model_takes(model: str, efforts: set[str]) -> None:
    assert reasoning_efforts(model) == efforts
    assert takes_reasoning_effort(model) is bool(efforts)


def test_every_effort_a_model_takes_is_a_valid_setting() -> None:
    for model, _ in CASES:
        assert reasoning_efforts(model) <= set(REASONING_EFFORTS), model
    assert REASONING_EFFORTS == ("none", "minimal", "low", "medium", "high")
