"""The queue port."""

from __future__ import annotations

from typing import Protocol


class JobQueue(Protocol):
    def send(self, job_id: str) -> None:
        """Ask a worker to run this job (at least once)."""
