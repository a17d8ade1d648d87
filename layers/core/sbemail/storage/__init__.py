"""Storage: jobs, cached responses and counters in the service's DynamoDB table."""

from .batches import Batch, DynamoDBBatchStore
from .cache import Claim, DynamoDBResponseCache, cache_digest
from .counters import ExpiryBuckets
from .dynamodb import DynamoDBJobStore
from .jobs import Job, JobNotFoundError, JobStateError, JobStatus, StorageError
from .ports import JobStore
from .sweeper import SweepReport, TableSweeper
from .table import ConditionFailedError, Table

__all__ = [
    "Batch",
    "Claim",
    "ConditionFailedError",
    "DynamoDBBatchStore",
    "DynamoDBJobStore",
    "DynamoDBResponseCache",
    "ExpiryBuckets",
    "Job",
    "JobNotFoundError",
    "JobStateError",
    "JobStatus",
    "JobStore",
    "StorageError",
    "SweepReport",
    "Table",
    "TableSweeper",
    "cache_digest",
]
