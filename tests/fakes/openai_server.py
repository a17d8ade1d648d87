"""A fake OpenAI-compatible HTTP server on 127.0.0.1, for testing providers end to end.

It serves ``POST /v1/responses`` and ``POST /v1/chat/completions`` the way OpenAI does
for structured outputs: it checks that a strict ``json_schema`` is one strict mode
accepts (``400 invalid_json_schema`` otherwise, as the real API answers), writes a
conforming answer, and reports usage (tokens counted with the o200k encoding over the
schema, the instructions and the messages, in that order; prompt-cache hits simulated
per ``prompt_cache_key`` from the prefix shared with earlier requests, in 128-token
blocks from 1024 tokens on).

The answer follows the prompt as a real model does: only the fields of the last
``Fields to write: `` line get text (every other property is ``""``), or every field
but those of the last ``Leave empty: `` line, and a corrective
turn whose last user message says ``Rewrite only: name (now 93 characters, at most
70), ...`` gets only those fields. By default every value keeps well within the limit
its description states; ``Behaviour.overrun_share`` and ``whitespace_noise`` make
values stray past it the way real models do.

Faults are injected per request, from a script (``plan``) or at random rates
(``rates``). Random draws (faults and the way each field strays) depend only on the
seed, the request body and how many times that body was seen, so a run is reproducible
whatever the thread interleaving:

``429`` (with ``Retry-After``), ``500``, ``503``, ``400``, ``401``, ``hang`` (no
answer until past the client's timeout), ``malformed`` (the answer is broken JSON),
``violating`` (valid JSON that breaks the schema and limits), ``fenced`` (JSON wrapped
in prose and code fences with a trailing comma, as servers that ignore the schema do),
``incomplete`` (cut short at the token limit), ``refusal`` (the model declines),
``garbage`` (a non-JSON HTTP body).
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from . import openai_payloads as payloads
from . import tokens
from .http_fake import FakeHandler, LoopbackServer

OK = "ok"
FAULTS = (
    "429",
    "500",
    "503",
    "400",
    "401",
    "hang",
    "malformed",
    "violating",
    "fenced",
    "incomplete",
    "refusal",
    "garbage",
)
_CACHE_MINIMUM = 1024
_CACHE_BLOCK = 128


@dataclass
class Recorded:
    """One request the fake received, the fault it answered with, and the cache hit.

    ``cached_tokens`` is what the answer's usage billed as cached (0 when no answer
    was written: a status fault, a hang, garbage).
    """

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    fault: str
    cached_tokens: int = 0
    answered: bool = False
    """Whether a complete answer was sent (set once the last byte is written)."""


@dataclass
class Behaviour:
    """What the fake does; change it between or during tests (guarded by a lock).

    Attributes:
        plan: faults for the next requests, in order (then ``rules``, then ``rates``).
        rules: text → fault for every request whose body contains that text.
        rates: fault → probability per request (the rest succeed).
        seed: seeds the random draws.
        retry_after: ``Retry-After`` header of 429s and 503s (``None``: none sent).
        retry_after_ms: ``retry-after-ms`` header of 429s (``None``: none sent).
        time_to_first_token: seconds before an answer starts.
        tokens_per_second: output speed (``0``: instant).
        hang_seconds: how long a ``hang`` holds the request (past the client timeout).
        api_key: when set, requests without ``Bearer <api_key>`` get 401.
        overrun_share: probability that a written field runs past the limit its
            description states (halved in a ``Rewrite only`` corrective turn, where the
            model was told the exact numbers).
        overrun_range: how far past, as a fraction of the limit, drawn uniformly
            (``(0.10, 0.40)``: a 70-character limit becomes 77 to 98 characters).
        whitespace_noise: probability that a written field is exactly at its limit
            once whitespace is normalised (``" ".join(v.split())``) but carries a
            trailing newline, a doubled inner space, a leading space or a tab, so a
            consumer measuring before normalising sees an overrun.
        inject: text appended to every written value (a model repeating what a hostile
            brief told it, e.g. a foreign URL).
        holds: text → event: a request whose body contains that text is not answered
            until the test sets the event (or the server stops), so a test decides
            which call finishes last without relying on timing.
    """

    plan: list[str] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)
    rates: dict[str, float] = field(default_factory=dict)
    seed: int = 7
    retry_after: str | None = "0"
    retry_after_ms: str | None = None
    time_to_first_token: float = 0.0
    tokens_per_second: float = 0.0
    hang_seconds: float = 5.0
    api_key: str | None = None
    overrun_share: float = 0.0
    overrun_range: tuple[float, float] = (0.10, 0.40)
    whitespace_noise: float = 0.0
    inject: str = ""
    holds: dict[str, threading.Event] = field(default_factory=dict)

    def realism(self) -> payloads.Realism:
        """The knobs that make answers stray, as the answer writer takes them."""
        return payloads.Realism(self.overrun_share, self.overrun_range, self.whitespace_noise)


class FakeOpenAI:
    """The server; use ``FakeOpenAI.running()`` to start and stop it around a test."""

    def __init__(self, behaviour: Behaviour | None = None) -> None:
        self.behaviour = behaviour or Behaviour()
        self.requests: list[Recorded] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._seen: Counter[str] = Counter()
        self._arrivals: Counter[str] = Counter()
        self._prefixes: dict[str, list[list[int]]] = {}
        self._stopping = threading.Event()
        # More routes (files, batches: ``openai_batches.FakeBatches``): an object whose
        # ``serve(method, path, headers, body)`` answers ``(status, bytes, type)`` or None.
        self.extension: Any = None
        self._http = LoopbackServer(_handler_for(self))

    @classmethod
    @contextmanager
    def running(cls, behaviour: Behaviour | None = None) -> Iterator[FakeOpenAI]:
        server = cls(behaviour)
        server.start()
        try:
            yield server
        finally:
            server.stop()

    @property
    def base_url(self) -> str:
        return f"{self._http.url}/v1"

    def start(self) -> None:
        tokens.count("warm up")  # load the tokenizer now, not inside a timed request
        self._http.start()

    def stop(self) -> None:
        self._stopping.set()  # releases hanging requests
        self._http.stop()

    def plan(self, *faults: str) -> None:
        """Answer the next requests with these faults (``ok`` for a normal answer)."""
        with self._lock:
            self.behaviour.plan.extend(faults)

    def faults(self) -> Counter[str]:
        """How many requests got each fault (``ok`` included)."""
        with self._lock:
            return Counter(r.fault for r in self.requests)

    def bodies(self, path: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [r.body for r in self.requests if path is None or r.path.endswith(path)]

    def cached_tokens_of(self, recorded: Recorded) -> int:
        """The prompt tokens this fake billed as cached for one recorded request."""
        with self._lock:
            return recorded.cached_tokens

    @staticmethod
    def prompt_ids(path: str, body: dict[str, Any]) -> list[int]:
        """The prompt's tokens as usage counts them and the prompt cache compares them.

        The structured-output schema, then the instructions (or system message), then
        the messages in order: the order in which OpenAI reads a request.
        """
        schema, _, texts, _ = payloads.schema_and_prompt(path, body)
        return [
            i for segment in payloads.prompt_segments(schema, texts) for i in tokens.encode(segment)
        ]

    # -- decisions (called by the handler) -----------------------------------------------

    def _arrive(self, raw: bytes) -> tuple[str, int]:
        """The body's digest and how many times it has arrived, this time included.

        Counted for every request (unlike the fault draw's count, which scripted
        faults skip), so a field's draws do not depend on how the fault was chosen.
        """
        digest = hashlib.sha256(raw).hexdigest()
        with self._lock:
            self._arrivals[digest] += 1
            return digest, self._arrivals[digest]

    def _choose_fault(self, raw: bytes) -> str:
        with self._lock:
            if self.behaviour.plan:
                return self.behaviour.plan.pop(0)
            text = raw.decode("utf-8", "replace")
            for needle, fault in self.behaviour.rules.items():
                if needle in text:
                    return fault
            digest = hashlib.sha256(raw).hexdigest()
            self._seen[digest] += 1
            draw = random.Random(f"{self.behaviour.seed}:{digest}:{self._seen[digest]}").random()
            for fault, rate in self.behaviour.rates.items():
                if draw < rate:
                    return fault
                draw -= rate
            return OK

    def _record(self, entry: Recorded) -> None:
        with self._lock:
            self.requests.append(entry)

    def _cached_tokens(self, key: str, ids: list[int]) -> int:
        """Tokens of ``ids`` served from a simulated prompt cache under ``key``."""
        with self._lock:
            seen = self._prefixes.setdefault(key, [])
            best = max((common_prefix(ids, earlier) for earlier in seen), default=0)
            seen.append(ids)
            del seen[:-16]
        if best < _CACHE_MINIMUM:
            return 0
        return best // _CACHE_BLOCK * _CACHE_BLOCK


def common_prefix(a: list[int], b: list[int]) -> int:
    """How many leading tokens two prompts share (what a prompt cache can serve)."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _handler_for(fake: FakeOpenAI) -> type[FakeHandler]:
    class Handler(FakeHandler):
        disable_nagle_algorithm = True  # headers and body go out at once

        def setup(self) -> None:
            super().setup()
            with fake._lock:
                fake.connections += 1

        def _extended(self, method: str, raw: bytes) -> bool:
            """Whether the plugged-in extension answered this request."""
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer = (
                fake.extension.serve(method, self.path, headers, raw) if fake.extension else None
            )
            if answer is not None:
                self._send(*answer)
            return answer is not None

        def do_GET(self) -> None:
            if not self._extended("GET", b""):
                self._error(404, "invalid_request_error", f"unknown path {self.path}", None)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self._extended("POST", raw):
                return
            try:
                body = json.loads(raw)
            except ValueError:
                self._error(400, "invalid_request_error", "body is not JSON", None)
                return
            path = self.path.split("?", 1)[0]
            if path not in ("/v1/responses", "/v1/chat/completions"):
                self._error(404, "invalid_request_error", f"unknown path {path}", None)
                return
            arrival = fake._arrive(raw)
            fault = fake._choose_fault(raw)
            headers = {k.lower(): v for k, v in self.headers.items()}
            recorded = Recorded(path, headers, body, fault)
            fake._record(recorded)
            behaviour = fake.behaviour
            if behaviour.api_key and headers.get("authorization") != f"Bearer {behaviour.api_key}":
                fault = "401"
            text = raw.decode("utf-8", "replace")
            for needle, gate in list(behaviour.holds.items()):
                while needle in text and not gate.wait(0.05):
                    if fake._stopping.is_set():
                        self.close_connection = True
                        return
            if fault == "hang":
                fake._stopping.wait(behaviour.hang_seconds)
                self.close_connection = True
                return
            if fault in ("429", "500", "503", "400", "401"):
                self._status_fault(int(fault))
                return
            if fault == "garbage":
                self._send(200, b"<html>upstream proxy error", "text/html")
                return
            schema, strict, _, model = payloads.schema_and_prompt(path, body)
            if not isinstance(schema, dict):
                self._error(400, "invalid_request_error", "a json_schema is required", None)
                return
            if strict:
                problems = payloads.strict_schema_problems(schema)
                if problems:
                    message = "Invalid schema for response_format: " + "; ".join(problems)
                    self._error(400, "invalid_request_error", message, "invalid_json_schema")
                    return
            self._answer(recorded, schema, arrival, model)

        def _answer(
            self,
            recorded: Recorded,
            schema: dict[str, Any],
            arrival: tuple[str, int],
            model: str,
        ) -> None:
            path, body, fault = recorded.path, recorded.body, recorded.fault
            behaviour = fake.behaviour
            messages = payloads.prompt_messages(path, body)
            written, corrective = payloads.fields_to_write(
                messages, list(schema.get("properties", {}))
            )
            realism = behaviour.realism()
            digest, seen = arrival

            def draws(name: str) -> random.Random:
                return random.Random(f"{behaviour.seed}:{digest}:{seen}:{name}")

            values = payloads.answer_for(
                schema,
                salt=messages[-1][1] if messages else "",
                written=written,
                realism=realism.halved() if corrective else realism,
                draws=draws,
            )
            if behaviour.inject:  # a model that slips text of its own into the copy
                values = {k: f"{v} {behaviour.inject}" if v else v for k, v in values.items()}
            text = json.dumps(values if fault != "violating" else payloads.violating(values))
            if fault == "malformed":
                text = text[: len(text) // 2]
            elif fault == "fenced":
                text = "Sure! Here is the copy:\n```json\n" + text[:-1] + ",}\n```\nEnjoy."
            elif fault == "incomplete":
                text = text[: len(text) // 3]
            # Recorded for later requests before anything can go wrong with this one:
            # OpenAI caches the prefix it read, whatever the model then wrote.
            prompt_ids = fake.prompt_ids(path, body)
            key = str(body.get("prompt_cache_key") or "")
            cached = fake._cached_tokens(key, prompt_ids)
            with fake._lock:
                recorded.cached_tokens = cached
            output_tokens = tokens.count(text)
            delay = behaviour.time_to_first_token
            if behaviour.tokens_per_second > 0:
                delay += output_tokens / behaviour.tokens_per_second
            if delay > 0 and fake._stopping.wait(delay):
                self.close_connection = True
                return
            usage = (len(prompt_ids), cached, output_tokens)
            if path.endswith("/responses"):
                document = payloads.response(model, text, usage, fault == "incomplete")
            else:
                document = payloads.completion(model, text, usage, fault == "incomplete")
            if fault == "refusal":
                payloads.refuse(document, "I'm sorry, I can't help with that.")
            self._send(200, json.dumps(document).encode(), "application/json")
            with fake._lock:
                recorded.answered = True

        def _status_fault(self, status: int) -> None:
            behaviour = fake.behaviour
            extra: dict[str, str] = {}
            if status in (429, 503) and behaviour.retry_after is not None:
                extra["Retry-After"] = behaviour.retry_after
            if status == 429 and behaviour.retry_after_ms is not None:
                extra["retry-after-ms"] = behaviour.retry_after_ms
            kinds = {
                429: ("requests", "Rate limit reached for requests", "rate_limit_exceeded"),
                500: ("server_error", "The server had an error", None),
                503: ("server_error", "The engine is currently overloaded", None),
                400: ("invalid_request_error", "Invalid parameter", "invalid_value"),
                401: ("invalid_request_error", "Incorrect API key provided", "invalid_api_key"),
            }
            kind, message, code = kinds[status]
            self._error(status, kind, message, code, extra)

        def _error(
            self,
            status: int,
            kind: str,
            message: str,
            code: str | None,
            headers: dict[str, str] | None = None,
        ) -> None:
            document = {"error": {"message": message, "type": kind, "param": None, "code": code}}
            self._send(status, json.dumps(document).encode(), "application/json", headers)

    return Handler
