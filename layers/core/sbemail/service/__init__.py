"""Use cases: generating emails as jobs, and operating the service."""

from .errors import InvalidRequestError, JobUnavailableError, ServiceError
from .generate import GenerationService, GenerationSettings, Submission, parse_request
from .operations import Limits, OperationsService

__all__ = [
    "GenerationService",
    "GenerationSettings",
    "InvalidRequestError",
    "JobUnavailableError",
    "Limits",
    "OperationsService",
    "ServiceError",
    "Submission",
    "parse_request",
]
