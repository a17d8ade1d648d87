"""The generate use case, API side: accept a request as a job, report its result.

The API calls ``submit``, ``wait`` and ``status``; the worker runs the job with a
``JobRunner`` (``runner``). Nothing here knows about Lambda, HTTP, or which store,
queue and model are behind the ports.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..content import ContentModel
from ..domain import BlockLibrary, GenerateRequest
from ..queue import JobQueue
from ..storage import (
    Claim,
    DynamoDBResponseCache,
    Job,
    JobStateError,
    JobStatus,
    JobStore,
)
from .brand_lookup import BrandLookupService
from .errors import JobUnavailableError
from .requests import new_job_id, output_digest, parse_request
from .runner import kept, release_claim
from .variants import result_document
from .waiting import JobDurations, PollSchedule

logger = logging.getLogger(__name__)
_CLAIM_ATTEMPTS = 3
CLAIM_SETUP_SECONDS = 5.0
"""How long a claim's job may take to appear: its owner stores the job right after
claiming, so only a claim older than this whose job is missing is taken over."""


@dataclass(frozen=True)
class GenerationSettings:
    default_variants: int = 3
    max_wait_seconds: float = 25.0
    max_text_chars: int = 600
    max_brief_chars: int = 4000


@dataclass(frozen=True)
class Submission:
    """What became of a request: a cached ``result``, or the job that will produce it."""

    store_id: str
    job_id: str | None = None
    result: dict[str, Any] | None = None
    coalesced: bool = False
    extended: bool = False
    """The cached ``result``'s entry now lives longer (adaptive TTL)."""
    job: Job | None = None
    """The job as submitting left or found it, so a caller that does not wait for it
    need not read it again (``wait``'s ``seen``)."""


