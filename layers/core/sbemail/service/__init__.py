"""Use cases: generating emails as jobs, and operating the service."""

from .batches import BatchError, BatchService, BatchSubmission
from .errors import InvalidRequestError, JobUnavailableError, ServiceError
from .generate import GenerationService, GenerationSettings, Submission
from .operations import Limits, OperationsService
from .requests import parse_request

__all__ = [
    "BatchError",
    "BatchService",
    "BatchSubmission",
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
