"""Errors the service reports to its callers (mapped to HTTP in one place, the API)."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base of every error a caller may see; ``code`` is stable, ``message`` is for people."""

    code = "internal_error"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidRequestError(ServiceError):
    code = "invalid_request"


class JobUnavailableError(ServiceError):
    code = "job_not_found"

    def __init__(self, job_id: str) -> None:
        super().__init__("no such job (unknown, expired, or not yours)")
        self.job_id = job_id


# -- brand lookup ------------------------------------------------------------------------


class BrandLookupError(ServiceError):
    """A brand could not be looked up; each kind below has its own status (``api``)."""

    code = "brand_lookup_failed"


class BrandNotFoundError(BrandLookupError):
    """The brand service knows no brand for the domain (404)."""

    code = "brand_not_found"


class BrandLookupUnavailableError(BrandLookupError):
    """Brand lookup is not configured here, or its key cannot be read (503)."""

    code = "brand_lookup_unavailable"


class BrandLookupFailedError(BrandLookupError):
    """The brand service failed or did not answer, after retries (502)."""

    code = "brand_lookup_failed"
