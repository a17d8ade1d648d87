"""Economy batches: their model calls go through OpenAI's Batch API at half price.

An economy batch's new jobs are not queued. A scheduled poller (``poll``) moves each
open economy batch along:

1. *new*: every variant still to write becomes one request of one provider batch
   (the very request a live call would send), submitted;
2. *submitted*: once the provider batch has ended (completed, expired, failed or
   cancelled), each job runs as a worker runs it, but its copy comes from the batch's
   answers: reviewed, repaired and corrected exactly as a live answer (a correction is a
   live call), billed at batch prices. A variant the batch did not answer (failed, or
   not reached before the window closed) is written live, at live prices.

Each step is safe to repeat: a poll that dies half way resumes at the next one (jobs
already finished are left alone, variants already stored are not written again).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from ..content import PooledContentModel, WrittenCopy
from ..content.openai_batches import OpenAIBatches
from ..domain import VariantBrief
from ..storage import Batch, DynamoDBBatchStore
from .runner import JobRunner

logger = logging.getLogger(__name__)


class AnsweredContent:
    """A content model whose first answers come from an ended provider batch.

    ``answers`` maps a variant's index to the batch's reply; a variant without one is
    written live. Counts what it did (``answered``, ``live``) for the poller's metrics.
    """

    def __init__(self, live: PooledContentModel, answers: dict[int, Any]) -> None:
        self._live = live
        self._answers = answers
        self.provider = live.provider
        self.model = live.model
        self.prompt_version = live.prompt_version
        self.warnings = live.warnings
        self.counts: Counter[str] = Counter()

    def write(self, brief: VariantBrief) -> WrittenCopy:
        answer = self._answers.get(brief.variant_index)
        if answer is None:
            self.counts["live"] += 1
            return self._live.write(brief)
        self.counts["answered"] += 1
        return self._live.write_answered(brief, answer)


class EconomyService:
    """Submits economy batches to the Batch API and completes their jobs."""

    def __init__(
        self,
        runner: JobRunner,
        store: DynamoDBBatchStore,
        content: PooledContentModel,
        provider: OpenAIBatches | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._runner = runner
        self._store = store
        self._content = content
        self._provider = provider or OpenAIBatches(content)
        self._clock = clock
        self._available: bool | None = None

    @property
    def available(self) -> bool:
        """Whether economy mode can run here (decided once: it depends on configuration)."""
        if self._available is None:
            self._available = self._provider.available
        return self._available

    def poll(self) -> dict[str, Any]:
        """Move every open economy batch one step along; returns what was done.

        ``latencies`` are the seconds from submission to completion of the batches
        finished by this poll; a batch that fails to advance is logged and retried at
        the next poll, never left behind.
        """
        report: Counter[str] = Counter()
        latencies: list[float] = []
        for batch_id in self._store.open_batches():
            batch = self._store.get(batch_id)
            if batch is None:  # past its TTL: nothing left to complete
                self._store.mark_closed(batch_id)
                continue
            try:
                latency = self._advance(batch, report)
            except Exception:
                logger.exception("economy batch %s did not advance; retrying next time", batch_id)
                report["errors"] += 1
                continue
            if latency is not None:
                latencies.append(latency)
        return {**report, "latencies": latencies}

    def _advance(self, batch: Batch, report: Counter[str]) -> float | None:
        phase = batch.state.get("phase")
        if phase == "new":
            self._submit(batch, report)
            return None
        if phase == "submitted":
            return self._collect(batch, report)
        self._store.mark_closed(batch.id)
        return None

    def _submit(self, batch: Batch, report: Counter[str]) -> None:
        requests = [
            (f"{job_id}:{brief.variant_index}", brief)
            for job_id in batch.state.get("jobs", [])
            for brief in self._runner.pending_briefs(job_id)
        ]
        state = {**batch.state, "phase": "submitted", "requests": len(requests)}
        if requests:
            submitted = self._provider.submit(requests, batch.id)
            state["providerBatchId"] = submitted.id
            report["submitted"] += 1
        self._store.save_state(batch.id, state)

    def _collect(self, batch: Batch, report: Counter[str]) -> float | None:
        """Complete the jobs of a batch whose provider batch ended (else wait)."""
        provider_id = batch.state.get("providerBatchId")
        replies: dict[str, Any] = {}
        provider_status = "none"
        if provider_id:
            provider_batch = self._provider.retrieve(provider_id)
            if not provider_batch.ended:
                return None
            provider_status = provider_batch.status
            answers = self._provider.answers(provider_batch)
            replies = answers.replies
            report["failedRequests"] += len(answers.failures)
        for job_id in batch.state.get("jobs", []):
            mine = {
                int(custom_id.rsplit(":", 1)[1]): reply
                for custom_id, reply in replies.items()
                if custom_id.rsplit(":", 1)[0] == job_id
            }
            content = AnsweredContent(self._content, mine)
            done = self._runner.run(job_id, content=content)
            report["answered"] += content.counts["answered"]
            report["live"] += content.counts["live"]
            report["VariantsWritten"] += done.get("VariantsWritten", 0)
            report["VariantsFailed"] += done.get("VariantsFailed", 0)
        state = {**batch.state, "phase": "ended", "providerStatus": provider_status}
        state["endedAt"] = self._clock()
        self._store.save_state(batch.id, state)
        self._store.mark_closed(batch.id)
        report["ended"] += 1
        return self._clock() - batch.created_at
