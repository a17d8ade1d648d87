"""The OpenAI Responses API provider (the default with an API key).

One request per variant: fixed ``instructions``, then the brand context, then the
variant's brief, answered as strict structured output (``text.format`` json_schema).
``store=False`` keeps no conversation on OpenAI's side (there is none to continue:
every job starts fresh), ``prompt_cache_key`` routes requests that share a prefix
to the same cache, and ``safety_identifier`` (a hash of the store, never its id) lets
OpenAI attribute abuse to one store instead of the whole account.
"""

from __future__ import annotations

from typing import Any

from .base import FollowUp, OpenAICompatibleContentModel, Reply, expect
from .ports import Usage
from .prompts import SCHEMA_NAME, CopyPrompt, echo
from .retry import UnreadableReplyError


class ResponsesContentModel(OpenAICompatibleContentModel):
    """Copy from ``POST /v1/responses``.

    A reasoning effort, when given, is sent as ``reasoning.effort``.
    """

    provider = "openai"

    def request(self, prompt: CopyPrompt, follow_up: FollowUp | None = None) -> dict[str, Any]:
        """The keyword arguments of ``client.responses.create`` for this prompt."""
        messages: list[dict[str, str]] = [
            {"role": "user", "content": prompt.context},
            {"role": "user", "content": prompt.task},
        ]
        if follow_up is not None:
            messages.append({"role": "assistant", "content": echo(follow_up.previous)})
            messages.append({"role": "user", "content": follow_up.message})
        arguments: dict[str, Any] = {
            "model": self.model,
            "instructions": prompt.instructions,
            "input": messages,
            "text": {
                "format": {
                    "type": "json_schema",
                    "name": SCHEMA_NAME,
                    "schema": prompt.schema,
                    "strict": True,
                }
            },
            "store": False,
            "prompt_cache_key": prompt.cache_key,
            "max_output_tokens": self._max_output_tokens,
        }
        if self._reasoning_effort:
            arguments["reasoning"] = {"effort": self._reasoning_effort}
        if prompt.safety_identifier:
            arguments["safety_identifier"] = prompt.safety_identifier
        return arguments

    def _send(self, prompt: CopyPrompt, follow_up: FollowUp | None, timeout: float) -> Reply:
        from openai.types.responses import Response

        response = expect(
            self._client.responses.create(**self.request(prompt, follow_up), timeout=timeout),
            Response,
            "Responses API object",
        )
        return Reply(response.output_text or "", _usage(response.usage), _problem(response))


def batch_reply(body: Any) -> Reply:
    """A ``/v1/responses`` answer as the Batch API's output file holds it (the response
    object as JSON), read as a live answer is.

    Raises:
        UnreadableReplyError: the body is not a Responses API object.
    """
    from openai.types.responses import Response
    from pydantic import ValidationError

    try:
        response = Response.model_validate(body)
    except ValidationError as error:
        message = f"the batch answer was not a Responses API object: {str(error)[:200]}"
        raise UnreadableReplyError(message) from None
    return Reply(response.output_text or "", _usage(response.usage), _problem(response))


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    details = getattr(usage, "input_tokens_details", None)
    return Usage(
        input_tokens=int(usage.input_tokens or 0),
        output_tokens=int(usage.output_tokens or 0),
        cached_tokens=int(getattr(details, "cached_tokens", 0) or 0),
    )


def _problem(response: Any) -> str | None:
    if getattr(response, "status", None) == "incomplete":
        details = getattr(response, "incomplete_details", None)
        reason = getattr(details, "reason", None) or "unknown reason"
        return f"the answer was cut short ({reason})"
    for item in response.output or []:
        for part in getattr(item, "content", None) or []:
            if getattr(part, "type", None) == "refusal":
                return f"the model refused: {str(getattr(part, 'refusal', ''))[:200]}"
    if getattr(response, "error", None) is not None:
        return f"the model reported an error: {str(response.error.message)[:200]}"
    return None
