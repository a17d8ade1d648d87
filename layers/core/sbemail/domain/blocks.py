"""The block library: MJML fragments with declared slots, loaded and checked once.

A block lives in ``blocks/<namespace>/<section>/<name>.mjml`` beside a manifest
``<name>.json``; its id is ``<namespace>/<section>/<name>``. Placeholders are written
``{{ name }}``: a declared *copy slot* (written by the model), or a *context value*
the renderer supplies from the brand and theme (``theme.*``, ``brand.*``,
``product.N.*``). Anything else is a library error found at load time, not in a
caller's email.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z][\w.]*)\s*\}\}")
_CONTEXT_KEY = re.compile(r"^(theme|brand)\.[a-z_]+$|^product\.[1-6]\.[a-z_]+$")
SECTIONS = ("header", "hero", "divider", "content", "products", "cta", "footer")


class BlockLibraryError(Exception):
    """The block library on disk is malformed (a deployment error, never a caller's)."""


class SlotKind(StrEnum):
    TEXT = "text"
    URL = "url"
    IMAGE = "image"
    ALT = "alt"
    PRICE = "price"


@dataclass(frozen=True)
class Slot:
    """One piece of copy the model writes for a block."""

    name: str
    kind: SlotKind
    max_length: int
    hint: str = ""


@dataclass(frozen=True)
class Block:
    """An MJML fragment and what it needs filled in."""

    id: str
    namespace: str
    section: str
    mjml: str
    slots: tuple[Slot, ...]
    products: int = 0
    description: str = ""
    context_keys: frozenset[str] = field(default_factory=frozenset)

    @property
    def size(self) -> int:
        return len(self.mjml.encode())


@dataclass(frozen=True)
class BlockLibraryStats:
    block_count: int
    total_size: int

    def as_dict(self, ttl_minutes: int) -> dict[str, object]:
        """The original service's ``blockCache`` stats shape."""
        return {
            "blockCount": self.block_count,
            "totalSize": self.total_size,
            "cacheSizeMB": round(self.total_size / (1024 * 1024), 4),
            "ttlMinutes": ttl_minutes,
            "initialized": self.block_count > 0,
        }


class BlockLibrary:
    """Every block, indexed by id and by (namespace, section), loaded once."""

    def __init__(self, blocks: Iterable[Block]) -> None:
        self._by_id: dict[str, Block] = {}
        self._by_place: dict[tuple[str, str], list[Block]] = {}
        for block in blocks:
            if block.id in self._by_id:
                raise BlockLibraryError(f"duplicate block id {block.id}")
            self._by_id[block.id] = block
            self._by_place.setdefault((block.namespace, block.section), []).append(block)
        digest = hashlib.sha256()
        for block_id in sorted(self._by_id):
            digest.update(block_id.encode())
            digest.update(self._by_id[block_id].mjml.encode())
        self.version = digest.hexdigest()[:12]

    @classmethod
    def load(cls, root: Path) -> BlockLibrary:
        """Read and validate every block under ``root``.

        Raises:
            BlockLibraryError: a manifest is missing or invalid, or a fragment uses a
                placeholder it does not declare.
        """
        if not root.is_dir():
            raise BlockLibraryError(f"block library not found at {root}")
        return cls(_read_block(path, root) for path in sorted(root.glob("*/*/*.mjml")))

    def get(self, block_id: str) -> Block:
        """The block with this namespaced id (``KeyError`` if unknown)."""
        return self._by_id[block_id]

    def candidates(self, namespace: str, section: str) -> list[Block]:
        """Blocks for a section of an email type, falling back to the shared ones."""
        own = self._by_place.get((namespace, section), [])
        return list(own) or list(self._by_place.get(("shared", section), []))

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_id.values())

    def stats(self) -> BlockLibraryStats:
        return BlockLibraryStats(len(self._by_id), sum(b.size for b in self._by_id.values()))


def _read_block(path: Path, root: Path) -> Block:
    namespace, section = path.parent.parent.name, path.parent.name
    block_id = f"{namespace}/{section}/{path.stem}"
    if section not in SECTIONS:
        raise BlockLibraryError(f"{block_id}: unknown section {section!r}")
    manifest_path = path.with_suffix(".json")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BlockLibraryError(f"{block_id}: unreadable manifest: {exc}") from exc
    slots = tuple(
        _read_slot(block_id, name, spec) for name, spec in manifest.get("slots", {}).items()
    )
    mjml = path.read_text(encoding="utf-8").strip()
    declared = {slot.name for slot in slots}
    used = set(PLACEHOLDER.findall(mjml))
    context_keys = {key for key in used if _CONTEXT_KEY.match(key)}
    unknown = used - declared - context_keys
    if unknown:
        raise BlockLibraryError(f"{block_id}: undeclared placeholders {sorted(unknown)}")
    unused = declared - used
    if unused:
        raise BlockLibraryError(f"{block_id}: declared but unused slots {sorted(unused)}")
    return Block(
        id=block_id,
        namespace=namespace,
        section=section,
        mjml=mjml,
        slots=slots,
        products=int(manifest.get("products", 0)),
        description=str(manifest.get("description", "")),
        context_keys=frozenset(context_keys),
    )


def _read_slot(block_id: str, name: str, spec: Mapping[str, object]) -> Slot:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise BlockLibraryError(f"{block_id}: bad slot name {name!r}")
    try:
        kind = SlotKind(str(spec.get("kind", "text")))
        max_length = int(spec["maxLength"])  # type: ignore[call-overload]
    except (KeyError, ValueError, TypeError) as exc:
        raise BlockLibraryError(f"{block_id}: slot {name}: {exc}") from exc
    return Slot(name=name, kind=kind, max_length=max_length, hint=str(spec.get("hint", "")))
