"""The generate use case: accept a request, run it as a job, report the result.

The API calls ``submit`` and ``wait``/``status``; the worker calls ``run``. Nothing here
knows about Lambda, HTTP or which queue and store implementations are behind the ports.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..content import ContentError, ContentModel, Usage
from ..domain import (
    BlockLibrary,
    GenerateRequest,
    VariantBrief,
    choose_layouts,
    render,
    resolve_theme,
    validate_copy,
)
from ..queue import JobQueue
from ..storage import Job, JobStatus, JobStore
from .errors import InvalidRequestError, JobUnavailableError


@dataclass(frozen=True)
class GenerationSettings:
    default_variants: int = 3
    max_wait_seconds: float = 25.0


def parse_request(body: Any, default_variants: int = 3) -> GenerateRequest:
    """Validate a request body, naming every invalid field.

    Raises:
        InvalidRequestError: the body is not an object or a field is invalid.
    """
    if not isinstance(body, dict):
        raise InvalidRequestError("request body must be a JSON object", [{"field": "$"}])
    if "variants" not in body:
        body = {**body, "variants": default_variants}
    try:
        return GenerateRequest.model_validate(body)
    except ValidationError as error:
        details = [
            {"field": ".".join(str(part) for part in issue["loc"]), "message": issue["msg"]}
            for issue in error.errors(include_url=False, include_input=False)
        ]
        fields = ", ".join(d["field"] for d in details)
        raise InvalidRequestError(f"invalid fields: {fields}", details) from None


def request_seed(request: GenerateRequest) -> str:
    """A stable digest of the request, so identical requests get identical layouts."""
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class GenerationService:
    """Turns requests into jobs and jobs into rendered variants."""

    def __init__(
        self,
        library: BlockLibrary,
        content: ContentModel,
        store: JobStore,
        queue: JobQueue,
        settings: GenerationSettings | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._library = library
        self._content = content
        self._store = store
        self._queue = queue
        self._settings = settings or GenerationSettings()
        self._clock = clock
        self._sleep = sleep

    # -- API side ------------------------------------------------------------------------

    def submit(self, body: Any) -> Job:
        """Validate the body, store a queued job and enqueue it."""
        request = parse_request(body, self._settings.default_variants)
        job = Job(
            id=secrets.token_urlsafe(24),  # 192 random bits: unguessable
            store_id=request.store_id,
            status=JobStatus.QUEUED,
            request=request.model_dump(mode="json", by_alias=True),
            total=request.variants,
            created_at=self._clock(),
        )
        self._store.create(job)
        self._queue.send(job.id)
        return job

    def status(self, job_id: str, store_id: str | None = None) -> Job:
        """The live job (``JobUnavailableError`` if unknown, expired or another store's)."""
        job = self._store.get(job_id)
        if job is None or (store_id is not None and job.store_id != store_id):
            raise JobUnavailableError(job_id)
        return job

    def wait(self, job_id: str, seconds: float) -> Job:
        """Poll until the job ends or ``seconds`` pass; return its latest state."""
        deadline = self._clock() + min(seconds, self._settings.max_wait_seconds)
        delay = 0.05
        job = self.status(job_id)
        while not job.status.final and self._clock() < deadline:
            self._sleep(min(delay, max(0.0, deadline - self._clock())))
            delay = min(delay * 1.5, 0.5)
            job = self.status(job_id)
        return job

    def result(self, job: Job) -> dict[str, Any]:
        """The response document of a completed job."""
        variants = self._store.variants(job.id, job.total)
        emails = [variants[i] for i in sorted(variants)]
        usage = Usage()
        for email in emails:
            usage = usage + Usage(**_usage_fields(email.get("usage", {})))
        return {
            "success": any("html" in email for email in emails),
            "jobId": job.id,
            **job.summary,
            "cache": "miss",
            "emails": emails,
            "usage": usage.as_dict(),
        }

    # -- worker side ---------------------------------------------------------------------

    def run(self, job_id: str) -> None:
        """Generate every variant not yet stored, then complete the job.

        Safe to call again for the same job (redelivery): finished jobs are left alone
        and variants already stored are not generated twice.
        """
        job = self._store.get(job_id)
        if job is None or job.status.final:
            return
        started = self._clock()
        job = self._store.start(job_id)
        request = GenerateRequest.model_validate(job.request)
        theme, fell_back = resolve_theme(request.brand, request.aesthetic)
        layouts = choose_layouts(
            self._library,
            request.email_type,
            len(request.brand.products),
            request.variants,
            request_seed(request),
        )
        existing = self._store.variants(job_id, job.total)
        for index, layout in enumerate(layouts):
            if index in existing:
                continue
            brief = VariantBrief.for_layout(request, layout, index)
            self._store.save_variant(job_id, index, self._variant(brief, theme))
        summary: dict[str, Any] = {
            "provider": self._content.provider,
            "model": self._content.model,
            "theme": theme.name,
            "timesMs": {"generation": round((self._clock() - started) * 1000)},
        }
        if fell_back:
            summary["warnings"] = [
                f"unknown designAesthetic {request.aesthetic!r}; used {theme.name!r}"
            ]
        self._store.complete(job_id, summary)

    def _variant(self, brief: VariantBrief, theme: Any) -> dict[str, Any]:
        started = self._clock()
        base = {
            "index": brief.variant_index,
            "layoutId": brief.layout.id,
            "blocks": brief.layout.block_ids,
        }
        try:
            written = self._content.write(brief)
        except ContentError as error:
            return {**base, "error": {"code": "content_failed", "message": str(error)}}
        copy, problems = validate_copy(brief, written.values)
        if problems:
            reasons = "; ".join(f"{p.field}: {p.problem}" for p in problems)
            return {**base, "error": {"code": "invalid_copy", "message": reasons}}
        email = render(brief.layout, theme, brief.request.brand, copy)
        return {
            **base,
            "subjectLine": copy["subjectLine"],
            "preheader": copy["preheader"],
            "mjml": email.mjml,
            "html": email.html,
            "text": email.text,
            "sizeBytes": email.size_bytes,
            "usage": written.usage.as_dict(),
            "timeMs": round((self._clock() - started) * 1000),
        }


def _usage_fields(usage: dict[str, int]) -> dict[str, int]:
    return {
        "input_tokens": int(usage.get("inputTokens", 0)),
        "output_tokens": int(usage.get("outputTokens", 0)),
        "cached_tokens": int(usage.get("cachedTokens", 0)),
    }
