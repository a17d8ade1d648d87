"""Use cases: generating emails as jobs, and operating the service."""

from .errors import InvalidRequestError, JobUnavailableError, ServiceError
from .generate import GenerationService, GenerationSettings, Submission
from .operations import Limits, OperationsService
from .requests import parse_request
from .warming import MAX_WARM_REQUESTS, WarmingService

__all__ = [
    "MAX_WARM_REQUESTS",
    "GenerationService",
    "GenerationSettings",
    "InvalidRequestError",
    "JobUnavailableError",
    "Limits",
    "OperationsService",
    "ServiceError",
    "Submission",
    "WarmingService",
    "parse_request",
]
