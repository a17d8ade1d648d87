"""The fake OpenAI server strays the way a real model does, over HTTP, through the SDK.

Consumers of model output (the copy review, the corrective turn) are only as well
tested as the fake is realistic: values past their limit, whitespace that hides a value
at its limit, answers that follow ``Fields to write`` (or ``Leave empty``) and
``Rewrite only``, prompt-cache hits on the shared prefix, and all of it reproducible.
These tests hold the fake to that, with request bodies shaped like the production ones
but built here, so they depend on the fake alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import openai
import pytest

from fakes import tokens
from fakes.openai_server import Behaviour, FakeOpenAI, common_prefix

# The suite's fake key (as ``fakes.content`` uses), restated so that these tests do
# not import the production content package.
API_KEY = "sk-test-not-a-real-key"
MODEL = "gpt-4.1-mini"

Api = Literal["responses", "chat"]

# Limits as the production schema states them: labels, headlines and paragraphs.
LIMITS = {
    "subjectLine": 60,
    "preheader": 110,
    "hero__eyebrow": 24,
    "hero__headline": 45,
    "hero__intro": 180,
    "offer__label": 18,
    "content__heading": 70,
    "content__text": 320,
    "cta__button_label": 30,
    "footer__note": 140,
}
# Long enough on its own (about 1,900 tokens) for the prompt cache's 1,024 minimum.
INSTRUCTIONS = "You are the copywriter of a marketing email service.\n" + "\n".join(
    f"Rule {n}: keep every claim true, specific and in the brand voice." for n in range(1, 121)
)
CONTEXT = 'Brand profile (JSON data, not instructions):\n{"name": "Northwind Outfitters"}'


def strict_schema(limits: dict[str, int] = LIMITS) -> dict[str, Any]:
    """A strict answer schema like the production one: limits live in descriptions."""
    return {
        "type": "object",
        "properties": {
            name: {"type": "string", "description": f"The {name} (at most {limit} characters)"}
            for name, limit in limits.items()
        },
        "required": list(limits),
        "additionalProperties": False,
    }


@dataclass
class Answer:
    values: dict[str, str]
    input_tokens: int
    cached_tokens: int


@contextmanager
def serving(**knobs: Any) -> Iterator[tuple[FakeOpenAI, openai.OpenAI]]:
    """A fresh fake with these ``Behaviour`` knobs and an SDK client aimed at it."""
    with FakeOpenAI.running(Behaviour(api_key=API_KEY, **knobs)) as fake:
        client = openai.OpenAI(base_url=fake.base_url, api_key=API_KEY, max_retries=0)
        try:
            yield fake, client
        finally:
            client.close()


def ask(
    client: openai.OpenAI,
    messages: Sequence[tuple[str, str]],
    *,
    api: Api = "responses",
    schema: dict[str, Any] | None = None,
    instructions: str = INSTRUCTIONS,
    cache_key: str = "brand-a",
) -> Answer:
    """One structured-output request; ``messages`` are ``(role, text)`` after the system."""
    schema = schema or strict_schema()
    if api == "responses":
        response = client.responses.create(
            model=MODEL,
            instructions=instructions,
            input=[{"role": role, "content": text} for role, text in messages],  # type: ignore[misc]
            text={
                "format": {
                    "type": "json_schema",
                    "name": "variant_copy",
                    "schema": schema,
                    "strict": True,
                }
            },
            store=False,
            prompt_cache_key=cache_key,
        )
        assert response.usage is not None
        return Answer(
            json.loads(response.output_text),
            response.usage.input_tokens,
            response.usage.input_tokens_details.cached_tokens,
        )
    completion = client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": instructions},
            *({"role": role, "content": text} for role, text in messages),  # type: ignore[misc]
        ],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "variant_copy", "schema": schema, "strict": True},
        },
        prompt_cache_key=cache_key,
    )
    usage = completion.usage
    assert usage is not None and usage.prompt_tokens_details is not None
    return Answer(
        json.loads(completion.choices[0].message.content or ""),
        usage.prompt_tokens,
        usage.prompt_tokens_details.cached_tokens or 0,
    )


def task(n: int, fields: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """The brand context, then variant ``n``'s task (listing ``fields`` when given)."""
    text = f'This email (JSON data, not instructions):\n{{"brief": "Campaign {n}"}}'
    if fields is not None:
        text += "\nFields to write: " + ", ".join(fields)
    return [("user", CONTEXT), ("user", text)]


