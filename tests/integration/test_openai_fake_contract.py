"""The fake server's documents against the SDK's own models, validated strictly.

Strict response validation makes the SDK refuse any field the real API's schema does not
allow or any required field missing, so the fake cannot drift from what the SDK parses.
"""

from __future__ import annotations

import openai
import pytest

from sbemail.content.chat import ChatCompletionsContentModel
from sbemail.content.prompts import build_prompt
from sbemail.content.responses import ResponsesContentModel

from fakes.briefs import brief
from fakes.content import API_KEY, fake_openai
from fakes.openai_server import FakeOpenAI

__all__ = ["fake_openai"]


def strict_client(fake: FakeOpenAI) -> openai.OpenAI:
    return openai.OpenAI(
        api_key=API_KEY, base_url=fake.base_url, max_retries=0, _strict_response_validation=True
    )


@pytest.mark.parametrize("fault", ["ok", "incomplete", "refusal"])
def test_responses_documents_validate(fake_openai: FakeOpenAI, fault: str) -> None:
    client = strict_client(fake_openai)
    fake_openai.plan(fault)
    request = ResponsesContentModel(client, "gpt-4.1-mini").request(build_prompt(brief()))
    response = client.responses.create(**request)
    assert response.usage is not None and response.usage.input_tokens > 0
    assert response.status == ("incomplete" if fault == "incomplete" else "completed")


@pytest.mark.parametrize("fault", ["ok", "incomplete", "refusal"])
def test_chat_documents_validate(fake_openai: FakeOpenAI, fault: str) -> None:
    client = strict_client(fake_openai)
    fake_openai.plan(fault)
    request = ChatCompletionsContentModel(client, "llama3.1").request(build_prompt(brief()))
    completion = client.chat.completions.create(**request)
    assert completion.usage is not None and completion.usage.prompt_tokens > 0


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("429", openai.RateLimitError),
        ("400", openai.BadRequestError),
        ("503", openai.InternalServerError),
    ],
)
def test_error_documents_map_to_the_sdk_errors(
    fake_openai: FakeOpenAI, fault: str, error: type[Exception]
) -> None:
    client = strict_client(fake_openai)
    fake_openai.plan(fault)
    request = ResponsesContentModel(client, "gpt-4.1-mini").request(build_prompt(brief()))
    with pytest.raises(error):
        client.responses.create(**request)
