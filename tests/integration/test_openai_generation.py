"""The generate use case with the pooled OpenAI provider: partial success per variant."""

from __future__ import annotations

import dataclasses
from typing import Any

from sbemail.domain import GenerateRequest
from sbemail.service import JobRunner
from sbemail.storage import Job, JobStatus

from fakes.briefs import library, sample
from fakes.content import fake_openai, pooled_model
from fakes.openai_server import FakeOpenAI

__all__ = ["fake_openai"]  # the fixture, imported for this module's tests


class MemoryJobs:
    """Just enough of the JobStore port for the use case, in memory."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self.saved: dict[str, dict[int, dict[str, Any]]] = {}

    def create(self, job: Job) -> None:
        self.jobs[job.id] = job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def peek(self, job_id: str) -> Job | None:
        job = self.jobs.get(job_id)
        return None if job is None else dataclasses.replace(job, request={})

    def start(self, job_id: str, **_: Any) -> Job:
        self.jobs[job_id] = dataclasses.replace(self.jobs[job_id], status=JobStatus.RUNNING)
        return self.jobs[job_id]

    def save_variant(self, job_id: str, index: int, payload: dict[str, Any], **_: Any) -> None:
        self.saved.setdefault(job_id, {})[index] = payload

    def variants(self, job_id: str, total: int) -> dict[int, dict[str, Any]]:
        return dict(self.saved.get(job_id, {}))

    def complete(self, job_id: str, summary: dict[str, Any], **_: Any) -> None:
        job = self.jobs[job_id]
        self.jobs[job_id] = dataclasses.replace(job, status=JobStatus.COMPLETED, summary=summary)

    def fail(self, job_id: str, error: dict[str, Any], **_: Any) -> None:
        self.jobs[job_id] = dataclasses.replace(
            self.jobs[job_id], status=JobStatus.FAILED, error=error
        )


class NoQueue:
    def send(self, job_id: str) -> None:
        pass


def test_a_variant_with_invalid_copy_fails_alone(fake_openai: FakeOpenAI) -> None:
    store = MemoryJobs()
    runner = JobRunner(library=library(), content=pooled_model(fake_openai), store=store)
    request = GenerateRequest.model_validate(sample("northwind"))
    store.create(
        Job(
            id="job-1",
            store_id=request.store_id,
            status=JobStatus.QUEUED,
            request=request.model_dump(mode="json", by_alias=True),
            total=request.variants,
        )
    )
    fake_openai.behaviour.rules = {"Write variant 2;": "violating"}  # every time
    runner.run("job-1")

    job = store.jobs["job-1"]
    assert job.status is JobStatus.COMPLETED
    assert job.summary["provider"] == "openai"
    emails = list(store.saved["job-1"].values())
    assert len(emails) == 3
    good = [email for email in emails if "html" in email]
    bad = [email for email in emails if "error" in email]
    assert len(good) == 2 and len(bad) == 1
    assert bad[0]["index"] == 1
    assert "after a corrective attempt" in bad[0]["error"]["message"]
    assert all(email["usage"]["outputTokens"] > 0 for email in good)
