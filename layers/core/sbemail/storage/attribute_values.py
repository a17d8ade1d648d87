"""Python values to DynamoDB attribute values and back, without importing boto3.

``boto3.dynamodb.types`` does this too, but importing anything from boto3 loads boto3's
package, which loads s3transfer and ``multiprocessing`` (about a tenth of the API
function's cold start) for a service that never touches S3. The service speaks to
DynamoDB through a botocore client; these two functions are all it needed from boto3.
Numbers come back as ``Decimal`` and sets as Python sets, as boto3 returns them; binary
values come back as ``bytes``.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from decimal import Decimal
from typing import Any


def serialize(value: Any) -> dict[str, Any]:
    """The attribute value for ``value`` (``TypeError`` for floats and unknown types)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, float):
        raise TypeError("DynamoDB numbers must be int or Decimal, not float")
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes | bytearray):
        return {"B": bytes(value)}
    if isinstance(value, Set):
        return _serialize_set(value)
    if isinstance(value, Mapping):
        return {"M": {str(k): serialize(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [serialize(v) for v in value]}
    raise TypeError(f"unsupported DynamoDB type: {type(value).__name__}")


def _serialize_set(values: Set[Any]) -> dict[str, Any]:
    if all(isinstance(v, int | Decimal) and not isinstance(v, bool) for v in values):
        return {"NS": [str(v) for v in values]}
    if all(isinstance(v, str) for v in values):
        return {"SS": list(values)}
    if all(isinstance(v, bytes | bytearray) for v in values):
        return {"BS": [bytes(v) for v in values]}
    raise TypeError("a DynamoDB set holds only numbers, only strings or only bytes")


def deserialize(attribute: Mapping[str, Any]) -> Any:
    """The Python value of one attribute value (``TypeError`` for unknown types)."""
    ((kind, value),) = attribute.items()
    if kind == "S":
        return value
    if kind == "N":
        return Decimal(value)
    if kind == "B":
        return bytes(value)
    if kind == "BOOL":
        return bool(value)
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: deserialize(v) for k, v in value.items()}
    if kind == "L":
        return [deserialize(v) for v in value]
    if kind == "SS":
        return set(value)
    if kind == "NS":
        return {Decimal(v) for v in value}
    if kind == "BS":
        return {bytes(v) for v in value}
    raise TypeError(f"unknown DynamoDB attribute type {kind!r}")
