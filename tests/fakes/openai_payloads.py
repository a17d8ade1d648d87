"""What the fake OpenAI server reads from requests and writes back.

Strict-mode schema checks as the real API applies them, conforming answers that keep
to the limits stated in field descriptions, and the Responses / Chat Completions
documents the SDK parses.
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any

_LIMIT = re.compile(r"at most (\d+) characters")
_STRICT_STRING_KEYWORDS = {"type", "description", "enum", "const", "pattern", "format"}
_WORDS = (
    "warm layers for the trail ahead",
    "made to last season after season",
    "crafted with care for everyday adventures",
    "fresh picks chosen just for you",
    "quality you can feel from the first wear",
    "ready when you are",
)


def strict_schema_problems(schema: Any, where: str = "$") -> list[str]:
    """Why OpenAI's strict mode would refuse ``schema`` (empty when it would accept it)."""
    if not isinstance(schema, dict):
        return [f"{where}: schema must be an object"]
    kind = schema.get("type")
    problems: list[str] = []
    if kind == "object":
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is not False:
            problems.append(f"{where}: additionalProperties must be false")
        if sorted(schema.get("required", [])) != sorted(properties):
            problems.append(f"{where}: every property must be required")
        for name, spec in properties.items():
            problems += strict_schema_problems(spec, f"{where}.{name}")
    elif kind == "string":
        extra = set(schema) - _STRICT_STRING_KEYWORDS
        problems += [f"{where}: '{key}' is not permitted" for key in sorted(extra)]
    else:
        problems.append(f"{where}: unsupported type {kind!r}")
    return problems


def answer_for(schema: dict[str, Any], salt: str) -> dict[str, str]:
    """A conforming answer: every property, each about two thirds of its stated limit."""
    values = {}
    for index, (name, spec) in enumerate(schema.get("properties", {}).items()):
        found = _LIMIT.search(str(spec.get("description", "")))
        limit = int(found.group(1)) if found else 80
        words = _WORDS[(index + len(salt)) % len(_WORDS)]
        text = f"{name.rsplit('__', 1)[-1].replace('_', ' ').capitalize()}: {words}"
        while len(text) < limit * 2 // 3:
            text += f", {words}"
        values[name] = text[: max(1, limit * 2 // 3)].rstrip(" ,")
    return values


def violating(values: dict[str, str]) -> dict[str, str]:
    broken = dict(values)
    names = list(broken)
    if names:
        broken.pop(names[0])
    if len(names) > 1:
        broken[names[1]] = "x" * 2000
    return broken


def schema_and_prompt(path: str, body: dict[str, Any]) -> tuple[Any, bool, list[str], str]:
    """The answer schema, whether it is strict, the prompt texts in order, and the model."""
    model = str(body.get("model", ""))
    if path.endswith("/responses"):
        fmt = (body.get("text") or {}).get("format") or {}
        texts = [str(body.get("instructions") or "")]
        items = body.get("input")
        if isinstance(items, str):
            texts.append(items)
        else:
            texts += [_content_text(item.get("content")) for item in items or []]
        return fmt.get("schema"), bool(fmt.get("strict")), texts, model
    fmt = body.get("response_format") or {}
    spec = fmt.get("json_schema") or {}
    texts = [_content_text(m.get("content")) for m in body.get("messages", [])]
    return spec.get("schema"), bool(spec.get("strict")), texts, model


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def response(model: str, text: str, usage: tuple[int, int, int], cut: bool) -> dict[str, Any]:
    prompt, cached, output = usage
    return {
        "id": f"resp_{hashlib.sha256(text.encode()).hexdigest()[:24]}",
        "object": "response",
        "created_at": time.time(),
        "status": "incomplete" if cut else "completed",
        "incomplete_details": {"reason": "max_output_tokens"} if cut else None,
        "model": model,
        "output": [
            {
                "type": "message",
                "id": "msg_fake",
                "status": "incomplete" if cut else "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "store": False,
        "usage": {
            "input_tokens": prompt,
            "input_tokens_details": {"cached_tokens": cached, "cache_write_tokens": 0},
            "output_tokens": output,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": prompt + output,
        },
    }


def refuse(document: dict[str, Any], refusal: str) -> None:
    if document["object"] == "response":
        document["output"][0]["content"] = [{"type": "refusal", "refusal": refusal}]
    else:
        document["choices"][0]["message"].update(content=None, refusal=refusal)


def completion(model: str, text: str, usage: tuple[int, int, int], cut: bool) -> dict[str, Any]:
    prompt, cached, output = usage
    return {
        "id": f"chatcmpl-{hashlib.sha256(text.encode()).hexdigest()[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "finish_reason": "length" if cut else "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": output,
            "total_tokens": prompt + output,
            "prompt_tokens_details": {"cached_tokens": cached},
        },
    }
