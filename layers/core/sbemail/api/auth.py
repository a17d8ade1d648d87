"""Who may call the operations routes.

In the cloud API Gateway enforces IAM on these routes, and the handler double-checks that
the request was IAM-signed. Locally there is no IAM, so a bearer token from the
environment (``SBEMAIL_ADMIN_TOKEN``) guards them instead.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OperatorCheck:
    allowed: bool
    status: int = 200
    message: str = ""


def check_operator(
    headers: Mapping[str, str], request_context: Mapping[str, Any], admin_token: str | None
) -> OperatorCheck:
    """Whether this request may use the operations routes, and why not."""
    if admin_token:
        authorization = headers.get("authorization") or ""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return OperatorCheck(False, 401, "operations need 'Authorization: Bearer <token>'")
        if not hmac.compare_digest(token.strip().encode(), admin_token.encode()):
            return OperatorCheck(False, 403, "this token may not use operations routes")
        return OperatorCheck(True)
    iam = (request_context.get("authorizer") or {}).get("iam")
    if iam:
        return OperatorCheck(True)
    return OperatorCheck(False, 403, "operations routes require IAM authorisation")
