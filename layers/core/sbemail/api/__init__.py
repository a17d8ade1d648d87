"""HTTP presentation helpers for the API handler: error bodies, job documents, auth.

Kept out of the handler so it stays a thin list of routes, and free of Powertools so it
is tested as plain functions.
"""

from .auth import OperatorCheck, check_operator
from .documents import error_body, failure_body, job_document, parse_prefer_wait, status_url

__all__ = [
    "OperatorCheck",
    "check_operator",
    "error_body",
    "failure_body",
    "job_document",
    "parse_prefer_wait",
    "status_url",
]
