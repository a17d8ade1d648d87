"""Storage: jobs, cached responses, batches, brand profiles and counters in the
service's DynamoDB table."""

from .batches import Batch, DynamoDBBatchStore
from .brands import CachedBrand, DynamoDBBrandCache
from .cache import DynamoDBResponseCache
from .cache_entries import Claim, cache_digest, entry_key
from .counters import ExpiryBuckets
from .dynamodb import DynamoDBJobStore
from .jobs import Job, JobLeasedError, JobNotFoundError, JobStateError, JobStatus, StorageError
from .ports import JobStore
from .sweeper import SweepReport, TableSweeper
from .table import ConditionFailedError, Table

__all__ = [
    "Batch",
    "CachedBrand",
    "Claim",
    "ConditionFailedError",
    "DynamoDBBatchStore",
    "DynamoDBBrandCache",
    "DynamoDBJobStore",
    "DynamoDBResponseCache",
    "ExpiryBuckets",
    "Job",
    "JobLeasedError",
    "JobNotFoundError",
    "JobStateError",
    "JobStatus",
    "JobStore",
    "StorageError",
    "SweepReport",
    "Table",
    "TableSweeper",
    "cache_digest",
    "entry_key",
]
