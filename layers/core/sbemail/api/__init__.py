"""HTTP helpers for the API handler: reading bodies, error bodies, job documents, auth.

Kept out of the handler so it stays a thin list of routes, and free of Powertools so it
is tested as plain functions.
"""

from .auth import OperatorCheck, check_operator
from .bodies import BodyError, arrival_time, json_body, require_json
from .documents import (
    answered_result,
    error_body,
    failure_body,
    job_document,
    parse_prefer_wait,
    status_url,
)

__all__ = [
    "BodyError",
    "OperatorCheck",
    "answered_result",
    "arrival_time",
    "check_operator",
    "error_body",
    "failure_body",
    "job_document",
    "json_body",
    "parse_prefer_wait",
    "require_json",
    "status_url",
]
