"""Tokens and cost per email, ours against the original's approach (``make bench``).

For every sample, a warm brand's second 3-variant email (the first one warmed the prompt
cache): our calls through the fake OpenAI server (the usage it reports: input, cached
input, output) against the original-style calls built from the same blocks
(``original_style``: block markup in, whole MJML out), and our prompt per call by part
(schema, instructions, brand context, task, answer). The goal is our tokens per email
<= 0.5 x the original's on every sample; it is reported three ways (all tokens, tokens
not served from the prompt cache, USD) and never asserted: a figure, not a test.
"""

from __future__ import annotations

import json
from typing import Any

from performance import original_style
from performance.results import Results
from sbemail.content import OfflineContentModel, PriceTable, Usage
from sbemail.domain import render, resolve_theme, review_copy

from fakes import openai_payloads, tokens
from fakes.briefs import briefs_for, sample, sample_names
from fakes.content import API_KEY, pooled_model
from fakes.openai_server import Behaviour, FakeOpenAI

MODEL = "gpt-4.1-mini"


def test_bench_tokens_and_cost_per_email_against_the_original(results: Results) -> None:
    prices = PriceTable()
    writer = OfflineContentModel()
    rows = []
    parts = []
    ratios = []
    fresh_ratios = []
    with FakeOpenAI.running(Behaviour(api_key=API_KEY)) as fake:
        model = pooled_model(fake)
        for name in sample_names():
            body = sample(name)
            baseline_cache = original_style.PromptCache()
            ours = theirs = Usage()
            for job in (1, 2):
                briefs = briefs_for(body, userContext=f"{body['userContext']} (campaign {job})")
                ours = Usage()
                theirs = Usage()
                for brief in briefs:
                    ours = ours + model.write(brief).usage
                    ids = original_style.input_ids(brief)
                    theme, _ = resolve_theme(brief.request.brand, brief.request.aesthetic)
                    copy = review_copy(brief, writer.write(brief).values, final=True).values
                    mjml = render(
                        brief.layout, theme, brief.request.brand, copy, facts=brief.facts
                    ).mjml
                    theirs = theirs + Usage(
                        len(ids), tokens.count(mjml), baseline_cache.cached(ids)
                    )
            # the second email of the brand: both prompt caches warm
            parts.append([name, *_parts_per_call(fake.requests[-len(briefs) :], ours)])
            ours_total = ours.input_tokens + ours.output_tokens
            theirs_total = theirs.input_tokens + theirs.output_tokens
            ours_cost = prices.cost(MODEL, ours) or 0.0
            theirs_cost = prices.cost(MODEL, theirs) or 0.0
            ours_fresh = ours_total - ours.cached_tokens
            theirs_fresh = theirs_total - theirs.cached_tokens
            ratios.append(ours_total / theirs_total)
            fresh_ratios.append(ours_fresh / theirs_fresh)
            rows.append(
                [
                    name,
                    ours.input_tokens,
                    ours.cached_tokens,
                    ours.output_tokens,
                    round(ours_cost, 5),
                    theirs.input_tokens,
                    theirs.cached_tokens,
                    theirs.output_tokens,
                    round(theirs_cost, 5),
                    round(ours_total / theirs_total, 3),
                    round(ours_fresh / theirs_fresh, 3),
                    round(ours_cost / theirs_cost, 3),
                ]
            )
    columns = [
        "sample",
        "our input",
        "our cached",
        "our output",
        "our USD",
        "original input",
        "original cached",
        "original output",
        "original USD",
        "tokens ours/original",
        "uncached tokens ours/original",
        "cost ours/original",
    ]
    results.table(
        "Tokens and cost per 3-variant email: ours vs the original's approach",
        columns,
        rows,
        f"{MODEL} prices; o200k tokens{'' if tokens.exact() else ' (estimated)'}; a warm "
        "brand's second email. Original: block markup in (each distinct block once, with "
        "the layout, brand and the whole request), whole MJML out (built from our blocks). "
        "Goal: tokens ours/original <= 0.5 on every sample.",
    )
    section = "Tokens per email"
    results.value(section, "tokens ours/original, worst sample", max(ratios), "x", "goal <= 0.5")
    results.value(
        section,
        "uncached tokens (input not cached + output) ours/original, worst sample",
        max(fresh_ratios),
        "x",
    )
    part_columns = [
        "sample",
        "schema properties",
        "schema required",
        "instructions",
        "brand context",
        "task",
        "input",
        "output",
    ]
    results.table(
        "Our prompt per model call, by part (tokens, mean of the second email's calls)",
        part_columns,
        parts,
        "In the order the API reads them: the answer schema (its properties, then its "
        "required list), the fixed instructions, the type's purpose and the brand (the "
        "cacheable prefix ends here), the brief, facts, angle and fields left empty.",
    )
    for header, table in ((columns, rows), (part_columns, parts)):
        print("\n[tokens] " + " | ".join(header))
        for row in table:
            print("[tokens] " + " | ".join(str(cell) for cell in row))
    assert len(rows) == len(parts) == len(sample_names())


def _parts_per_call(recorded: list[Any], usage: Usage) -> list[int]:
    """Mean tokens per call of each part of the prompt the fake received, then the
    whole input and the output (from ``usage``, the calls' reported total)."""
    sums = [0] * 5
    for request in recorded:
        schema, _, texts, _ = openai_payloads.schema_and_prompt(request.path, request.body)
        required = tokens.count(json.dumps(schema["required"]))
        instructions, context, task = texts[0], texts[1], texts[2]
        counts = [tokens.count(json.dumps(schema)) - required, required]
        counts += [tokens.count(text) for text in (instructions, context, task)]
        sums = [total + count for total, count in zip(sums, counts, strict=True)]
    calls = max(1, len(recorded))
    means = [round(total / calls) for total in sums]
    return [*means, round(usage.input_tokens / calls), round(usage.output_tokens / calls)]
