"""The storage port: where jobs and their variants live."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from .jobs import Job


class JobStore(Protocol):
    """Jobs with a time to live; expired jobs are never returned."""

    def create(self, job: Job) -> None:
        """Store a new job (``JobStateError`` if the id exists)."""

    def get(self, job_id: str) -> Job | None:
        """The live job, or ``None``."""

    def peek(self, job_id: str) -> Job | None:
        """The live job without its ``request`` (left empty), or ``None``: a cheap read
        for status and polling."""

    def get_many(self, job_ids: list[str]) -> dict[str, Job]:
        """The live jobs among ``job_ids``, by id."""

    # ``keep_until`` (a job's own, see ``Job.keep_until``): the expiry every write keeps.

    def start(
        self,
        job_id: str,
        lease_seconds: float | None = None,
        holder: str = "",
        keep_until: int = 0,
    ) -> Job:
        """Mark a queued (or interrupted running) job as running and return it.

        With ``lease_seconds``, ``holder`` also leases the job for that long:
        ``JobLeasedError`` while another holder's lease runs.
        """

    def release(self, job_id: str, holder: str) -> None:
        """End ``holder``'s lease early (its attempt failed); another's is left alone."""

    def save_variant(
        self,
        job_id: str,
        index: int,
        payload: dict[str, Any],
        keep_until: int = 0,
        counted: bool = True,
    ) -> None:
        """Store one finished variant; saving the same index twice keeps one copy.
        ``counted=False`` leaves the job's progress to the ``complete`` that follows."""

    def variants(self, job_id: str, total: int) -> dict[int, dict[str, Any]]:
        """The variants saved so far, by index."""

    def complete(
        self,
        job_id: str,
        summary: dict[str, Any],
        keep_until: int = 0,
        done: Iterable[int] = (),
    ) -> None:
        """Mark a running job completed (``JobStateError`` if it already ended), its
        progress counting the variants ``done`` too."""

    def fail(
        self,
        job_id: str,
        error: dict[str, Any],
        keep_until: int = 0,
        done: Iterable[int] = (),
    ) -> None:
        """Mark a job failed unless it already ended (``done`` as for ``complete``)."""