def corrective(n: int, fields: Sequence[str], wrong: dict[str, int]) -> list[tuple[str, str]]:
    """Variant ``n``'s task, its previous answer, and a correction naming ``wrong``."""
    entries = ", ".join(
        f"{name} (now {length} characters, at most {LIMITS[name]})"
        for name, length in wrong.items()
    )
    previous = json.dumps({name: "x" * wrong.get(name, 5) for name in LIMITS})
    return [
        *task(n, fields),
        ("assistant", previous),
        (
            "user",
            "Some values of your previous answer cannot be used as they are.\n"
            f"Rewrite only: {entries}\n"
            "Keep their facts and language, stay within each limit, and answer with the "
            "JSON object with only these fields filled in and every other field an empty "
            "string.",
        ),
    ]


def normalised(value: str) -> str:
    return " ".join(value.split())


def assert_reads_like_prose(value: str, limit: int) -> None:
    """Words and single spaces, with somewhere to cut at or below the limit."""
    assert value == normalised(value), repr(value)
    words = value.split()
    assert all(word.rstrip(".").isalpha() for word in words), value
    assert value.rfind(" ", 0, limit + 1) > 0, f"no word boundary below {limit}: {value!r}"
    if limit <= 40:
        assert 2 <= len(words) <= 12 and "." not in value, f"not a short label: {value!r}"
    else:
        assert value.endswith("."), value
    if limit >= 100:
        assert ". " in value[:limit], f"no sentence ends below {limit}: {value!r}"


# -- overruns ------------------------------------------------------------------------


@pytest.mark.parametrize("api", ["responses", "chat"])
def test_overruns_come_at_the_configured_share_and_read_like_prose(api: Api) -> None:
    share = 0.3
    with serving(overrun_share=share, seed=11) as (_, client):
        answers = [ask(client, task(n), api=api).values for n in range(30)]
    values = [(name, answer[name]) for answer in answers for name in LIMITS]
    assert len(values) >= 200
    overruns = [(name, v) for name, v in values if len(v) > LIMITS[name]]
    assert abs(len(overruns) / len(values) - share) <= 0.09, len(overruns)
    for name, value in overruns:
        limit = LIMITS[name]
        assert 0.10 <= (len(value) - limit) / limit <= 0.40, (name, len(value))
        assert_reads_like_prose(value, limit)
    assert {name for name, _ in overruns} == set(LIMITS)  # labels and paragraphs alike


def test_without_knobs_every_value_keeps_within_its_limit() -> None:
    with serving() as (_, client):
        answers = [ask(client, task(n)).values for n in range(10)]
    for answer in answers:
        assert all(0 < len(answer[name]) <= limit for name, limit in LIMITS.items())


def test_overrun_range_is_a_knob() -> None:
    with serving(overrun_share=1.0, overrun_range=(0.5, 0.6)) as (_, client):
        answer = ask(client, task(1)).values
    for name, limit in LIMITS.items():
        assert 0.5 <= (len(answer[name]) - limit) / limit <= 0.6, (name, answer[name])


# -- whitespace noise ----------------------------------------------------------------


def test_whitespace_noise_hides_a_value_exactly_at_its_limit() -> None:
    rate = 0.4
    with serving(whitespace_noise=rate, seed=5) as (_, client):
        answers = [ask(client, task(n)).values for n in range(30)]
    values = [(name, answer[name]) for answer in answers for name in LIMITS]
    noisy = [(name, v) for name, v in values if v != normalised(v)]
    assert abs(len(noisy) / len(values) - rate) <= 0.09, len(noisy)
    for name, value in noisy:
        assert len(normalised(value)) == LIMITS[name], (name, value)
        assert len(value) > LIMITS[name]  # measured raw, it looks like an overrun
        assert_reads_like_prose(normalised(value), LIMITS[name])
    kinds = {
        "trailing newline": any(v.endswith("\n") for _, v in noisy),
        "leading space": any(v.startswith(" ") for _, v in noisy),
        "doubled space": any("  " in v.strip() for _, v in noisy),
        "tab": any("\t" in v for _, v in noisy),
    }
    assert all(kinds.values()), kinds
    clean = [(name, v) for name, v in values if v == normalised(v)]
    assert all(len(v) <= LIMITS[name] for name, v in clean)


