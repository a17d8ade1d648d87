"""Token counts for the fake server and the benchmarks, with OpenAI's o200k encoding.

``bpe-openai`` ships the vocabulary inside the package, so counting works without
network. Should it be missing, a four-characters-a-token estimate keeps tests running.
"""

from __future__ import annotations

from functools import cache


@cache
def _encoder():  # type: ignore[no-untyped-def]
    try:
        import bpe_openai
    except ImportError:  # pragma: no cover - pinned in requirements-dev.txt
        return None
    return bpe_openai.get_encoding("o200k_base")


def encode(text: str) -> list[int]:
    """The token ids of ``text`` (estimated ids when the tokenizer is unavailable)."""
    encoder = _encoder()
    if encoder is None:  # pragma: no cover
        return [hash(text[i : i + 4]) for i in range(0, len(text), 4)]
    return list(encoder.encode(text))


def count(text: str) -> int:
    """How many tokens ``text`` is."""
    return len(encode(text))


def exact() -> bool:
    """Whether counts come from the real tokenizer rather than an estimate."""
    return _encoder() is not None
