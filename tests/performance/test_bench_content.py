"""Benchmarks of the content path: tokens, cost, prompt caching, pool throughput.

They print figures (``make bench`` shows them) and assert only behaviour, never times.
Token counts use the o200k encoding of the OpenAI models we target.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from sbemail.content import OfflineContentModel
from sbemail.domain import render, resolve_theme

from fakes import tokens
from fakes.briefs import briefs_for, sample, sample_names
from fakes.content import API_KEY, pooled_model
from fakes.openai_server import Behaviour, FakeOpenAI

MODEL = "gpt-4.1-mini"


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI.running(Behaviour(api_key=API_KEY)) as server:
        yield server


def test_output_tokens_are_a_small_fraction_of_the_rendered_mjml(fake: FakeOpenAI) -> None:
    """What the model writes vs what it would cost to have it write the markup."""
    model = pooled_model(fake)
    offline = OfflineContentModel()
    print(f"\n[content] tokens per variant (o200k{'' if tokens.exact() else ', estimated'})")
    print(
        f"{'sample':<10} {'variant':>7} {'answer':>7} {'fake out':>8} {'MJML':>6} "
        f"{'ratio':>6} {'input':>6}"
    )
    ratios = []
    fake_ratios = []
    for name in sample_names():
        body = sample(name)
        for variant in briefs_for(body):
            theme, _ = resolve_theme(variant.request.brand, variant.request.aesthetic)
            copy = offline.write(variant).values
            mjml = render(variant.layout, theme, variant.request.brand, copy).mjml  # type: ignore[arg-type]
            mjml_tokens = tokens.count(mjml)
            # The answer a model returns: the copy as one JSON object.
            answer_tokens = tokens.count(json.dumps(copy, ensure_ascii=False))
            written = model.write(variant)
            ratio = answer_tokens / mjml_tokens
            ratios.append(ratio)
            fake_ratios.append(written.usage.output_tokens / mjml_tokens)
            print(
                f"{name:<10} {variant.variant_index:>7} {answer_tokens:>7} "
                f"{written.usage.output_tokens:>8} {mjml_tokens:>6} {ratio:>6.1%} "
                f"{written.usage.input_tokens:>6}"
            )
            assert written.usage.output_tokens < mjml_tokens
    mean = sum(ratios) / len(ratios)
    print(f"output tokens / rendered MJML tokens: mean {mean:.1%}, max {max(ratios):.1%}")
    fake_mean = sum(fake_ratios) / len(fake_ratios)
    print(
        f"(fake server's answers, each slot filled to two thirds of its limit: mean "
        f"{fake_mean:.1%}, max {max(fake_ratios):.1%})"
    )
    assert max(ratios) < 0.5


@pytest.mark.parametrize("sessions", [1, 10])
def test_pool_throughput_with_model_latency(sessions: int) -> None:
    """20 variants with 50 ms to first token and 2,000 tokens/s, through N sessions."""
    behaviour = Behaviour(api_key=API_KEY, time_to_first_token=0.05, tokens_per_second=2000)
    with FakeOpenAI.running(behaviour) as server:
        model = pooled_model(server, pool_size=sessions)
        work = (briefs_for(sample("northwind")) * 7)[:20]
        model.write(work[0])  # warm one session (import, client, connection)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=20) as executor:
            results = list(executor.map(model.write, work))
        elapsed = time.perf_counter() - started
        print(
            f"\n[content] pool of {sessions:>2}: 20 variants in {elapsed:.2f} s "
            f"({20 / elapsed:.1f} variants/s), {server.connections} connection(s), "
            f"stats after {model.pool_stats()}"
        )
        assert len(results) == 20
        assert server.connections <= sessions