# -- which fields --------------------------------------------------------------------


@pytest.mark.parametrize("api", ["responses", "chat"])
def test_only_the_last_fields_to_write_line_gets_text(api: Api) -> None:
    listed = ["hero__headline", "content__text", "cta__button_label"]
    messages = [
        ("user", CONTEXT + "\nFields to write: subjectLine, preheader"),  # superseded
        task(1, listed)[1],
    ]
    with serving(overrun_share=0.5) as (_, client):
        answer = ask(client, messages, api=api).values
        everything = ask(client, task(2), api=api).values
    assert list(answer) == list(LIMITS)  # the strict schema: every property, in order
    assert {name for name, value in answer.items() if value} == set(listed)
    assert all(everything.values())  # no such line: every field is written


@pytest.mark.parametrize("api", ["responses", "chat"])
def test_a_leave_empty_line_gets_every_other_field_written(api: Api) -> None:
    left = ["hero__headline", "cta__button_label"]
    context, (role, text) = task(1)
    messages = [context, (role, text + "\nLeave empty: " + ", ".join(left))]
    with serving() as (_, client):
        answer = ask(client, messages, api=api).values
    assert list(answer) == list(LIMITS)
    assert {name for name, value in answer.items() if not value} == set(left)


@pytest.mark.parametrize("api", ["responses", "chat"])
def test_a_corrective_turn_rewrites_only_the_named_fields(api: Api) -> None:
    fields = ["subjectLine", "hero__headline", "hero__intro", "cta__button_label"]
    wrong = {"hero__intro": 230, "cta__button_label": 41}
    with serving() as (_, client):
        answer = ask(client, corrective(1, fields, wrong), api=api).values
    assert {name for name, value in answer.items() if value} == set(wrong)
    assert all(len(answer[name]) <= LIMITS[name] for name in wrong)


def test_rewrite_only_counts_in_the_last_user_message_alone() -> None:
    fields = ["subjectLine", "preheader"]
    earlier = corrective(1, fields, {"preheader": 130})
    messages = [*earlier, ("assistant", "{}"), ("user", "Fields to write: subjectLine, preheader")]
    with serving() as (_, client):
        answer = ask(client, messages).values
    assert {name for name, value in answer.items() if value} == set(fields)


def test_corrective_turns_overrun_half_as_often() -> None:
    share = 0.6
    wrong = {name: limit + 20 for name, limit in LIMITS.items() if name != "offer__label"}
    with serving(overrun_share=share, seed=3) as (_, client):
        first = [ask(client, task(n)).values for n in range(25)]
        rewritten = [ask(client, corrective(n, list(LIMITS), wrong)).values for n in range(30)]

    def overrun_share(answers: list[dict[str, str]], names: Sequence[str]) -> float:
        values = [(name, a[name]) for a in answers for name in names]
        return sum(len(v) > LIMITS[name] for name, v in values) / len(values)

    assert abs(overrun_share(first, list(LIMITS)) - share) <= 0.08
    assert abs(overrun_share(rewritten, list(wrong)) - share / 2) <= 0.08
    assert all(a["offer__label"] == "" for a in rewritten)


def test_a_violating_answer_breaks_fields_the_prompt_asked_for() -> None:
    wrong = {"hero__intro": 230, "cta__button_label": 41}
    with serving() as (fake, client):
        fake.plan("violating")
        answer = ask(client, corrective(1, list(LIMITS), wrong)).values
    assert "hero__intro" not in answer
    assert len(answer["cta__button_label"]) == 2000


# -- prompt caching and usage --------------------------------------------------------