class GenerationService:
    """Turns requests into jobs (or cached results) and reports the jobs' results."""

    def __init__(
        self,
        library: BlockLibrary,
        content: ContentModel,
        store: JobStore,
        queue: JobQueue,
        cache: DynamoDBResponseCache | None = None,
        settings: GenerationSettings | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        brands: BrandLookupService | None = None,
    ) -> None:
        self._library = library
        self._brands = brands  # resolves a request's brandDomain into its brandData
        self._content = content
        self._store = store
        self._queue = queue
        self._cache = cache
        self._settings = settings or GenerationSettings()
        self._clock = clock
        self._sleep = sleep
        self._durations = JobDurations()  # this container's recent jobs, for waits

    # -- API side ------------------------------------------------------------------------

    def submit(self, body: Any, warm: bool = False) -> Submission:
        """Answer from the cache, attach to an identical job in flight, or start a job.

        ``warm`` (cache warming) counts neither a hit nor a miss, extends a cached entry to
        its cap and makes the entry of the job it starts or joins start at the cap (the
        cache's claim carries the mark to ``fill``).
        """
        return self.admit(self.parse(body), warm=warm)

    def parse(self, body: Any) -> GenerateRequest:
        """A valid request from a body (``InvalidRequestError`` naming every bad field).

        A body naming its brand by ``brandDomain`` gets that brand's ``brandData`` first
        (``BrandLookupService.with_brand``); the job stores the brand itself.
        """
        if self._brands is not None and isinstance(body, dict):
            body = self._brands.with_brand(body)
        return parse_request(
            body,
            self._settings.default_variants,
            self._settings.max_text_chars,
            self._settings.max_brief_chars,
        )

    def request_key(self, request: GenerateRequest) -> str:
        """What identical requests share (their store and cache digest): one generation."""
        return f"{request.store_id}\n{self._digest(request)}"

    def admit(
        self,
        request: GenerateRequest,
        enqueue: bool = True,
        keep_until: int = 0,
        warm: bool = False,
    ) -> Submission:
        """Answer a valid request from the cache, attach it to an identical job in flight,
        or create its job; ``enqueue=False`` leaves a new job for the caller to queue (a
        batch sends its jobs ten to a call) and to ``unqueue`` if that fails, or to run
        otherwise (an economy batch); ``keep_until`` is the new job's (``Job``), and its
        cache claim's too: identical requests coalesce onto the job as long as it lives."""
        job_id = new_job_id()
        key = ""
        for _ in range(_CLAIM_ATTEMPTS):
            claim = self._claim(request, job_id, warm, keep_until)
            if claim is None or claim.owner:
                key = claim.key if claim else ""
                break
            if claim.result is not None:
                self._record(hit=True, warm=warm)
                return Submission(
                    request.store_id,
                    result={**claim.result, "cache": "hit"},
                    extended=claim.extended,
                )
            assert claim.job_id is not None
            joined = self._job_appears(claim.job_id, claim.claimed_at)
            if joined is not None:
                self._record(hit=True, warm=warm)
                return Submission(request.store_id, claim.job_id, coalesced=True, job=joined)
            if self._cache is not None and self._cache.take_over(
                claim.key, claim.job_id, job_id, warm, pending_until=keep_until
            ):
                key = claim.key
                break
        try:
            job = self._create_job(request, job_id, key, keep_until)
        except Exception:
            if key and self._cache is not None:  # identical requests must not wait for it
                try:
                    self._cache.release(key, job_id)
                except Exception:
                    logger.exception("could not release the claim of a job never stored")
            raise
        if enqueue:
            try:
                self._queue.send(job.id)
            except Exception:
                self.unqueue(job.id)
                raise
        self._record(hit=False, warm=warm)
        return Submission(request.store_id, job_id=job_id, job=job)

    def _job_appears(self, job_id: str, claimed_at: float) -> Job | None:
        """Another caller's claimed job (without its request) if it exists, or appears
        while its claim is young; ``None`` if it never did.

        The claim is written before its job, so a caller that finds a claim a moment old
        may read no job yet: it waits (short, growing pauses) until the job is stored or
        the claim is ``CLAIM_SETUP_SECONDS`` old, rather than starting a second generation
        of the same request.
        """
        pause = 0.02
        while (job := self._store.peek(job_id)) is None:
            left = claimed_at + CLAIM_SETUP_SECONDS - self._clock()
            if left <= 0:
                return None  # abandoned: its owner died between claiming and storing
            self._sleep(min(pause, left))
            pause = min(pause * 2, 0.5)
        return job

    def _claim(
        self, request: GenerateRequest, job_id: str, warm: bool = False, keep_until: int = 0
    ) -> Claim | None:
        """The cache's answer for this request; ``None`` when caching is off or failing.
        A claim won for a job kept until ``keep_until`` is kept as long."""
        if self._cache is None:
            return None
        try:
            key = self._cache.key(request.store_id, self._digest(request))
            return self._cache.claim(key, job_id, warm, pending_until=keep_until)
        except Exception:  # a cache failure never fails the request
            logger.exception("response cache unavailable; generating without it")
            return None

    def _digest(self, request: GenerateRequest) -> str:
        return output_digest(
            request,
            {
                "model": self._content.model,
                "provider": self._content.provider,
                "blocks": self._library.version,
                "prompt": self._content.prompt_version,
            },
        )

    def _record(self, hit: bool, warm: bool = False) -> None:
        if self._cache is None or warm:  # warming is no caller's request
            return
        try:
            self._cache.record(hit)
        except Exception:
            logger.exception("could not count a cache %s", "hit" if hit else "miss")

    def _create_job(
        self, request: GenerateRequest, job_id: str, cache_key: str, keep_until: int = 0
    ) -> Job:
        job = Job(
            id=job_id,
            store_id=request.store_id,
            status=JobStatus.QUEUED,
            request=request.model_dump(mode="json", by_alias=True),
            total=request.variants,
            created_at=self._clock(),
            cache_key=cache_key,
            keep_until=keep_until,
        )
        self._store.create(job)
        return job

    def unqueue(self, job_id: str, reason: str = "could not queue") -> None:
        """Fail a job that could not be queued (no worker will ever run it) and free its
        cache key, so the caller sees why and the next identical request generates."""
        job = self._store.get(job_id)
        error = {"code": "queue_unavailable", "message": reason}
        try:
            self._store.fail(job_id, error, **kept(job))
        except JobStateError:
            return
        if job is not None:
            release_claim(self._cache, job)

    def jobs(self, job_ids: list[str]) -> dict[str, Job]:
        """The live jobs among ``job_ids``, read together (expired or unknown ones absent)."""
        return self._store.get_many(job_ids)

    def status(self, job_id: str, store_id: str | None = None) -> Job:
        """The live job (``JobUnavailableError`` if unknown, expired or another store's)."""
        return self._known(self._store.get(job_id), job_id, store_id)

    def progress(self, job_id: str, store_id: str | None = None) -> Job:
        """The live job without its request, as ``status`` otherwise: a cheap read (no
        request to send and decompress) for what is polled, a wait or a status route."""
        return self._known(self._store.peek(job_id), job_id, store_id)

    @staticmethod
    def _known(job: Job | None, job_id: str, store_id: str | None) -> Job:
        if job is None or (store_id is not None and job.store_id != store_id):
            raise JobUnavailableError(job_id)
        return job

    def wait(
        self, job_id: str, seconds: float, arrived: float | None = None, seen: Job | None = None
    ) -> Job:
        """The job once it ends, or its latest state when the wait is over.

        ``seen`` is the job as the caller last saw it (``Submission.job``): the wait starts
        from it instead of reading the job, so a caller that does not wait reads nothing.

        The wait is a deadline counted from the request's arrival (``arrived``, on this
        service's clock; default now), never more than ``max_wait_seconds`` after it: time
        spent queueing and submitting is already spent. The job is read once per poll (a
        consistent read of its small attributes, ``JobStore.peek``), the pauses following
        the job's progress and how long recent jobs of its size took in this container
        (``waiting.PollSchedule``: few reads, and the end seen within a few percent of the
        job's time); no poll is started that could not end before the deadline (a poll is
        assumed to take as long as the slowest one so far), so the caller gets its 202 in
        time.
        """
        now = self._clock()
        start = now if arrived is None else min(arrived, now)
        deadline = start + max(0.0, min(seconds, self._settings.max_wait_seconds))
        job = seen if seen is not None and seen.id == job_id else self.progress(job_id)
        read_time = max(0.0, self._clock() - now)
        schedule = PollSchedule(self._durations.typical(job.total))
        born = job.created_at if 0 < job.created_at <= now else start
        polled = False
        while not job.status.final:
            spare = deadline - self._clock() - read_time  # latest start of one more read
            if spare <= 0:
                break
            self._sleep(min(schedule.next_pause(self._clock() - born, job.done), spare))
            before = self._clock()
            job = self.progress(job_id)
            read_time = max(read_time, self._clock() - before)
            polled = True
        if polled and job.status is JobStatus.COMPLETED:  # seen to end: how long it took
            self._durations.add(job.total, self._clock() - born)
        return job

    def variants(self, job: Job) -> dict[int, dict[str, Any]]:
        """The variants of a job stored so far, by index (each as the result carries it)."""
        return self._store.variants(job.id, job.total)

    def result(self, job: Job) -> dict[str, Any]:
        """The response document of a completed job."""
        return result_document(job, self._store.variants(job.id, job.total))
