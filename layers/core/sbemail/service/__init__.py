"""Use cases: generating emails as jobs, and operating the service."""

from .batches import BatchError, BatchService, BatchSubmission
from .economy import AnsweredContent, EconomyService
from .errors import InvalidRequestError, JobUnavailableError, ServiceError
from .generate import GenerationService, GenerationSettings, Submission
from .operations import Limits, OperationsService
from .requests import parse_request

__all__ = [
    "AnsweredContent",
    "BatchError",
    "BatchService",
    "BatchSubmission",
    "EconomyService",
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
