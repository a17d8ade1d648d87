"""Choosing the content model from configuration, and reading the key, lazily."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from sbemail.bootstrap import build_content_model
from sbemail.config import Settings
from sbemail.content import (
    ApiKeySource,
    ContentConfigurationError,
    ContentSettings,
    OfflineContentModel,
    PooledContentModel,
    Retrier,
    open_content_model,
)
from sbemail.content.factory import create_provider
from sbemail.content.prompts import CopyPrompt, build_prompt

from fakes.briefs import brief

ROOT = Path(__file__).resolve().parents[2]
FACTORY_LOGGER = "sbemail.content.factory"


def settings(**env: str) -> Settings:
    return Settings.from_env(env)


def test_no_key_and_no_server_means_offline_through_the_pool() -> None:
    model = build_content_model(settings(SESSION_POOL_SIZE="4"))
    assert (model.provider, model.model) == ("offline", OfflineContentModel.model)
    assert model.pool_stats()["maxThreads"] == 4
    with model.pool.session() as session:
        assert isinstance(session, OfflineContentModel)


def test_a_key_means_the_responses_api_through_the_pool() -> None:
    model = build_content_model(settings(OPENAI_API_KEY="sk-test", SESSION_POOL_SIZE="4"))
    assert isinstance(model, PooledContentModel)
    assert (model.provider, model.model) == ("openai", "gpt-4.1-mini")
    assert model.pool_stats()["maxThreads"] == 4


def test_a_key_parameter_also_counts_as_a_key() -> None:
    model = build_content_model(settings(OPENAI_API_KEY_PARAMETER="/sbemail/openai-api-key"))
    assert isinstance(model, PooledContentModel) and model.provider == "openai"


def test_a_base_url_means_chat_completions_even_without_a_key() -> None:
    model = build_content_model(
        settings(OPENAI_BASE_URL="http://127.0.0.1:11434/v1", OPENAI_MODEL="llama3.1")
    )
    assert isinstance(model, PooledContentModel)
    assert (model.provider, model.model) == ("openai-compatible", "llama3.1")


def test_the_api_style_can_be_chosen_explicitly() -> None:
    model = build_content_model(
        settings(OPENAI_BASE_URL="http://127.0.0.1:8000/v1", OPENAI_API_STYLE="responses")
    )
    assert model.provider == "openai"
    with pytest.raises(ValueError, match="OPENAI_API_STYLE"):
        build_content_model(settings(OPENAI_API_KEY="k", OPENAI_API_STYLE="assistants"))


def test_configuration_errors_name_their_variable() -> None:
    with pytest.raises(ValueError, match="OPENAI_PRICES"):
        build_content_model(settings(OPENAI_API_KEY="k", OPENAI_PRICES="{not json"))
    with pytest.raises(ValueError, match=r"OPENAI_MAX_ATTEMPTS.*between 1 and 5"):
        build_content_model(settings(OPENAI_API_KEY="k", OPENAI_MAX_ATTEMPTS="8"))


def test_settings_read_the_content_knobs() -> None:
    s = settings(
        OPENAI_TIMEOUT_SECONDS="12",
        OPENAI_MAX_ATTEMPTS="3",
        OPENAI_RETRY_BUDGET_SECONDS="50",
        OPENAI_MAX_OUTPUT_TOKENS="900",
        OPENAI_PRICES='{"m": {"input": 1, "output": 2}}',
        SESSION_ACQUIRE_TIMEOUT_SECONDS="4",
    )
    assert (s.openai_timeout_seconds, s.openai_max_attempts) == (12.0, 3)
    assert (s.openai_retry_budget_seconds, s.openai_max_output_tokens) == (50.0, 900)
    assert s.session_acquire_timeout_seconds == 4.0 and s.openai_prices
    # Defaults keep one variant's budget well inside the worker's 900 s timeout.
    assert Settings().openai_retry_budget_seconds + Settings().session_acquire_timeout_seconds < 900


def test_building_the_model_imports_neither_the_sdk_nor_the_key() -> None:
    script = (
        "import sys; from sbemail.bootstrap import build_content_model;"
        "from sbemail.config import Settings;"
        "m = build_content_model(Settings.from_env({'OPENAI_API_KEY_PARAMETER': '/x'}));"
        "print(type(m).__name__, 'openai' in sys.modules, m.pool_stats()['activeThreads'])"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "layers" / "core")}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.split() == ["PooledContentModel", "False", "0"]


@pytest.fixture
def aws_keys(monkeypatch: pytest.MonkeyPatch) -> Any:
    """moto's in-memory SSM and Secrets Manager, and a client factory for them."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield lambda service: boto3.client(service, region_name="us-east-1")


