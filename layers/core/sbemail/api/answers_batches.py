"""What the batch routes answer, as models for the OpenAPI document (see ``api.answers``).

An item names its request by ``index`` and says where to read it: ``statusUrl`` (its
job), ``resultUrl`` (a cached answer, kept with the batch) or ``error`` (refused alone,
the rest of the batch going ahead).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .answers import GenerationResult, Progress, _Document


class BatchItem(_Document):
    index: int
    job_id: str | None = None
    status_url: str | None = Field(default=None, description="its job's status")
    result_url: str | None = Field(default=None, description="a cached answer's copy")
    cache: Literal["hit"] | None = None
    coalesced: bool | None = Field(default=None, description="joined an identical job")
    duplicate_of: int | None = Field(default=None, description="repeats an earlier item")
    error: dict[str, Any] | None = Field(default=None, description="why it was refused")


class BatchAccepted(_Document):
    """A batch accepted: poll ``statusUrl``."""

    batch_id: str
    status_url: str
    mode: Literal["standard", "economy"]
    total: int
    items: list[BatchItem]
    warnings: list[str] | None = None


class BatchProgress(_Document):
    done: int
    failed: int = Field(description="items that will never have a result")
    total: int


class BatchItemStatus(BatchItem):
    status: Literal["queued", "running", "completed", "failed", "invalid", "expired"]
    progress: Progress | None = None


class BatchDocument(_Document):
    batch_id: str
    mode: Literal["standard", "economy"]
    status: Literal["running", "completed"]
    progress: BatchProgress
    items: list[BatchItemStatus]
    economy: dict[str, Any] | None = Field(default=None, description="economy: its phase")
    warnings: list[str] | None = None


class BatchItemDocument(BatchItemStatus):
    """One item: its status, and its result when there is one."""

    result: GenerationResult | None = None
