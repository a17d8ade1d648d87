"""Jobs run through the generate use case against any content model, and what they cost.

Shared by the realistic-model acceptance tests and the benchmarks, so both count the
same things: jobs that answered 502, variants delivered, corrective calls, repairs and
tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sbemail.content import ContentModel
from sbemail.domain import BlockLibrary
from sbemail.service import GenerationService, JobRunner
from sbemail.storage import DynamoDBJobStore, JobStatus, Table

from samples import ROOT, sample_body

LIBRARY = BlockLibrary.load(ROOT / "blocks")
JOBS = 28
SAMPLES = ("northwind", "cedar", "pixelpet")


class NoQueue:
    """Jobs are run by the test itself, right after submitting."""

    def send(self, job_id: str) -> None:
        del job_id


@dataclass
class Report:
    jobs: int = 0
    failed_jobs: int = 0
    variants: int = 0
    delivered: int = 0
    corrections: int = 0
    repaired: int = 0
    output_tokens: int = 0
    input_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    errors: list[Any] = field(default_factory=list)

    @property
    def tokens_per_email(self) -> float:
        """Input and output tokens per variant (cached input included in input)."""
        return (self.input_tokens + self.output_tokens) / max(1, self.variants)


def run_jobs(model: ContentModel, table: Table, jobs: int = JOBS) -> Report:
    store = DynamoDBJobStore(table, ttl_seconds=300)
    service = GenerationService(LIBRARY, model, store, NoQueue(), cache=None)
    runner = JobRunner(LIBRARY, model, store, concurrency=3)
    report = Report()
    for n in range(jobs):
        body = sample_body(SAMPLES[n % len(SAMPLES)])
        body["userContext"] += f" (campaign {n})"
        job_id = service.submit(body).job_id
        assert job_id is not None
        runner.run(job_id)
        job = service.status(job_id)
        report.jobs += 1
        if job.status is JobStatus.FAILED:
            report.failed_jobs += 1
            report.errors.append(job.error)
            continue
        result = service.result(job)
        for email in result["emails"]:
            report.variants += 1
            report.delivered += "html" in email
            report.corrections += email.get("corrections", 0)
            report.repaired += bool(email.get("repaired"))
            if "error" in email:
                report.errors.append(email["error"])
        usage = result["usage"]
        report.input_tokens += usage["inputTokens"]
        report.output_tokens += usage["outputTokens"]
        report.cached_tokens += usage["cachedTokens"]
        report.cost_usd += result["costsUSD"]["total"] or 0.0
    return report
