"""HTTP requests as the API Gateway HTTP API hands them to a function (payload 2.0).

The local server builds these for the API handler, and tests build them to invoke the
handler directly, so both see exactly what the deployed function would receive.
"""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit


def _query_parameters(query: str) -> dict[str, str] | None:
    """Query parameters as API Gateway gives them: repeated names joined by commas."""
    pairs = parse_qs(query, keep_blank_values=True)
    return {name: ",".join(values) for name, values in pairs.items()} or None


def http_api_event(
    method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str
) -> dict[str, Any]:
    """An HTTP API (payload format 2.0) event for one request."""
    parts = urlsplit(target)
    lowered = {name.lower(): value for name, value in headers.items()}
    text_body: str | None
    try:
        text_body, encoded = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text_body, encoded = base64.b64encode(body).decode(), True
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "queryStringParameters": _query_parameters(parts.query),
        "headers": lowered,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": lowered.get("host", "127.0.0.1"),
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "timeEpoch": int(time.time() * 1000),
        },
        "body": text_body if body else None,
        "isBase64Encoded": encoded,
    }
