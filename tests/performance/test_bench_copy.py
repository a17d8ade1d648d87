"""Benchmarks of the copy pipeline against a model that behaves like a real one.

What a brand's emails cost with prompt caching (the prefix every call shares, the
cached share of input, tokens and USD per 3-variant email, cold and warm), and how
the pipeline holds up when the model overruns its limits (delivered variants,
corrective calls, tokens per email against an obedient model). Figures only: the
acceptance thresholds are asserted by tests/integration/test_copy_pipeline.py.
"""

from __future__ import annotations

import json

import pytest

from sbemail.content import PriceTable, Usage
from sbemail.content.prompts import build_prompt
from sbemail.storage import Table

from fakes import tokens
from fakes.briefs import briefs_for, sample, sample_names
from fakes.content import API_KEY, pooled_model
from fakes.openai_server import Behaviour, FakeOpenAI, common_prefix
from fakes.pipeline import run_jobs

MODEL = "gpt-4.1-mini"
GOAL_USD = 0.0027  # per 3-variant email on a warm brand (the goal)


def test_prefix_cache_and_cost_per_email() -> None:
    prices = PriceTable()
    print(f"\n[copy] per 3-variant email, {MODEL} prices, o200k tokens; goal warm <= ${GOAL_USD}")
    print("('plain': the sample without its offer box, greeting and cart link, as they were)")
    print(
        f"{'sample':<15} {'prefix v2':>9} {'prefix job2':>11} {'cached':>7} "
        f"{'in':>6} {'cached':>6} {'out':>5} {'cold $':>9} {'warm $':>9}"
    )
    with FakeOpenAI.running(Behaviour(api_key=API_KEY)) as fake:
        model = pooled_model(fake)
        plain = {"offer": None, "cartUrl": None, "personalization": None}
        cases = [(n, sample(n)) for n in sample_names()]
        cases += [
            (f"{n} plain", {**sample(n), **plain, "storeId": f"{n}-plain"}) for n in sample_names()
        ]
        for name, body in cases:
            jobs = [
                briefs_for(body, userContext=f"{body['userContext']} (campaign {n})")
                for n in (1, 2)
            ]
            ids = [[fake.prompt_ids("/v1/responses", _body(b)) for b in job] for job in jobs]
            within = min(common_prefix(ids[0][0], later) for later in ids[0][1:])
            across = common_prefix(ids[0][0], ids[1][0])
            spent = []
            for job in jobs:
                usage = Usage()
                for brief in job:
                    usage = usage + model.write(brief).usage
                spent.append(usage)
            cold, warm = spent
            share = warm.cached_tokens / warm.input_tokens
            print(
                f"{name:<15} {within:>9} {across:>11} {share:>7.0%} {warm.input_tokens:>6} "
                f"{warm.cached_tokens:>6} {warm.output_tokens:>5} "
                f"{prices.cost(MODEL, cold) or 0:>9.5f} {prices.cost(MODEL, warm) or 0:>9.5f}"
            )
            assert within >= 1024 and across >= 1024


def _body(brief) -> dict:  # type: ignore[no-untyped-def]
    """The Responses request the provider sends for ``brief`` (what the fake tokenises)."""
    from sbemail.content.responses import ResponsesContentModel

    return ResponsesContentModel(object(), MODEL).request(build_prompt(brief))


@pytest.mark.parametrize("style", ["responses", "chat"])
def test_overruns_corrections_and_tokens(style: str, fresh_table: Table) -> None:
    print(f"\n[copy] 28 jobs x 3 variants, {style}, 5% 429s, 10% whitespace noise")
    print(
        f"{'overrun':>7} {'delivered':>9} {'502s':>5} {'corrective':>10} {'repaired':>8} "
        f"{'tokens/email':>12} {'vs obedient':>11} {'cached':>7}"
    )
    baseline = None
    for overrun in (0.0, 0.10, 0.30):
        behaviour = Behaviour(
            api_key=API_KEY, rates={"429": 0.05}, overrun_share=overrun, whitespace_noise=0.10
        )
        with FakeOpenAI.running(behaviour) as fake:
            report = run_jobs(pooled_model(fake, style), fresh_table)
        baseline = baseline or report.tokens_per_email
        print(
            f"{overrun:>7.0%} {report.delivered:>4}/{report.variants:<4} {report.failed_jobs:>5} "
            f"{report.corrections / report.variants:>10.1%} "
            f"{report.repaired / report.variants:>8.0%} {report.tokens_per_email:>12.0f} "
            f"{report.tokens_per_email / baseline:>10.2f}x "
            f"{report.cached_tokens / report.input_tokens:>7.0%}"
        )
        assert report.variants == 84


def test_answer_tokens_are_a_small_fraction_of_the_rendered_mjml() -> None:
    """What the model writes (the copy as JSON) against the MJML it would otherwise write."""
    from sbemail.content import OfflineContentModel
    from sbemail.domain import render, resolve_theme, review_copy

    writer = OfflineContentModel()
    ratios = []
    for name in sample_names():
        for brief in briefs_for(sample(name)):
            theme, _ = resolve_theme(brief.request.brand, brief.request.aesthetic)
            copy = review_copy(brief, writer.write(brief).values, final=True).values
            mjml = render(brief.layout, theme, brief.request.brand, copy, facts=brief.facts).mjml
            ratios.append(tokens.count(json.dumps(copy, ensure_ascii=False)) / tokens.count(mjml))
    print(f"\n[copy] answer / rendered MJML tokens: mean {sum(ratios) / len(ratios):.1%}")
    assert max(ratios) < 0.5
