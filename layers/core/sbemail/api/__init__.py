"""The HTTP API's presentation: its routes, contract and what every answer is made of.

``routes`` holds one Powertools router per use case and ``resolver`` what they share
(the per-thread resolver, the error mapping, the operators' guard); ``contract`` and
``answers`` describe the API as an OpenAPI document; ``events`` and ``streaming`` make
server-sent events. The helpers exported here (reading bodies, error bodies, job
documents, auth) are free of Powertools, so they are tested as plain functions and the
handler stays a thin list of routes.
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
