"""What the API reads: a request's JSON body, and when the request arrived.

Whatever a caller sends, reading it ends in a value or in a ``BodyError`` that says why
(a 400 ``invalid_json`` or a 413), never in an exception nobody expected: bytes that are
not UTF-8 (UTF-16 and UTF-32 are named as such), JSON nested deeper than any request
needs (``json.loads`` would otherwise raise ``RecursionError`` at about 1,000 levels),
``NaN``/``Infinity`` (not JSON) and numbers too long to convert.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 32
"""Deepest nesting a body may have; a generate request needs 4 (``brandData.products.0``)."""

MAX_BODY_BYTES = 256 * 1024
"""Largest body the API reads (the local server refuses larger ones before reading)."""

_WIDE_ENCODINGS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


class BodyError(Exception):
    """A body that cannot be read: the HTTP status, a stable code, and why."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _invalid(message: str) -> BodyError:
    return BodyError(400, "invalid_json", message)


def _no_constant(name: str) -> Any:
    raise _invalid(f"request body is not valid JSON: {name} is not a JSON number")


JSON_ONLY = "send the request body as Content-Type: application/json"


def is_json_media(content_type: str | None) -> bool:
    """``application/json`` (any parameters, ``; charset=utf-8``) or ``application/*+json``.

    A web page may POST ``text/plain`` or a form to any site without a CORS preflight;
    insisting on JSON (which needs one) keeps generation from being driven cross-site
    by a visitor's browser.
    """
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def require_json(content_type: str | None) -> None:
    """Refuse bodies not declared as JSON (415, see ``is_json_media``)."""
    if not is_json_media(content_type):
        raise BodyError(415, "unsupported_media_type", JSON_ONLY)


def json_request(
    content_type: str | None,
    body: str | None,
    base64_encoded: bool,
    max_bytes: int = MAX_BODY_BYTES,
) -> Any:
    """The JSON value a request sent: declared as JSON (else 415), then read as
    ``json_body`` reads it (413, 400). Every route that takes a body reads it here."""
    require_json(content_type)
    return json_body(body, base64_encoded, max_bytes)


def json_body(body: str | None, base64_encoded: bool, max_bytes: int) -> Any:
    """The JSON value of a request body as API Gateway passes it (text, or base64).

    Raises:
        BodyError: 413 when the body exceeds ``max_bytes``; 400 ``invalid_json`` when it
            is empty, not UTF-8, not JSON, or nested deeper than ``MAX_DEPTH``.
    """
    if base64_encoded:
        try:
            data = base64.b64decode(body or "", validate=True)
        except (binascii.Error, ValueError):
            raise _invalid("request body is not valid base64") from None
    else:
        data = (body or "").encode("utf-8", "surrogatepass")
    if len(data) > max_bytes:
        raise BodyError(413, "body_too_large", f"request body exceeds {max_bytes} bytes")
    text = _utf8_text(data)
    if not text.strip():
        raise _invalid("request body is empty; send a JSON object")
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise _invalid(f"request body is nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise _invalid(f"request body is not valid JSON: {error.msg} ({where})") from None
    except ValueError as error:  # e.g. an integer past Python's digit limit
        raise _invalid(f"request body is not valid JSON: {error}") from None
    if _depth_exceeds(value, MAX_DEPTH):
        raise _invalid(f"request body is nested deeper than {MAX_DEPTH} levels")
    return value


def _utf8_text(data: bytes) -> str:
    for bom, name in _WIDE_ENCODINGS:
        if data.startswith(bom):
            raise _invalid(f"request body must be UTF-8 encoded JSON, not {name}")
    if b"\x00" in data[:4]:  # JSON text starts with ASCII: NULs beside it mean UTF-16/32
        raise _invalid("request body must be UTF-8 encoded JSON, not UTF-16 or UTF-32")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise _invalid(
            f"request body is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}); send UTF-8 encoded JSON"
        ) from None


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` nests containers more than ``limit`` deep (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def arrival_time(request_context: Mapping[str, Any], started: float) -> float:
    """When API Gateway received the request (epoch seconds), from its ``timeEpoch``.

    ``started`` (the handler's own start) stands in when the event has no usable time,
    and bounds it: a clock a little ahead of the Lambda's never lengthens a wait.
    """
    epoch_ms = request_context.get("timeEpoch")
    if isinstance(epoch_ms, bool) or not isinstance(epoch_ms, int | float) or epoch_ms <= 0:
        return started
    return min(epoch_ms / 1000.0, started)
