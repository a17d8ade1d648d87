"""The providers through the real ``openai`` SDK, over HTTP, against the fake server."""

from __future__ import annotations

import json

import pytest

from sbemail.content import (
    ContentRejectedError,
    ContentUnavailableError,
    InvalidCopyError,
    PriceTable,
    Usage,
)
from sbemail.domain import validate_copy

from fakes.briefs import brief, briefs_for, sample
from fakes.content import API_KEY, RecordedSleeps, fake_openai, fast_policy, pooled_model
from fakes.openai_server import FakeOpenAI

__all__ = ["fake_openai"]  # the fixture, imported for this module's tests


def test_responses_writes_valid_copy_with_usage_and_cost(fake_openai: FakeOpenAI) -> None:
    model = pooled_model(fake_openai)
    variant = brief("northwind")
    written = model.write(variant)
    _, problems = validate_copy(variant, written.values)
    assert problems == []
    assert written.usage.input_tokens > 0 and written.usage.output_tokens > 0
    assert written.cost_usd == PriceTable().cost("gpt-4.1-mini", written.usage) > 0
    assert (written.attempts, written.retries, written.corrections) == (1, 0, 0)
    assert model.provider == "openai"


def test_responses_request_is_strict_stateless_and_cache_friendly(
    fake_openai: FakeOpenAI,
) -> None:
    model = pooled_model(fake_openai)
    body = sample("northwind")
    model.write(briefs_for(body, userContext="Spring sale: 20% off rain shells")[0])
    model.write(briefs_for(body, userContext="New arrivals: merino beanies")[0])
    first, second = fake_openai.bodies("/responses")

    fmt = first["text"]["format"]
    assert fmt["type"] == "json_schema" and fmt["strict"] is True
    assert fmt["schema"]["additionalProperties"] is False
    assert set(fmt["schema"]["required"]) == set(fmt["schema"]["properties"])
    assert first["store"] is False
    assert first["prompt_cache_key"] == second["prompt_cache_key"]
    assert first["prompt_cache_key"].startswith("sbemail-")
    for request in (first, second):
        assert "previous_response_id" not in request and "conversation" not in request
    # The stable prefix: instructions, then the brand context, byte for byte.
    assert first["instructions"] == second["instructions"]
    assert first["input"][0] == second["input"][0]
    assert first["input"][1] != second["input"][1]
    assert "rain shells" in first["input"][1]["content"]
    assert "rain shells" not in json.dumps(second)


def test_a_repeated_prefix_is_served_from_the_prompt_cache(fake_openai: FakeOpenAI) -> None:
    # The schema leads the cached prefix, so the next job hits the cache when its
    # variant has the same layout (the same blocks, hence the same schema).
    model = pooled_model(fake_openai)
    body = sample("northwind")
    same = "same layouts"
    cold = model.write(briefs_for(body, layout_seed=same, userContext="30% off parkas")[0])
    warm = model.write(briefs_for(body, layout_seed=same, userContext="30% off fleeces")[0])
    assert cold.usage.cached_tokens == 0
    assert warm.usage.cached_tokens >= 1024
    assert warm.cost_usd < cold.cost_usd


def test_rate_limits_are_retried_honouring_retry_after(fake_openai: FakeOpenAI) -> None:
    fake_openai.behaviour.retry_after = "2"
    sleeps = RecordedSleeps()
    model = pooled_model(fake_openai, sleeps=sleeps)
    fake_openai.plan("429", "429")
    written = model.write(brief("cedar"))
    assert (written.attempts, written.retries) == (3, 2)
    assert sleeps.calls == [2.0, 2.0]


def test_retry_after_ms_is_preferred(fake_openai: FakeOpenAI) -> None:
    fake_openai.behaviour.retry_after = "9"
    fake_openai.behaviour.retry_after_ms = "120"
    sleeps = RecordedSleeps()
    fake_openai.plan("429")
    pooled_model(fake_openai, sleeps=sleeps).write(brief("cedar"))
    assert sleeps.calls == [0.12]


@pytest.mark.parametrize("fault", ["500", "503", "hang", "garbage"])
def test_server_errors_hangs_and_unreadable_bodies_are_retried(
    fake_openai: FakeOpenAI, fault: str
) -> None:
    model = pooled_model(fake_openai, policy=fast_policy(attempt_timeout=1.0))
    fake_openai.plan(fault, fault)
    written = model.write(brief("pixelpet"))
    assert (written.attempts, written.retries) == (3, 2)
    assert list(fake_openai.faults().elements()).count(fault) == 2


def test_persistent_failure_stops_at_five_attempts(fake_openai: FakeOpenAI) -> None:
    model = pooled_model(fake_openai)
    fake_openai.plan(*["503"] * 10)
    with pytest.raises(ContentUnavailableError, match="after 5 attempt") as raised:
        model.write(brief("pixelpet"))
    assert (raised.value.attempts, raised.value.retries) == (5, 4)
    assert len(fake_openai.requests) == 5
    assert raised.value.code == "model_unavailable"


@pytest.mark.parametrize(("fault", "status"), [("400", 400), ("401", 401)])
def test_client_errors_fail_after_one_attempt(
    fake_openai: FakeOpenAI, fault: str, status: int
) -> None:
    model = pooled_model(fake_openai)
    fake_openai.plan(fault)
    with pytest.raises(ContentRejectedError, match=f"HTTP {status}") as raised:
        model.write(brief("pixelpet"))
    assert raised.value.attempts == 1 and len(fake_openai.requests) == 1
    assert API_KEY not in str(raised.value)


