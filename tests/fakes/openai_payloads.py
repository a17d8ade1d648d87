"""What the fake OpenAI server reads from requests and writes back.

Strict-mode schema checks as the real API applies them, the answers a model writes, and
the Responses / Chat Completions documents the SDK parses.

An answer can be obedient (every value about two thirds of the limit its description
states) or, with ``Realism``, stray the way real models do: a share of values written
past their limit, and whitespace noise on values that are exactly at it. The fields
written follow the prompt, as a real model follows it: the last ``Fields to write: ``
or ``Leave empty: `` line, or the ``Rewrite only: `` line of a corrective turn.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

_LIMIT = re.compile(r"at most (\d+) characters")
_DEFAULT_LIMIT = 80
_STRICT_STRING_KEYWORDS = {"type", "description", "enum", "const", "pattern", "format"}
_WORDS = (
    "warm layers for the trail ahead",
    "made to last season after season",
    "crafted with care for everyday adventures",
    "fresh picks chosen just for you",
    "quality you can feel from the first wear",
    "ready when you are",
)
FIELDS_LINE = "Fields to write: "
LEAVE_EMPTY_LINE = "Leave empty: "
REWRITE_LINE = "Rewrite only: "
# An entry of a ``Rewrite only`` line: ``name (now 93 characters, at most 70)``. The
# parenthesis holds ", " itself, so entries are found by their "name (" opening.
_REWRITE_ENTRY = re.compile(r"(?:^|, )([^\s,()]+) \(")
# Values whose limit is at most this are labels (a few words, no full stop); longer
# ones are sentences, several of them from about 100 characters on.
_LABEL_LIMIT = 40
# Prose vocabulary. Filler words may be short; a value always ends on a content word,
# and content words exist for every length from 3 to ``_LONGEST_WORD``.
_CONTENT_TEXT = """
day joy fit now set top get try new you bag cap tee sun warm soft made care pick
gift wear feel shop time cosy wool glow fresh ready layer trail ahead light
style today treat boots hikes season layers chosen autumn simple bright colour
crafts winter jackets morning evening comfort crafted quality weekend classic
perfect designed weekends outdoors textures detailed favourite adventure
beautiful essential materials wonderful adventures handpicked collection
everything sustainable
"""
_FILLER_TEXT = "a to of in on for and the with your our"
_CONTENT_WORDS = tuple(_CONTENT_TEXT.split())
_FILLER_WORDS = tuple(_FILLER_TEXT.split())
_PHRASES = (
    *_WORDS,
    "chosen with care",
    "soft layers you will love",
    "new colours just arrived",
    "for cool mornings and long evenings",
    "everything you need to get outside",
    "made for the weekend",
    "a favourite for every season",
    "light enough for any trail",
    "designed to keep you warm",
)
_LONGEST_WORD = max(len(word) for word in _CONTENT_WORDS)
_BY_LENGTH: dict[int, tuple[str, ...]] = {
    n: tuple(w for w in _CONTENT_WORDS if len(w) == n) for n in range(3, _LONGEST_WORD + 1)
}
_SHORT: dict[int, tuple[str, ...]] = {
    n: tuple(w for w in _FILLER_WORDS if len(w) == n) for n in (1, 2)
}
assert all(_BY_LENGTH.values()) and all(_SHORT.values()), "a word length has no word"
# What a model's stray whitespace looks like; each adds characters that normalising
# (``" ".join(value.split())``) removes again.
NOISES = ("trailing newline", "doubled space", "leading space", "tab")


@dataclass(frozen=True)
class Realism:
    """How a model strays from the limits it was given, per written field.

    Attributes:
        overrun_share: probability that a value is written past its limit.
        overrun_range: how far past, as a fraction of the limit (drawn uniformly).
        whitespace_noise: probability that a value sits exactly at its limit once its
            whitespace is normalised, but carries stray whitespace (see ``NOISES``).
    """

    overrun_share: float = 0.0
    overrun_range: tuple[float, float] = (0.10, 0.40)
    whitespace_noise: float = 0.0

    def halved(self) -> Realism:
        """Told the exact numbers in a corrective turn, models mostly comply."""
        return Realism(self.overrun_share / 2, self.overrun_range, self.whitespace_noise)


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


def limit_of(spec: Any) -> int:
    """The character limit a property's description states (80 when it states none)."""
    found = _LIMIT.search(str(spec.get("description", ""))) if isinstance(spec, dict) else None
    return int(found.group(1)) if found else _DEFAULT_LIMIT


