"""Jobs: the record of one generation request and its progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED)


@dataclass(frozen=True)
class Job:
    """One generation request as stored; ``request`` is the validated request body."""

    id: str
    store_id: str
    status: JobStatus
    request: dict[str, Any]
    total: int
    done: int = 0
    error: dict[str, Any] | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    created_at: float = 0.0
    cache_key: str = ""
    keep_until: int = 0
    """Epoch seconds the job lives until whatever its updates (an economy batch's job
    waits for its batch, up to a day); 0: the store's TTL after each update."""
    started_before: bool = False
    """Set by ``JobStore.start`` when an earlier attempt had started the job (it was
    running, not queued): only then can variants be stored already, so a first attempt
    need not read them."""


class StorageError(Exception):
    """Base of every storage failure."""


class JobNotFoundError(StorageError):
    """No live job with this id (never created, expired, or in another store)."""


class JobStateError(StorageError):
    """A state change that the job's current state does not allow (e.g. after it ended)."""


class JobLeasedError(JobStateError):
    """Another delivery of the job is running it now: its lease has not run out."""
