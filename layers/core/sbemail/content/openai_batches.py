"""OpenAI's Batch API: many ``/v1/responses`` requests answered within 24 h, at half price.

The requests are exactly those a live call would send (``ResponsesContentModel.request``,
first turn), one JSONL line each, uploaded as one file (purpose ``batch``) and run as one
batch on the ``/v1/responses`` endpoint. The answers come back as an output file (the
response objects) and an error file (requests that failed, or that were not reached
before the window closed: ``batch_expired``). Nothing here reviews copy: answers are
handed back as ``Reply`` objects for the provider's ``write_answered``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..domain import VariantBrief
from .base import Reply, describe
from .pool import PooledContentModel
from .prompts import build_prompt
from .retry import UnreadableReplyError

logger = logging.getLogger(__name__)

ENDPOINT = "/v1/responses"
WINDOW = "24h"
WINDOW_SECONDS = 24 * 3600
ENDED = ("completed", "expired", "failed", "cancelled")


@dataclass(frozen=True)
class ProviderBatch:
    """A batch as OpenAI reports it (``status`` is one of the Batch object's)."""

    id: str
    status: str
    output_file_id: str | None = None
    error_file_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        return self.status in ENDED


@dataclass(frozen=True)
class BatchAnswers:
    """What an ended batch gave: an answer per request id, or why there is none."""

    replies: dict[str, Reply]
    failures: dict[str, str]


class OpenAIBatches:
    """Submits and reads batches through a session of the pooled Responses model."""

    def __init__(self, content: PooledContentModel) -> None:
        self._content = content

    @property
    def available(self) -> bool:
        """Whether the configured model speaks the Responses API (``provider`` is
        ``openai`` for it alone); the offline writer and Chat Completions servers have
        no Batch API here. Decided from configuration: no session, no key needed."""
        return self._content.provider == "openai"

    def submit(self, requests: Sequence[tuple[str, VariantBrief]], label: str) -> ProviderBatch:
        """Upload one request per ``(custom_id, brief)`` and start their batch."""
        with self._content.pool.session() as session:
            lines = [
                json.dumps(
                    {
                        "custom_id": custom_id,
                        "method": "POST",
                        "url": ENDPOINT,
                        "body": session.request(build_prompt(brief)),  # type: ignore[attr-defined]
                    },
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
                for custom_id, brief in requests
            ]
            client = session.client  # type: ignore[attr-defined]
            upload = client.files.create(
                file=("requests.jsonl", "\n".join(lines).encode(), "application/jsonl"),
                purpose="batch",
            )
            created = client.batches.create(
                input_file_id=upload.id,
                endpoint=ENDPOINT,
                completion_window=WINDOW,
                metadata={"sbemailBatch": label[:512]},
            )
        return _provider_batch(created)

    def retrieve(self, batch_id: str) -> ProviderBatch:
        with self._content.pool.session() as session:
            return _provider_batch(session.client.batches.retrieve(batch_id))  # type: ignore[attr-defined]

    def answers(self, batch: ProviderBatch) -> BatchAnswers:
        """The answers of an ended batch; a request in neither file failed unread."""
        from .responses import batch_reply

        replies: dict[str, Reply] = {}
        failures: dict[str, str] = {}
        with self._content.pool.session() as session:
            client = session.client  # type: ignore[attr-defined]
            for file_id in (batch.output_file_id, batch.error_file_id):
                if not file_id:
                    continue
                for line in client.files.content(file_id).text.splitlines():
                    if line.strip():
                        _read_line(json.loads(line), replies, failures, batch_reply)
        return BatchAnswers(replies, failures)


def _read_line(
    line: dict[str, Any],
    replies: dict[str, Reply],
    failures: dict[str, str],
    read: Any,
) -> None:
    custom_id = str(line.get("custom_id", ""))
    response = line.get("response") or {}
    error = line.get("error")
    if response.get("status_code") == 200 and not error:
        try:
            replies[custom_id] = read(response.get("body"))
        except UnreadableReplyError as problem:
            failures[custom_id] = describe(problem)
        return
    if isinstance(error, dict):
        failures[custom_id] = f"{error.get('code')}: {str(error.get('message', ''))[:200]}"
    else:
        status = response.get("status_code")
        body_error = (response.get("body") or {}).get("error") or {}
        failures[custom_id] = f"HTTP {status}: {str(body_error.get('message', ''))[:200]}"


def _provider_batch(batch: Any) -> ProviderBatch:
    counts = getattr(batch, "request_counts", None)
    return ProviderBatch(
        id=batch.id,
        status=batch.status,
        output_file_id=batch.output_file_id,
        error_file_id=batch.error_file_id,
        counts=counts.model_dump() if counts is not None else {},
    )
