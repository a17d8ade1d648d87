"""Use cases: generating emails as jobs, and the service's stats."""

from .errors import InvalidRequestError, JobUnavailableError, ServiceError
from .generate import GenerationService, GenerationSettings, parse_request

__all__ = [
    "GenerationService",
    "GenerationSettings",
    "InvalidRequestError",
    "JobUnavailableError",
    "ServiceError",
    "parse_request",
]