def answer_for(
    schema: dict[str, Any],
    salt: str,
    *,
    written: Collection[str] | None = None,
    realism: Realism | None = None,
    draws: Callable[[str], random.Random] | None = None,
) -> dict[str, str]:
    """An answer with every property of ``schema``, in its order.

    Fields outside ``written`` (when given) are empty strings, as the prompt asks. A
    written field is about two thirds of its limit unless ``realism`` makes it stray;
    ``draws(name)`` gives that field's reproducible random source.
    """
    values = {}
    for index, (name, spec) in enumerate(schema.get("properties", {}).items()):
        if written is not None and name not in written:
            values[name] = ""
            continue
        limit = limit_of(spec)
        strayed = None
        if realism is not None and draws is not None:
            strayed = _stray(limit, realism, draws(name))
        values[name] = strayed if strayed is not None else _obedient(name, index, limit, salt)
    return values


def _obedient(name: str, index: int, limit: int, salt: str) -> str:
    words = _WORDS[(index + len(salt)) % len(_WORDS)]
    text = f"{name.rsplit('__', 1)[-1].replace('_', ' ').capitalize()}: {words}"
    while len(text) < limit * 2 // 3:
        text += f", {words}"
    return text[: max(1, limit * 2 // 3)].rstrip(" ,")


def _stray(limit: int, realism: Realism, rng: random.Random) -> str | None:
    """An overrun or a whitespace-noisy value, or ``None`` for an obedient one.

    Every draw is taken whatever the knobs say, so raising one knob never reshuffles
    which fields another knob picks.
    """
    over = rng.random()
    fraction = rng.uniform(*realism.overrun_range)
    noisy = rng.random()
    noise = NOISES[rng.randrange(len(NOISES))]
    sentences = limit > _LABEL_LIMIT
    if over < realism.overrun_share:
        return prose(overrun_length(limit, fraction, realism.overrun_range), rng, sentences)
    if noisy < realism.whitespace_noise:
        return add_noise(prose(limit, rng, sentences), noise, rng)
    return None


def overrun_length(limit: int, fraction: float, bounds: tuple[float, float]) -> int:
    """``limit`` plus ``fraction`` of it, kept inside ``bounds`` despite rounding.

    At least one character over: a tiny limit cannot be overrun by a small fraction.
    """
    low = math.ceil(limit * (1 + bounds[0]) - 1e-9)
    high = math.floor(limit * (1 + bounds[1]) + 1e-9)
    length = min(max(round(limit * (1 + fraction)), low), high) if low <= high else limit
    return max(length, limit + 1)


def prose(length: int, rng: random.Random, sentences: bool) -> str:
    """Readable text of exactly ``length`` characters, words joined by single spaces.

    With ``sentences`` it ends with a full stop and breaks into sentences of at most
    about 90 characters, so a paragraph-sized value has a sentence boundary well
    before its limit; without, it is a label of a few words. Chunks are picked so that
    what remains can always be closed by one content word of exactly the right length.
    """
    end = "." if sentences and length > 1 else ""
    body = length - len(end)
    if body <= 0:
        return ""
    if body <= _LONGEST_WORD:
        pool = _BY_LENGTH.get(body) or _SHORT[body]
        return rng.choice(pool).capitalize() + end
    parts: list[str] = []
    room = body + 1  # as if the first chunk, too, were preceded by a space
    in_sentence, goal, capital = 0, rng.randint(25, 45), True
    while room - 1 > _LONGEST_WORD:
        chunk = _pick_chunk(room, rng, avoid=parts[-1].rstrip(".").lower() if parts else "")
        grown = in_sentence + 1 + len(chunk)
        closing = (
            sentences
            and grown >= goal
            and chunk not in _FILLER_WORDS
            and room - (2 + len(chunk)) >= 20  # the next sentence is more than a word
        )
        text = (chunk[0].upper() + chunk[1:] if capital else chunk) + ("." if closing else "")
        parts.append(text)
        room -= 1 + len(text)
        in_sentence, capital = (0, True) if closing else (grown, False)
        if closing:
            goal = rng.randint(25, 45)
    last = rng.choice(_BY_LENGTH[room - 1])
    parts.append(last.capitalize() if capital else last)
    return " ".join(parts) + end


def _pick_chunk(room: int, rng: random.Random, avoid: str) -> str:
    """A phrase or a word that leaves room for a full stop and one more word.

    ``avoid`` (the chunk just written) is not picked again: "ready ready" reads wrong.
    """

    def fits(chunk: str) -> bool:
        # A full stop, a space and a three-letter word must still fit after it.
        return room - (1 + len(chunk)) >= 5 and chunk != avoid

    phrases = [p for p in _PHRASES if fits(p)]
    if phrases and rng.random() < 0.6:
        return rng.choice(phrases)
    return rng.choice([w for w in (*_CONTENT_WORDS, *_FILLER_WORDS) if fits(w)])


def add_noise(value: str, noise: str, rng: random.Random) -> str:
    """``value`` with one kind of stray whitespace a model emits (see ``NOISES``)."""
    spaces = [i for i, char in enumerate(value) if char == " "]
    if noise == "trailing newline" or (noise in ("doubled space", "tab") and not spaces):
        return value + "\n"
    if noise == "leading space":
        return " " + value
    at = rng.choice(spaces)
    return value[:at] + (" " if noise == "doubled space" else "\t") + value[at:]


def fields_to_write(
    messages: Sequence[tuple[str, str]], properties: Collection[str] = ()
) -> tuple[frozenset[str] | None, bool]:
    """Which fields the prompt asks for, and whether it is a corrective turn.

    A ``Rewrite only: `` line in the last user message names the fields to rewrite;
    otherwise the last ``Fields to write: `` line of the whole prompt lists them, or
    the last ``Leave empty: `` line lists the ``properties`` not to write (whichever
    comes later); without any, every field is written (``None``).
    """
    last_user = next((text for role, text in reversed(messages) if role == "user"), "")
    rewrite = _last_line(last_user, REWRITE_LINE)
    if rewrite is not None:
        return frozenset(_REWRITE_ENTRY.findall(rewrite)), True
    listed: tuple[str, str] | None = None
    for _, text in messages:
        for line in text.splitlines():
            for prefix in (FIELDS_LINE, LEAVE_EMPTY_LINE):
                if line.startswith(prefix):
                    listed = (prefix, line[len(prefix) :].strip())
    if listed is None:
        return None, False
    prefix, names = listed
    named = frozenset(name.strip() for name in names.split(", ") if name.strip())
    if prefix == LEAVE_EMPTY_LINE:
        return frozenset(name for name in properties if name not in named), False
    return named, False


def _last_line(text: str, prefix: str) -> str | None:
    found = None
    for line in text.splitlines():
        if line.startswith(prefix):
            found = line[len(prefix) :].strip()
    return found


def violating(values: dict[str, str]) -> dict[str, str]:
    """``values`` with a field missing and another far too long.

    The fields broken are ones the prompt asked for (non-empty ones), so the answer
    is wrong where a consumer looks even when the layout uses few of the fields.
    """
    broken = dict(values)
    names = [name for name, value in broken.items() if value] or list(broken)
    if names:
        broken.pop(names[0])
    if len(names) > 1:
        broken[names[1]] = "x" * 2000
    return broken


def schema_and_prompt(path: str, body: dict[str, Any]) -> tuple[Any, bool, list[str], str]:
    """The answer schema, whether it is strict, the prompt texts in order, and the model."""
    model = str(body.get("model", ""))
    texts = [text for _, text in prompt_messages(path, body)]
    if path.endswith("/responses"):
        fmt = (body.get("text") or {}).get("format") or {}
        return fmt.get("schema"), bool(fmt.get("strict")), texts, model
    spec = (body.get("response_format") or {}).get("json_schema") or {}
    return spec.get("schema"), bool(spec.get("strict")), texts, model


def prompt_messages(path: str, body: dict[str, Any]) -> list[tuple[str, str]]:
    """``(role, text)`` of the prompt in reading order; Responses instructions first."""
    if path.endswith("/responses"):
        messages = [("system", str(body.get("instructions") or ""))]
        items = body.get("input")
        if isinstance(items, str):
            return [*messages, ("user", items)]
        return messages + [
            (str(item.get("role") or "user"), _content_text(item.get("content")))
            for item in items or []
        ]
    return [
        (str(m.get("role") or ""), _content_text(m.get("content")))
        for m in body.get("messages", [])
    ]


def prompt_segments(schema: Any, texts: Sequence[str]) -> list[str]:
    """The prompt as OpenAI reads it, for token counts and prompt caching.

    The structured-output schema comes first, as sent, then the instructions (or the
    system message), then the messages in order. Each segment is tokenised on its own,
    as the chat template separates them, so a change in one never alters another's.
    """
    return [json.dumps(schema), *texts]


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
