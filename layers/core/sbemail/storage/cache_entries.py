"""Cache entries' keys and the values a claim hands back.

Keys are ``cache#<storeId>#e<epoch>#<digest>``: the digest of what decides the output,
scoped by store and by the cache epoch that clearing bumps. Shared by the cache, the
sweeper and the local server's cleanup.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from .dynamodb import unpack_sized
from .table import Table

EPOCH_KEY = "cache-epoch"


def current_epoch(table: Table) -> int:
    """The cache epoch now in force (0 before the first clear)."""
    item = table.get(EPOCH_KEY)
    return int(item["epoch"]) if item else 0


def epoch_of(key: str) -> int:
    """The epoch an entry key was made in (keys: ``cache#<scope>#e<epoch>#<digest>``)."""
    return int(key.split("#")[2].removeprefix("e"))


def entry_key(scope: str, epoch: int, digest: str) -> str:
    """The entry key of ``digest`` for ``scope`` (a store id, which never holds ``#``)."""
    return f"cache#{scope}#e{epoch}#{digest}"


def cache_digest(parts: dict[str, Any]) -> str:
    """A digest of the inputs that decide the output, serialised canonically."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Claim:
    """The outcome of asking to generate a key.

    Exactly one of: ``result`` (already cached), ``owner`` (you generate, as job
    ``job_id``), or neither (someone else is generating: attach to ``job_id``).
    """

    key: str
    job_id: str | None = None
    owner: bool = False
    result: dict[str, Any] | None = None
    extended: bool = False
    """A served ``result`` whose entry's life this claim extended."""
    claimed_at: float = 0.0
    """When another caller's pending claim was made (0: unknown, an older item). Its
    owner stores the job just after claiming, so a young claim whose job is not readable
    yet is still being set up, not abandoned."""

    @classmethod
    def pending(cls, key: str, item: dict[str, Any]) -> Claim:
        """Another caller's pending claim, as its stored item describes it."""
        claimed_at = int(item.get("claimed_ms", 0)) / 1000
        return cls(key, job_id=str(item["job_id"]), claimed_at=claimed_at)


@dataclass(frozen=True)
class ReadyEntry:
    """A ready entry as this container last saw it (the LRU's value): ``touched_at`` is
    when this container last confirmed it live in the table, ``unflushed`` the hits it
    served since then without writing them."""

    result: dict[str, Any]
    job_id: str
    expires_at: int
    cap_at: int
    touched_at: int = 0
    unflushed: int = 0
    size: int = 0
    """The result's size as compact JSON, in bytes: about what it takes in memory, and
    what the container's LRU counts against its budget."""

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> ReadyEntry:
        expires_at = int(item["expires_at"])
        result, size = unpack_sized(item["result"])
        return cls(
            result=result,
            size=size,
            job_id=str(item["job_id"]),
            expires_at=expires_at,
            cap_at=int(item.get("cap_at", expires_at)),  # older entries: no extension
        )
