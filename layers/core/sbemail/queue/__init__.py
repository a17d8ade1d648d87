"""The job queue: how the API hands work to the worker."""

from .ports import JobQueue
from .sqs import SQSJobQueue

__all__ = ["JobQueue", "SQSJobQueue"]
