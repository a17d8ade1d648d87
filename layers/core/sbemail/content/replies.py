"""Reading the model's answer: JSON text to copy values, with an optional repair pass.

OpenAI's strict structured outputs return exactly the schema's JSON, so the Responses
provider parses strictly. OpenAI-compatible servers (Ollama, vLLM, LM Studio) may
ignore ``response_format`` and wrap the JSON in prose or code fences, or leave a
trailing comma; the Chat Completions provider repairs those few, well-known forms and
otherwise reports the answer as invalid (which earns one corrective attempt).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..domain import CopyViolation, VariantBrief, validate_copy

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def parse_json(text: str, *, repair: bool = False) -> Any:
    """The JSON value in ``text``.

    With ``repair``, also accept it inside code fences or surrounding prose, and with
    trailing commas. Raises ``ValueError`` when no JSON object can be read.
    """
    try:
        return json.loads(text)
    except ValueError:
        if not repair:
            raise
    for candidate in _candidates(text):
        for variant in (candidate, _TRAILING_COMMA.sub(r"\1", candidate)):
            try:
                return json.loads(variant)
            except ValueError:
                continue
    raise ValueError("no JSON object in the answer")


def parse_reply(text: str, *, repair: bool = False) -> dict[str, Any] | CopyViolation:
    """The JSON object in a reply, or the violation that says why there is none."""
    try:
        values = parse_json(text, repair=repair)
    except ValueError:
        return CopyViolation("$", "the answer is not valid JSON")
    if not isinstance(values, dict):
        return CopyViolation("$", "expected a JSON object")
    return values


def check_reply(
    brief: VariantBrief, text: str, *, repair: bool = False
) -> tuple[dict[str, str], list[CopyViolation]]:
    """The strictly valid copy in a reply and its violations (no repairs: for tests)."""
    values = parse_reply(text, repair=repair)
    if isinstance(values, CopyViolation):
        return {}, [values]
    return validate_copy(brief, values)


def _candidates(text: str) -> list[str]:
    found = [match.strip() for match in _FENCE.findall(text)]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        found.append(text[start : end + 1])
    return found