def test_a_wrong_key_is_rejected_without_echoing_it(fake_openai: FakeOpenAI) -> None:
    fake_openai.behaviour.api_key = "sk-the-right-one"
    with pytest.raises(ContentRejectedError, match="HTTP 401") as raised:
        pooled_model(fake_openai).write(brief("cedar"))
    assert API_KEY not in str(raised.value)


@pytest.mark.parametrize("fault", ["malformed", "violating", "incomplete", "fenced", "refusal"])
def test_unusable_output_earns_one_corrective_attempt(fake_openai: FakeOpenAI, fault: str) -> None:
    model = pooled_model(fake_openai)
    variant = brief("northwind")
    clean = model.write(variant)
    fake_openai.plan(fault)
    written = model.write(variant)
    assert validate_copy(variant, written.values)[1] == []
    assert (written.attempts, written.corrections) == (2, 1)
    _, first, corrective = fake_openai.bodies("/responses")
    assert corrective["input"][:2] == first["input"]
    assert corrective["input"][2]["role"] == "assistant"
    expected = "Rewrite only: " if fault == "violating" else "could not be used"
    assert expected in corrective["input"][3]["content"]
    assert written.usage.input_tokens > clean.usage.input_tokens  # both calls counted


def test_output_invalid_twice_fails_the_variant_with_the_reason(fake_openai: FakeOpenAI) -> None:
    model = pooled_model(fake_openai)
    fake_openai.plan("violating", "violating")
    with pytest.raises(InvalidCopyError) as raised:
        model.write(brief("northwind"))
    error = raised.value
    assert "after a corrective attempt" in str(error)
    # the over-long value was repaired; the missing one has no safe default
    assert "subjectLine: missing or empty" in str(error) and "preheader" not in str(error)
    assert error.code == "invalid_copy"
    assert error.usage is not None and error.usage.output_tokens > 0 and error.cost_usd > 0
    assert len(fake_openai.requests) == 2


def test_chat_completions_request_and_schema(fake_openai: FakeOpenAI) -> None:
    model = pooled_model(fake_openai, "chat", model="llama3.1")
    variant = brief("cedar")
    written = model.write(variant)
    assert validate_copy(variant, written.values)[1] == []
    (request,) = fake_openai.bodies("/chat/completions")
    assert request["model"] == "llama3.1"
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["strict"] is True
    assert [m["role"] for m in request["messages"]] == ["system", "user", "user"]
    assert written.usage.input_tokens > 0
    assert written.cost_usd is None  # a local model has no price: unpriced, not free
    assert model.provider == "openai-compatible"


def test_chat_repairs_json_from_servers_that_ignore_the_schema(fake_openai: FakeOpenAI) -> None:
    model = pooled_model(fake_openai, "chat")
    fake_openai.plan("fenced")
    written = model.write(brief("northwind"))
    assert (written.attempts, written.corrections) == (1, 0)


def test_chat_fails_clearly_when_the_answer_cannot_be_repaired(fake_openai: FakeOpenAI) -> None:
    model = pooled_model(fake_openai, "chat")
    fake_openai.plan("malformed", "malformed")
    with pytest.raises(InvalidCopyError, match="not valid JSON"):
        model.write(brief("northwind"))


@pytest.mark.parametrize(("fault", "reason"), [("refusal", "refused"), ("incomplete", "cut short")])
def test_chat_reports_refusals_and_cut_answers(
    fake_openai: FakeOpenAI, fault: str, reason: str
) -> None:
    model = pooled_model(fake_openai, "chat")
    fake_openai.plan(fault, fault)
    with pytest.raises(InvalidCopyError, match=reason):
        model.write(brief("cedar"))


def test_chat_retries_like_responses(fake_openai: FakeOpenAI) -> None:
    model = pooled_model(fake_openai, "chat", policy=fast_policy(attempt_timeout=1.0))
    fake_openai.plan("429", "500", "hang")
    written = model.write(brief("cedar"))
    assert (written.attempts, written.retries) == (4, 3)


def test_warm_sessions_reuse_their_connection(fake_openai: FakeOpenAI) -> None:
    model = pooled_model(fake_openai, pool_size=1)
    for variant in briefs_for(sample("northwind")) * 4:
        model.write(variant)
    assert len(fake_openai.requests) == 12
    assert fake_openai.connections == 1
    assert model.pool.counters()["created"] == 1


def test_no_state_is_carried_from_one_job_to_the_next(fake_openai: FakeOpenAI) -> None:
    # One session serves both jobs, so anything it kept would show in the second.
    model = pooled_model(fake_openai, pool_size=1)
    first_job = briefs_for(sample("northwind"), userContext="MARKER-7731 secret launch")
    for variant in first_job:
        model.write(variant)
    seen = len(fake_openai.requests)
    for variant in briefs_for(sample("cedar")):
        model.write(variant)
    second_job = [json.dumps(r.body) for r in fake_openai.requests[seen:]]
    assert second_job
    for request in second_job:
        assert "MARKER-7731" not in request
        assert "Northwind" not in request
        assert "previous_response_id" not in request
    assert model.pool.counters()["created"] == 1


def test_usage_adds_up() -> None:
    assert Usage(1, 2, 3) + Usage(10, 20, 30) == Usage(11, 22, 33)


def test_a_provider_without_a_client_makes_one_from_the_environment(
    fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sbemail.content.responses import ResponsesContentModel

    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    model = ResponsesContentModel(None, "gpt-4.1-mini")
    assert model.client.max_retries == 0
    assert model.write(brief("cedar")).attempts == 1