def test_the_key_is_read_from_an_ssm_secure_string(aws_keys: Any) -> None:
    aws_keys("ssm").put_parameter(
        Name="/sbemail/openai-api-key", Value="sk-from-ssm", Type="SecureString"
    )
    source = ApiKeySource(parameter="/sbemail/openai-api-key", aws_client=aws_keys)
    assert source.configured
    assert source() == "sk-from-ssm"
    assert "sk-from-ssm" not in repr(source)
    # without a client factory Powertools makes its own client (still this source's own)
    assert ApiKeySource(parameter="/sbemail/openai-api-key")() == "sk-from-ssm"


def test_the_key_is_read_from_a_secrets_manager_arn(aws_keys: Any) -> None:
    arn = aws_keys("secretsmanager").create_secret(Name="openai", SecretString=" sk-secret ")["ARN"]
    assert ApiKeySource(parameter=arn, aws_client=aws_keys)() == "sk-secret"


def test_the_key_is_cached_for_max_age_by_its_own_source(aws_keys: Any) -> None:
    ssm = aws_keys("ssm")
    ssm.put_parameter(Name="/k", Value="sk-first", Type="SecureString")
    cached = ApiKeySource(parameter="/k", aws_client=aws_keys, max_age=300)
    uncached = ApiKeySource(parameter="/k", aws_client=aws_keys, max_age=0)
    assert cached() == uncached() == "sk-first"
    ssm.put_parameter(Name="/k", Value="sk-rotated", Type="SecureString", Overwrite=True)
    assert cached() == "sk-first"  # within max_age: no second read
    assert uncached() == "sk-rotated"
    fresh = ApiKeySource(parameter="/k", aws_client=aws_keys, max_age=300)
    assert fresh() == "sk-rotated"  # no cache shared between sources


def test_an_unreadable_key_fails_clearly_without_details(aws_keys: Any) -> None:
    source = ApiKeySource(parameter="/sbemail/openai-api-key", aws_client=aws_keys)
    with pytest.raises(ContentConfigurationError) as raised:
        source()
    assert str(raised.value) == (
        "cannot read the model API key from /sbemail/openai-api-key: GetParameterError"
    )
    aws_keys("ssm").put_parameter(Name="/k", Value="  ", Type="SecureString")
    with pytest.raises(ContentConfigurationError, match="empty"):
        ApiKeySource(parameter="/k", aws_client=aws_keys)()


def test_the_key_never_shows_in_repr() -> None:
    assert "sk-secret" not in repr(ApiKeySource("sk-secret"))
    assert not ApiKeySource().configured


# -- what reaches the API: parameters each model accepts --------------------------------


@cache
def prompt() -> CopyPrompt:
    return build_prompt(brief("northwind"))


def built_request(
    style: str, model: str, effort: str | None = None, copy_prompt: CopyPrompt | None = None
) -> dict[str, Any]:
    """The keyword arguments a session of this configuration passes to the SDK."""
    content = ContentSettings(
        api_style=style,  # type: ignore[arg-type]
        model=model,
        max_output_tokens=900,
        reasoning_effort=effort,
    )
    provider = create_provider(content, ApiKeySource("sk-test"), Retrier())
    return provider.request(copy_prompt or prompt())  # type: ignore[attr-defined]


@pytest.mark.parametrize("model", ["gpt-5-mini", "o4-mini", "gpt-4.1-mini", "llama3.1"])
def test_chat_completions_caps_the_answer_with_max_completion_tokens(model: str) -> None:
    request = built_request("chat", model)
    assert request["max_completion_tokens"] == 900
    assert "max_tokens" not in request  # gpt-5 and the o-series reject it


def test_responses_caps_the_answer_with_max_output_tokens() -> None:
    request = built_request("responses", "gpt-5-mini")
    assert request["max_output_tokens"] == 900
    assert "max_tokens" not in request and "max_completion_tokens" not in request


@pytest.mark.parametrize("style", ["responses", "chat"])
def test_both_styles_identify_the_store_by_its_hash(style: str) -> None:
    request = built_request(style, "gpt-4.1-mini")
    identifier = prompt().safety_identifier
    assert identifier and request["safety_identifier"] == identifier
    assert brief("northwind").request.store_id not in identifier
    anonymous = dataclasses.replace(prompt(), safety_identifier="")
    assert "safety_identifier" not in built_request(style, "gpt-4.1-mini", copy_prompt=anonymous)


