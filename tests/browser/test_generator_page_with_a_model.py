"""The generator page in front of a service whose copy a model writes (the fake
OpenAI-compatible server, over HTTP): real token counts and costs on every variant, and a
job whose every model call fails explained rather than lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LocalServer, started_local_server

from .conftest import GeneratorPage, open_generator
from .test_generator_page import fill_own_brand
from fakes.openai_server import Behaviour, FakeOpenAI
from http_client import call

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def fake_model() -> Iterator[FakeOpenAI]:
    with FakeOpenAI.running(Behaviour()) as fake:
        yield fake


@pytest.fixture(scope="module")
def model_server(
    fake_model: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalServer]:
    env = {
        "OPENAI_BASE_URL": fake_model.base_url,
        "OPENAI_API_KEY": "sk-test-page",
        "OPENAI_MODEL": "gpt-4.1-mini",
        "OPENAI_MAX_ATTEMPTS": "1",  # a failed call fails its variant at once
    }
    with started_local_server(Path(tmp_path_factory.mktemp("model")), env) as server:
        yield server


@pytest.fixture
def page_with_model(browser, model_server: LocalServer) -> Iterator[GeneratorPage]:  # type: ignore[no-untyped-def]
    with open_generator(browser, model_server.url) as opened:
        yield opened


def _cost(cost: float) -> str:
    return f"${cost:.4f}" if cost < 0.01 else f"${cost:.2f}"


def test_each_variant_shows_what_its_model_call_used_and_cost(
    page_with_model: GeneratorPage, model_server: LocalServer, page_artifacts: Path
) -> None:
    page = page_with_model.page
    fill_own_brand(page)
    page.get_by_label("Brief").fill("Kiln opening weekend: every Ember glaze 20% off.")
    page.get_by_label("Variants").fill("2")
    with page.expect_request(lambda r: r.url.endswith("/api/email/generate")) as sent:
        page.click("#generate")
    page.wait_for_selector("#results:not([hidden]) article.variant", timeout=90_000)

    reply = call(
        "POST",
        f"{model_server.url}/api/email/generate",
        sent.value.post_data_json,
        headers={"Prefer": "wait=20"},
    )
    assert reply.status == 200
    result = reply.json()
    assert result["provider"] != "offline" and result["costsUSD"]["priced"] is True
    cards = page.locator("article.variant")
    for index, email in enumerate(result["emails"]):
        usage = email["usage"]
        assert usage["inputTokens"] > 0 and usage["outputTokens"] > 0
        figures = cards.nth(index).locator(".figures").inner_text()
        assert f"{usage['inputTokens']:,} in" in figures
        assert f"{usage['outputTokens']:,} out" in figures
        assert _cost(email["costUSD"]) in figures
    summary = page.inner_text("#results-summary")
    assert "by gpt-4.1-mini" in summary
    assert f"cost {_cost(result['costsUSD']['total'])}" in summary
    page.locator("article.variant").first.screenshot(
        path=str(page_artifacts / "10-variant-with-model-costs.png")
    )
    assert page_with_model.errors == []


def test_a_job_whose_every_call_fails_is_explained(
    page_with_model: GeneratorPage, fake_model: FakeOpenAI, page_artifacts: Path
) -> None:
    page = page_with_model.page
    fill_own_brand(page)
    brief = "Studio sale: seconds and test tiles at half price."
    fake_model.behaviour.rules[brief] = "401"  # the provider refuses every call for it
    page.get_by_label("Brief").fill(brief)
    page.get_by_label("Variants").fill("2")
    page.click("#generate")
    page.wait_for_selector("#error-summary:not([hidden])", timeout=90_000)

    assert page.inner_text("#error-summary-title") == "No variant could be written"
    items = page.locator("#error-list li")
    assert items.count() == 2
    assert items.nth(0).inner_text().startswith("Variant 1 failed: ")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.is_hidden("#results") and page.is_hidden("#progress-area")
    assert page.is_enabled("#generate")  # ready to try again
    page.screenshot(path=str(page_artifacts / "11-every-call-failed.png"))
    assert page_with_model.errors == []
