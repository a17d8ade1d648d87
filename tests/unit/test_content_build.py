"""Choosing the content model from configuration, and reading the key, lazily."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from sbemail.bootstrap import build_content_model
from sbemail.config import Settings
from sbemail.content import (
    ApiKeySource,
    ContentConfigurationError,
    OfflineContentModel,
    PooledContentModel,
)

ROOT = Path(__file__).resolve().parents[2]


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


def test_the_key_is_read_from_an_ssm_secure_string(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        boto3.client("ssm", region_name="us-east-1").put_parameter(
            Name="/sbemail/openai-api-key", Value="sk-from-ssm", Type="SecureString"
        )
        source = ApiKeySource(parameter="/sbemail/openai-api-key")
        assert source.configured
        assert source() == "sk-from-ssm"
        assert "sk-from-ssm" not in repr(source)


def test_an_unreadable_key_fails_clearly_without_details() -> None:
    def fetch(name: str) -> str:
        raise RuntimeError("AccessDenied for arn:aws:ssm:... token=abc")

    source = ApiKeySource(parameter="/sbemail/openai-api-key", fetch=fetch)
    with pytest.raises(ContentConfigurationError) as raised:
        source()
    assert str(raised.value) == (
        "cannot read the model API key from /sbemail/openai-api-key: RuntimeError"
    )
    with pytest.raises(ContentConfigurationError, match="empty"):
        ApiKeySource(parameter="/k", fetch=lambda name: "  ")()


def test_the_key_never_shows_in_repr() -> None:
    assert "sk-secret" not in repr(ApiKeySource("sk-secret"))
    assert not ApiKeySource().configured
