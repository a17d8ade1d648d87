"""The queue port."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class JobQueue(Protocol):
    def send(self, job_id: str) -> None:
        """Ask a worker to run this job (at least once)."""

    def send_many(self, job_ids: Sequence[str]) -> list[str]:
        """Ask for each job to be run; returns the ids that could not be queued.

        An id is returned only once every retry has failed: a caller that gets it back
        still owns that job (and must not leave it waiting for a worker that never comes).
        """

    def retry_later(self, receipt_handle: str, delay_seconds: int) -> bool:
        """Make a received message that failed visible again after ``delay_seconds``.

        Best effort: False when the queue refused (the message then comes back after the
        queue's own visibility timeout, as it would have anyway).
        """
