"""A thin, thread-safe view of the one DynamoDB table, in plain Python values.

boto3 clients are thread-safe while resources are not, and the local server runs many
requests in one process; so the adapters share a client and this wrapper (de)serialises.
It also counts calls, which tests use to prove that some operations cost the same at
any table size.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

from .attribute_values import deserialize as _DESERIALIZE
from .attribute_values import serialize as _SERIALIZE


class ConditionFailedError(Exception):
    """A conditional write found the item not in the expected state; ``item`` is that
    item when the write asked for it (``Table.update(..., failed_item=True)``)."""

    def __init__(self, message: str, item: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.item = item


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _SERIALIZE(value) for key, value in values.items()}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _DESERIALIZE(value) for key, value in item.items()}


class Table:
    """The table's item operations; every call goes to DynamoDB and is counted."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name
        self._calls = 0
        self._lock = threading.Lock()

    @property
    def calls(self) -> int:
        """DynamoDB requests made through this table so far."""
        return self._calls

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        with self._lock:
            self._calls += 1
        try:
            return getattr(self.client, operation)(**kwargs)  # type: ignore[no-any-return]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in (
                "ConditionalCheckFailedException",
                "TransactionCanceledException",
            ):
                found = error.response.get("Item")
                raise ConditionFailedError(
                    str(error), from_item(found) if found else None
                ) from error
            raise

    @staticmethod
    def _expression(
        kwargs: dict[str, Any],
        condition: str | None,
        names: Mapping[str, str] | None,
        values: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        if condition:
            kwargs["ConditionExpression"] = condition
        if names:
            kwargs["ExpressionAttributeNames"] = dict(names)
        if values:
            kwargs["ExpressionAttributeValues"] = to_item(values)
        return kwargs

    def get(
        self, pk: str, consistent: bool = True, attributes: Iterable[str] = ()
    ) -> dict[str, Any] | None:
        """The item at ``pk``; with ``attributes``, only those (a projection: less to
        send and decode when a caller needs a few small fields of a large item)."""
        kwargs: dict[str, Any] = {
            "TableName": self.name,
            "Key": to_item({"pk": pk}),
            "ConsistentRead": consistent,
        }
        names = {f"#p{n}": name for n, name in enumerate(attributes)}
        if names:  # every name aliased: some (``status``) are DynamoDB reserved words
            kwargs["ProjectionExpression"] = ", ".join(names)
            kwargs["ExpressionAttributeNames"] = names
        item = self._call("get_item", **kwargs).get("Item")
        return from_item(item) if item else None

    def put(
        self,
        item: Mapping[str, Any],
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        returns: str = "NONE",
    ) -> dict[str, Any]:
        """Write ``item``; with ``returns="ALL_OLD"``, answer the item it replaced."""
        kwargs = self._expression(
            {"TableName": self.name, "Item": to_item(item), "ReturnValues": returns},
            condition,
            names,
            values,
        )
        return from_item(self._call("put_item", **kwargs).get("Attributes", {}))

    def update(
        self,
        pk: str,
        expression: str,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        returns: str = "NONE",
        failed_item: bool = False,
    ) -> dict[str, Any]:
        """Update the item at ``pk``; with ``failed_item``, a failed condition hands back
        the item it found (``ConditionFailedError.item``) at no extra request."""
        kwargs = self._expression(
            {
                "TableName": self.name,
                "Key": to_item({"pk": pk}),
                "UpdateExpression": expression,
                "ReturnValues": returns,
            },
            condition,
            names,
            values,
        )
        if failed_item:
            kwargs["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return from_item(self._call("update_item", **kwargs).get("Attributes", {}))

    def delete(
        self,
        pk: str,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        kwargs = self._expression(
            {"TableName": self.name, "Key": to_item({"pk": pk})}, condition, names, values
        )
        self._call("delete_item", **kwargs)

    def get_many(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Items by key (missing ones absent), 100 keys per request as DynamoDB allows."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), 100):
            chunk = [to_item({"pk": key}) for key in wanted[start : start + 100]]
            request: dict[str, Any] = {self.name: {"Keys": chunk, "ConsistentRead": True}}
            while request:
                response = self._call("batch_get_item", RequestItems=request)
                for raw in response.get("Responses", {}).get(self.name, []):
                    item = from_item(raw)
                    found[str(item["pk"])] = item
                request = response.get("UnprocessedKeys") or {}
        return found

    def put_many(self, items: Iterable[Mapping[str, Any]], attempts: int = 8) -> None:
        """Write ``items`` unconditionally, 25 per request as DynamoDB allows.

        Items DynamoDB leaves unprocessed (throttling) are sent again after a pause that
        doubles from 50 ms; after ``attempts`` rounds the call fails rather than leave
        items silently unwritten.
        """
        requests = [{"PutRequest": {"Item": to_item(item)}} for item in items]
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {self.name: requests[start : start + 25]}
            for attempt in range(attempts):
                response = self._call("batch_write_item", RequestItems=pending)
                pending = response.get("UnprocessedItems") or {}
                if not pending:
                    break
                time.sleep(0.05 * 2**attempt)
            if pending:
                raise RuntimeError(f"DynamoDB left {len(pending[self.name])} items unwritten")

    def scan_pages(
        self, page_size: int, max_pages: int, start_key: str | None = None
    ) -> Iterator[tuple[list[dict[str, Any]], str | None]]:
        """Up to ``max_pages`` pages of items, each with the key to resume after it."""
        kwargs: dict[str, Any] = {"TableName": self.name, "Limit": page_size}
        if start_key:
            kwargs["ExclusiveStartKey"] = to_item({"pk": start_key})
        for _ in range(max_pages):
            response = self._call("scan", **kwargs)
            last = response.get("LastEvaluatedKey")
            resume = str(from_item(last)["pk"]) if last else None
            yield [from_item(raw) for raw in response.get("Items", [])], resume
            if not last:
                return
            kwargs["ExclusiveStartKey"] = last