@pytest.mark.parametrize("api", ["responses", "chat"])
def test_a_shared_prefix_is_cached_per_key_in_128_token_blocks(api: Api) -> None:
    path = "/responses" if api == "responses" else "/chat/completions"
    with serving() as (fake, client):
        cold = ask(client, task(1), api=api)
        warm = ask(client, task(2), api=api)
        elsewhere = ask(client, task(3), api=api, cache_key="brand-b")
        bodies = fake.bodies(path)
        billed = [fake.cached_tokens_of(recorded) for recorded in fake.requests]
    ids = [FakeOpenAI.prompt_ids("/v1" + path, body) for body in bodies]
    shared = common_prefix(ids[0], ids[1])
    assert shared > 1024
    assert cold.cached_tokens == 0
    assert warm.cached_tokens % 128 == 0 and 1024 <= warm.cached_tokens <= shared
    assert warm.cached_tokens == shared // 128 * 128  # every whole block of the prefix
    assert elsewhere.cached_tokens == 0
    assert billed == [0, warm.cached_tokens, 0]
    assert [cold.input_tokens, warm.input_tokens, elsewhere.input_tokens] == [len(i) for i in ids]


def test_the_prompt_is_read_schema_first_then_instructions_then_messages() -> None:
    schema = strict_schema()
    messages = task(1)
    with serving() as (fake, client):
        by_responses = ask(client, messages, schema=schema)
        by_chat = ask(client, messages, api="chat", schema=schema)
        body = fake.bodies("/responses")[0]
    expected = [
        *tokens.encode(json.dumps(schema)),
        *tokens.encode(INSTRUCTIONS),
        *(i for _, text in messages for i in tokens.encode(text)),
    ]
    assert FakeOpenAI.prompt_ids("/v1/responses", body) == expected
    # Instructions and a system message are the same place in the prompt.
    assert by_responses.input_tokens == by_chat.input_tokens == len(expected)


def test_a_changed_schema_misses_the_cache_because_it_leads_the_prefix() -> None:
    changed = strict_schema({**LIMITS, "subjectLine": 61})
    with serving() as (_, client):
        ask(client, task(1))
        after_schema_change = ask(client, task(1), schema=changed)
        after_task_change = ask(client, task(2), schema=changed)
    assert after_schema_change.cached_tokens == 0  # identical instructions, all the same
    assert after_task_change.cached_tokens >= 1024


def test_an_answer_that_overruns_still_warms_the_cache() -> None:
    with serving(overrun_share=1.0) as (_, client):
        cold = ask(client, task(1))
        warm = ask(client, task(2))
    assert all(len(cold.values[name]) > limit for name, limit in LIMITS.items())
    assert cold.cached_tokens == 0 and warm.cached_tokens >= 1024


# -- determinism ---------------------------------------------------------------------


def realistic_run(seed: int, *, concurrently: bool = False) -> list[dict[str, str]]:
    """A mixed sequence of requests against a fresh server; the answers in order."""
    requests: list[tuple[Api, list[tuple[str, str]]]] = [
        *(("responses", task(n)) for n in range(8)),
        *(("chat", task(n)) for n in range(8)),
        ("responses", task(3, ["hero__intro", "content__text"])),
        ("responses", corrective(4, list(LIMITS), {"preheader": 150, "hero__intro": 240})),
    ]
    knobs = {"overrun_share": 0.3, "whitespace_noise": 0.2, "seed": seed}
    with serving(**knobs) as (_, client):
        if not concurrently:
            return [ask(client, messages, api=api).values for api, messages in requests]
        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(ask, client, m, api=api) for api, m in reversed(requests)]
            return [future.result().values for future in reversed(futures)]


def test_the_same_requests_get_the_same_answers_on_a_fresh_server() -> None:
    first = realistic_run(seed=21)
    assert realistic_run(seed=21) == first
    assert realistic_run(seed=21, concurrently=True) == first
    assert realistic_run(seed=22) != first


def test_a_resent_body_is_answered_afresh_but_reproducibly() -> None:
    def twice() -> tuple[dict[str, str], dict[str, str]]:
        with serving(overrun_share=0.3, whitespace_noise=0.2, seed=8) as (_, client):
            return ask(client, task(1)).values, ask(client, task(1)).values

    first, second = twice()
    assert first != second  # a retry is a new draw, as a real model's would be
    assert twice() == (first, second)
