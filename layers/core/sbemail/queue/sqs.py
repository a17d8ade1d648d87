"""The job queue on SQS (a boto3 SQS client is injected)."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tenacity.wait import wait_base

logger = logging.getLogger(__name__)

BATCH_LIMIT = 10
"""Entries per ``SendMessageBatch`` call, SQS's own limit."""


MAX_VISIBILITY_SECONDS = 12 * 3600
"""SQS's upper bound for a message's visibility timeout."""


def retry_delay(
    receive_count: int, base_seconds: float, cap_seconds: float, rng: random.Random | None = None
) -> int:
    """Seconds before a job message that failed its ``receive_count``-th delivery returns.

    Doubling per delivery, each delay drawn from its upper half (jitter, so jobs that
    failed together, say in one throttling burst, do not all return in the same second),
    and never past ``cap_seconds``.
    """
    ceiling = min(cap_seconds, base_seconds * 2 ** max(0, receive_count - 1))
    draw = (rng or random).uniform(ceiling / 2, ceiling)
    return max(1, round(draw))


class SQSJobQueue:
    """Sends one message per job; the worker's event source reads them in batches."""

    def __init__(
        self,
        client: Any,
        queue_url: str,
        attempts: int = 4,
        wait: Any = None,
    ) -> None:
        self._client = client
        self._url = queue_url
        self._attempts = attempts
        self._wait: wait_base | None = wait  # None: exponential backoff (``_send_group``)

    def send(self, job_id: str) -> None:
        self._client.send_message(QueueUrl=self._url, MessageBody=_body(job_id))

    def send_many(self, job_ids: Sequence[str]) -> list[str]:
        """Queue many jobs, ten to a ``SendMessageBatch`` call.

        ``SendMessageBatch`` succeeds as a call even when some of its entries fail (SQS
        throttling one, an internal error on another): each failed entry is sent again,
        with backoff, up to ``attempts`` times. Entries SQS blames on the sender are not
        retried (they would fail the same way). Whatever is still unsent is returned.
        """
        unsent: list[str] = []
        ids = list(dict.fromkeys(job_ids))
        for start in range(0, len(ids), BATCH_LIMIT):
            unsent.extend(self._send_group(ids[start : start + BATCH_LIMIT]))
        return unsent

    def retry_later(self, receipt_handle: str, delay_seconds: int) -> bool:
        """Bring a failed message back after ``delay_seconds`` (``ChangeMessageVisibility``).

        Best effort: if SQS refuses, the message comes back after the queue's visibility
        timeout instead, which is where it would have been without this call.
        """
        try:
            self._client.change_message_visibility(
                QueueUrl=self._url,
                ReceiptHandle=receipt_handle,
                VisibilityTimeout=max(0, min(delay_seconds, MAX_VISIBILITY_SECONDS)),
            )
        except Exception:
            logger.warning("could not shorten a failed message's visibility", exc_info=True)
            return False
        return True

    def _send_group(self, group: list[str]) -> list[str]:
        # tenacity is imported here: one job's ``send`` (the API's generate) never retries,
        # so the API function's cold start does not load it (~10 ms of CPU).
        from tenacity import Retrying, retry_if_result, stop_after_attempt, wait_random_exponential

        pending = list(group)
        final: list[str] = []

        def attempt() -> list[str]:
            nonlocal pending
            pending, rejected = self._send_once(pending)
            final.extend(rejected)
            return pending

        exponential = wait_random_exponential(multiplier=0.1, max=2)
        backoff = self._wait if self._wait is not None else exponential
        retrying = Retrying(
            stop=stop_after_attempt(self._attempts),
            wait=backoff,
            retry=retry_if_result(bool),  # some entries are still to send
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else [],
            reraise=False,
        )
        left: list[str] = retrying(attempt)
        if left or final:
            logger.error("could not queue %d of %d jobs", len(left) + len(final), len(group))
        return [*final, *left]

    def _send_once(self, job_ids: list[str]) -> tuple[list[str], list[str]]:
        """One ``SendMessageBatch``: (entries to try again, entries never to retry).

        A call that fails as a whole (connection lost, throttled) is retried whole.
        """
        entries = [
            {"Id": str(number), "MessageBody": _body(job_id)}
            for number, job_id in enumerate(job_ids)
        ]
        try:
            response = self._client.send_message_batch(QueueUrl=self._url, Entries=entries)
        except Exception:
            logger.warning("SendMessageBatch failed as a whole; retrying", exc_info=True)
            return job_ids, []
        again: list[str] = []
        rejected: list[str] = []
        for failure in response.get("Failed", []):
            job_id = job_ids[int(failure["Id"])]
            (rejected if failure.get("SenderFault") else again).append(job_id)
        return again, rejected


def _body(job_id: str) -> str:
    return json.dumps({"jobId": job_id})