@pytest.mark.parametrize(
    ("model", "sent"),
    [
        ("gpt-5-mini", True),
        ("gpt-5.1", True),
        ("o4-mini-2025-04-16", True),
        ("o3", True),
        ("gpt-4.1-mini", False),
        ("gpt-4.1-mini-2025-04-14", False),
        ("gpt-4o", False),
    ],
)
def test_a_reasoning_effort_reaches_only_reasoning_models(model: str, sent: bool) -> None:
    responses = built_request("responses", model, "low")
    chat = built_request("chat", model, "low")
    if sent:
        assert responses["reasoning"] == {"effort": "low"}
        assert chat["reasoning_effort"] == "low"
    else:
        assert "reasoning" not in responses and "reasoning_effort" not in responses
        assert "reasoning_effort" not in chat and "reasoning" not in chat


@pytest.mark.parametrize("style", ["responses", "chat"])
def test_no_reasoning_effort_is_sent_unless_configured(style: str) -> None:
    request = built_request(style, "gpt-5-mini")
    assert "reasoning" not in request and "reasoning_effort" not in request


def test_an_unknown_reasoning_effort_is_a_configuration_error_at_start() -> None:
    with pytest.raises(ValueError, match=r"OPENAI_REASONING_EFFORT must be one of .*'extreme'"):
        build_content_model(settings(OPENAI_API_KEY="k", OPENAI_REASONING_EFFORT="extreme"))
    with pytest.raises(ValueError, match="OPENAI_REASONING_EFFORT"):
        ContentSettings(model="gpt-5", reasoning_effort="max")
    # Spelling is forgiven; an empty value means none.
    assert ContentSettings(model="gpt-5", reasoning_effort=" High ").reasoning_effort == "high"
    assert ContentSettings(model="gpt-5", reasoning_effort="  ").reasoning_effort is None


def test_an_ignored_reasoning_effort_is_logged_once_at_start_and_exposed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    content = ContentSettings(model="gpt-4.1-mini", reasoning_effort="low", pool_size=2)
    expected = "OPENAI_REASONING_EFFORT ignored: gpt-4.1-mini takes no reasoning effort"
    with caplog.at_level(logging.WARNING, logger=FACTORY_LOGGER):
        model = open_content_model(content, ApiKeySource("sk-test"))
        for _ in range(3):  # sessions and requests never repeat it
            with model.pool.session() as session:
                assert "reasoning" not in session.request(prompt())  # type: ignore[attr-defined]
    logged = [r.getMessage() for r in caplog.records if r.name == FACTORY_LOGGER]
    assert logged == [expected]
    assert model.warnings == (expected,)
    assert content.warnings() == (expected,)


def test_the_service_model_exposes_its_warnings() -> None:
    ignored = build_content_model(
        settings(OPENAI_API_KEY="k", OPENAI_MODEL="gpt-4o", OPENAI_REASONING_EFFORT="high")
    )
    assert ignored.warnings == (
        "OPENAI_REASONING_EFFORT ignored: gpt-4o takes no reasoning effort",
    )
    unpriced = build_content_model(settings(OPENAI_API_KEY="k", OPENAI_MODEL="gpt-9"))
    assert unpriced.warnings == ("model gpt-9 has no price: costs are reported as unpriced",)
    priced_by_configuration = build_content_model(
        settings(
            OPENAI_API_KEY="k",
            OPENAI_MODEL="gpt-9",
            OPENAI_PRICES='{"gpt-9": {"input": 1, "output": 2}}',
        )
    )
    assert priced_by_configuration.warnings == ()
    assert build_content_model(settings(OPENAI_API_KEY="k")).warnings == ()
    taken = build_content_model(
        settings(OPENAI_API_KEY="k", OPENAI_MODEL="o4-mini", OPENAI_REASONING_EFFORT="low")
    )
    assert taken.warnings == ()


def test_an_effort_the_model_is_not_documented_to_take_is_sent_with_a_warning() -> None:
    content = ContentSettings(model="gpt-5.1", reasoning_effort="minimal")
    (warning,) = content.warnings()
    assert warning.startswith("OPENAI_REASONING_EFFORT=minimal is not documented for gpt-5.1")
    assert "none, low, medium, high" in warning
    assert built_request("responses", "gpt-5.1", "minimal")["reasoning"] == {"effort": "minimal"}


def test_the_offline_writer_has_nothing_to_warn_about() -> None:
    model = build_content_model(settings(OPENAI_REASONING_EFFORT="high"))
    assert model.provider == "offline" and model.warnings == ()
    assert OfflineContentModel.warnings == ()
