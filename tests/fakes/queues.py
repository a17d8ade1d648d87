"""The job queue kept in a list, for tests that run the queued jobs themselves."""

from __future__ import annotations

from collections.abc import Sequence


class RecordingQueue:
    """Every job id sent, in order; nothing is ever refused."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, job_id: str) -> None:
        self.sent.append(job_id)

    def send_many(self, job_ids: Sequence[str]) -> list[str]:
        self.sent.extend(job_ids)
        return []

    def retry_later(self, receipt_handle: str, delay_seconds: int) -> bool:
        return True  # nothing is received from a list, so nothing comes back
