"""The worker side of the generate use case: run a queued job to its end.

``GenerationService`` turns requests into jobs; a ``JobRunner`` turns a job into
rendered variants, stored one by one as they finish, then completes (or fails) the job
and caches its result. The worker calls ``run`` (and ``abandon`` when a job has used up
its deliveries); the economy poller runs its jobs with the batch's answers as the copy.
Nothing here knows about Lambda, SQS, or which store and model are behind the ports.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from typing import Any, TypedDict

from ..content import ContentModel
from ..domain import BlockLibrary, GenerateRequest, Theme, VariantBrief, plan_briefs, resolve_theme
from ..domain.rendering import SharedBrandContext
from ..storage import DynamoDBResponseCache, Job, JobLeasedError, JobStateError, JobStatus, JobStore
from .requests import new_job_id, request_seed
from .variants import failure_document, result_document, tally, write_variant

logger = logging.getLogger(__name__)


class JobRunner:
    """Runs jobs: every variant not yet stored is written, rendered and stored."""

    def __init__(
        self,
        library: BlockLibrary,
        content: ContentModel,
        store: JobStore,
        cache: DynamoDBResponseCache | None = None,
        concurrency: int = 10,
        unsubscribe_target: str = "*|UNSUB|*",
        clock: Callable[[], float] = time.time,
        sessions: Callable[[int], None] | None = None,
    ) -> None:
        self._library = library
        self._content = content
        self._store = store
        self._cache = cache
        self._concurrency = concurrency  # variants written at once (the model's pool size)
        self._unsubscribe = unsubscribe_target
        self._clock = clock
        # Told how many model sessions a job takes (+n) and gives back (-n): the shared
        # pool gauge. Once per job, not per variant: a job's variants take and give back
        # their sessions at nearly the same moments (a job lasts about as long as its
        # slowest variant), and the worker never runs more jobs than its sessions allow.
        self._sessions = sessions

    def run(
        self,
        job_id: str,
        lease_seconds: float | None = None,
        content: ContentModel | None = None,
    ) -> dict[str, int]:
        """Generate every variant not yet stored, then complete the job.

        Safe to repeat for the same job (SQS redelivers): a finished job is left alone and
        variants already stored are not generated again, so a crashed attempt resumes.
        With ``lease_seconds`` (the worker's remaining time) the job is leased while it
        runs: a second delivery arriving meanwhile leaves it to the first instead of
        writing every variant again; a failed attempt gives its lease back. ``content``
        writes the copy instead of the runner's model (an economy batch's answers, with
        the live model behind them).

        Returns:
            what this run did, by metric name (``tally``): nothing for a finished job
            or one another delivery is running.
        """
        job = self._store.get(job_id)
        if job is None or job.status.final:
            return tally([])
        if lease_seconds is None:
            return self._run(self._store.start(job_id, keep_until=job.keep_until), content)
        holder = new_job_id()
        try:
            job = self._store.start(
                job_id, lease_seconds=lease_seconds, holder=holder, keep_until=job.keep_until
            )
        except JobLeasedError:
            logger.info("job %s is running in another delivery; leaving it to that one", job_id)
            return tally([])
        try:
            return self._run(job, content)
        except BaseException:
            with contextlib.suppress(Exception):  # the lease then runs out by itself
                self._store.release(job_id, holder)
            raise

    def pending_briefs(self, job_id: str) -> list[VariantBrief]:
        """The briefs of a live job's variants not yet stored (none for an ended job):
        what ``run`` would write, for callers that get the copy written elsewhere."""
        job = self._store.get(job_id)
        if job is None or job.status.final:
            return []
        request = GenerateRequest.model_validate(job.request)
        stored = self._store.variants(job_id, job.total)
        briefs = plan_briefs(self._library, request, request_seed(request))
        return [brief for brief in briefs if brief.variant_index not in stored]

    def abandon(self, job_id: str, reason: str) -> None:
        """Mark a job failed for good (its message is going to the dead-letter queue)."""
        job = self._store.get(job_id)
        if job is None or job.status.final:
            return
        error = failure_document(self._store.variants(job_id, job.total))  # billed so far
        try:
            self._store.fail(job_id, {**error, "message": reason[:1000]}, **kept(job))
        except JobStateError:
            return
        release_claim(self._cache, job)

    def _run(self, job: Job, content: ContentModel | None) -> dict[str, int]:
        job_id = job.id
        started = self._clock()
        content = content or self._content
        request = GenerateRequest.model_validate(job.request)
        theme, fell_back = resolve_theme(request.brand, request.aesthetic)
        briefs = plan_briefs(self._library, request, request_seed(request))
        # variants kept from a crashed attempt (a job never started before has none)
        variants = self._store.variants(job_id, job.total) if job.started_before else {}
        todo = [brief for brief in briefs if brief.variant_index not in variants]
        made: list[dict[str, Any]] = []
        if todo:
            # the variants share their brand's placeholder values: worked out once
            shared = SharedBrandContext(request.brand, theme, self._unsubscribe, todo[0].facts)
            workers = max(1, min(self._concurrency, len(todo)))
            with self._sessions_taken(workers), ThreadPoolExecutor(max_workers=workers) as pool:
                # Each variant is stored the moment it is made, whichever finishes first:
                # its progress (and a streaming caller's event) does not wait for others.
                pending = {
                    pool.submit(self._variant, content, brief, theme, shared): brief
                    for brief in todo
                }
                for future in as_completed(pending):
                    index, payload = pending[future].variant_index, future.result()
                    last = len(made) == len(pending) - 1  # counted by ``complete``
                    self._store.save_variant(job_id, index, payload, counted=not last, **kept(job))
                    variants[index] = payload
                    made.append(payload)
        warnings = list(content.warnings)
        if fell_back:
            warnings.append(f"unknown designAesthetic {request.aesthetic!r}; used {theme.name!r}")
        self._finish(job, variants, theme, warnings, started)
        return tally(made)

    def _finish(
        self,
        job: Job,
        variants: dict[int, dict[str, Any]],
        theme: Theme,
        warnings: list[str],
        started: float,
    ) -> None:
        """Complete (or fail) the job from its variants, and cache the result."""
        if not any("html" in v for v in variants.values()):
            self._store.fail(job.id, failure_document(variants), done=variants, **kept(job))
            release_claim(self._cache, job)
            return
        summary: dict[str, Any] = {
            "provider": self._content.provider,
            "model": self._content.model,
            "theme": theme.name,
            "timesMs": {"generation": round((self._clock() - started) * 1000)},
        }
        if warnings:
            summary["warnings"] = warnings
        try:
            # every stored variant counts (the last was saved uncounted, and a crashed
            # attempt may have stored one it did not count): a set, so none twice
            self._store.complete(job.id, summary, done=variants, **kept(job))
        except JobStateError:
            return  # another delivery finished it first
        if self._cache is not None and job.cache_key:
            completed = replace(job, status=JobStatus.COMPLETED, summary=summary)
            try:
                document = result_document(completed, variants)
                self._cache.fill(job.cache_key, job.id, document)
            except Exception:
                logger.exception("could not cache the result of job %s", job.id)

    @contextlib.contextmanager
    def _sessions_taken(self, count: int) -> Iterator[None]:
        """Report ``count`` sessions in use for the block's duration (see ``sessions``)."""
        self._report_sessions(count)
        try:
            yield
        finally:
            self._report_sessions(-count)

    def _report_sessions(self, change: int) -> None:
        if self._sessions is not None:
            self._sessions(change)

    def _variant(
        self,
        content: ContentModel,
        brief: VariantBrief,
        theme: Theme,
        shared: SharedBrandContext,
    ) -> dict[str, Any]:
        return write_variant(content, brief, theme, self._unsubscribe, self._clock, shared)


def release_claim(cache: DynamoDBResponseCache | None, job: Job) -> None:
    """Free an ended job's cache key, so the next identical request generates anew; a
    cache failure is logged, never raised (the job's own state is already written)."""
    if cache is not None and job.cache_key:
        try:
            cache.release(job.cache_key, job.id)
        except Exception:
            logger.exception("could not release the cache claim of job %s", job.id)


class Kept(TypedDict, total=False):
    keep_until: int


def kept(job: Job | None) -> Kept:
    """``keep_until`` for the store's writes, given only for a job that has one (other
    stores of the port may predate it)."""
    return {"keep_until": job.keep_until} if job is not None and job.keep_until else {}
