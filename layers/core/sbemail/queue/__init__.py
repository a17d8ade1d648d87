"""The job queue: how the API hands work to the worker."""

from .ports import JobQueue
from .sqs import SQSJobQueue, retry_delay

__all__ = ["JobQueue", "SQSJobQueue", "retry_delay"]
