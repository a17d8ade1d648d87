"""Use cases: generating emails as jobs (``generate`` admits and waits, ``runner`` runs a
job for the worker and the economy poller), batches and their economy mode, cache
warming, brand lookup, and operating the service."""

from .batches import BatchError, BatchService, BatchSubmission
from .brand_lookup import BrandLookup, BrandLookupService
from .economy import AnsweredContent, EconomyService
from .errors import (
    BrandLookupError,
    BrandLookupFailedError,
    BrandLookupUnavailableError,
    BrandNotFoundError,
    InvalidRequestError,
    JobUnavailableError,
    ServiceError,
)
from .generate import GenerationService, GenerationSettings, Submission
from .operations import Limits, OperationsService
from .requests import parse_request
from .runner import JobRunner
from .warming import MAX_WARM_REQUESTS, WarmingService

__all__ = [
    "MAX_WARM_REQUESTS",
    "AnsweredContent",
    "BatchError",
    "BatchService",
    "BatchSubmission",
    "BrandLookup",
    "BrandLookupError",
    "BrandLookupFailedError",
    "BrandLookupService",
    "BrandLookupUnavailableError",
    "BrandNotFoundError",
    "EconomyService",
    "GenerationService",
    "GenerationSettings",
    "InvalidRequestError",
    "JobRunner",
    "JobUnavailableError",
    "Limits",
    "OperationsService",
    "ServiceError",
    "Submission",
    "WarmingService",
    "parse_request",
]
