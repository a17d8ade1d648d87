"""The Chat Completions provider, for OpenAI-compatible servers (Ollama, vLLM, LM Studio).

These servers speak ``POST /v1/chat/completions`` and mostly honour
``response_format`` json_schema; those that ignore it get their JSON repaired when it
is merely wrapped (code fences, prose, trailing commas) and a corrective attempt
otherwise. The answer's ceiling is ``max_completion_tokens``: OpenAI deprecated
``max_tokens`` and its reasoning models (gpt-5, o-series) reject it. A reasoning effort
and a ``safety_identifier`` are sent only when there is one to send.
"""

from __future__ import annotations

from typing import Any

from .base import FollowUp, OpenAICompatibleContentModel, Reply, expect
from .ports import Usage
from .prompts import SCHEMA_NAME, CopyPrompt, echo


class ChatCompletionsContentModel(OpenAICompatibleContentModel):
    """Copy from ``POST /v1/chat/completions`` with a json_schema ``response_format``.

    A reasoning effort, when given, is sent as ``reasoning_effort``.
    """

    provider = "openai-compatible"
    repair_json = True

    def request(self, prompt: CopyPrompt, follow_up: FollowUp | None = None) -> dict[str, Any]:
        """The keyword arguments of ``client.chat.completions.create`` for this prompt."""
        messages: list[dict[str, str]] = [
            {"role": "system", "content": prompt.instructions},
            {"role": "user", "content": prompt.context},
            {"role": "user", "content": prompt.task},
        ]
        if follow_up is not None:
            messages.append({"role": "assistant", "content": echo(follow_up.previous)})
            messages.append({"role": "user", "content": follow_up.message})
        arguments: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": SCHEMA_NAME, "schema": prompt.schema, "strict": True},
            },
            "max_completion_tokens": self._max_output_tokens,
        }
        if self._reasoning_effort:
            arguments["reasoning_effort"] = self._reasoning_effort
        if prompt.safety_identifier:
            arguments["safety_identifier"] = prompt.safety_identifier
        return arguments

    def _send(self, prompt: CopyPrompt, follow_up: FollowUp | None, timeout: float) -> Reply:
        from openai.types.chat import ChatCompletion

        completion = expect(
            self._client.chat.completions.create(
                **self.request(prompt, follow_up), timeout=timeout
            ),
            ChatCompletion,
            "chat completion",
        )
        choice = completion.choices[0] if completion.choices else None
        if choice is None:
            return Reply("", _usage(completion.usage), "the server returned no choices")
        message = choice.message
        problem = None
        if getattr(message, "refusal", None):
            problem = f"the model refused: {str(message.refusal)[:200]}"
        elif choice.finish_reason == "length":
            problem = "the answer was cut short (max_completion_tokens)"
        return Reply(message.content or "", _usage(completion.usage), problem)


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    details = getattr(usage, "prompt_tokens_details", None)
    return Usage(
        input_tokens=int(usage.prompt_tokens or 0),
        output_tokens=int(usage.completion_tokens or 0),
        cached_tokens=int(getattr(details, "cached_tokens", 0) or 0),
    )
