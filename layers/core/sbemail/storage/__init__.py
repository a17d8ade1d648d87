"""Storage: jobs (and, later, cached responses) in DynamoDB."""

from .dynamodb import DynamoDBJobStore
from .jobs import Job, JobNotFoundError, JobStateError, JobStatus, StorageError
from .ports import JobStore

__all__ = [
    "DynamoDBJobStore",
    "Job",
    "JobNotFoundError",
    "JobStateError",
    "JobStatus",
    "JobStore",
    "StorageError",
]
