"""The block library: MJML fragments with declared slots, loaded and checked once.

A block lives in ``blocks/<namespace>/<section>/<name>.mjml`` beside a manifest
``<name>.json``; its id is ``<namespace>/<section>/<name>``. Placeholders are written
``{{ name }}``: a declared *copy slot* (written by the model), or a *context value*
the renderer supplies from the brand, the theme and the request's facts (``theme.*``,
``brand.*``, ``product.N.*``, ``link.url``, ``offer.*``, ``reader.first_name``).
Anything else is a library error found at load time, not in a caller's email.

Within one email type, a section speaks one *slot vocabulary*: a slot name means the
same thing (kind, limit, hint, default) in every block of that section. The model's
answer schema is built from that vocabulary, so it is the same for every layout of a
type, and the prompt's cached prefix survives a change of layout.

Loading checks every fragment (``block_loading``) and splits it into literal and
placeholder parts once, so rendering a request never parses a template again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z][\w.]*)\s*\}\}")
NAMESPACES = ("newsletter", "productgrid", "promotion", "abandonedcart", "shared")
SECTIONS = (
    "header",
    "hero",
    "greeting",
    "offer",
    "divider",
    "content",
    "story",
    "products",
    "cta",
    "footer",
)
MAX_PRODUCTS = 6
RAW_SUFFIX = "_markup"
BRAND_KEYS = frozenset(
    {
        "name",
        "url",
        "logo_url",
        "banner_url",
        "slogan",
        "logo_markup",
        "logo_left_markup",
        "banner_markup",
        "social_markup",
        "address_markup",
        "unsubscribe_markup",
    }
)
PRODUCT_KEYS = frozenset({"name", "url", "image_url", "price", "description"})
URL_CONTEXT_KEYS = frozenset({"brand.url", "brand.logo_url", "brand.banner_url", "link.url"})
FACT_KEYS = frozenset({"link.url", "offer.code", "offer.terms", "reader.first_name"})
"""Context values from the request's facts: the link behind this position's button (the
cart, the offer, the story, else the store), the offer's code and terms, and the
reader's first-name merge tag (the one template syntax that may reach an email)."""
REQUIREMENTS = frozenset({"offer.code", "offer.terms"})
"""Facts a block may require (manifest ``requires``): without them it is not chosen."""


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
    """One piece of copy the model writes for a block.

    Attributes:
        optional: the slot may stay empty (its element is then left out) when there is
            nothing true to say, rather than be filled with invented copy.
        default: the block's safe wording for a short label (a button, a kicker): what
            the email shows when the model's label does not fit.
    """

    name: str
    kind: SlotKind
    max_length: int
    hint: str = ""
    optional: bool = False
    default: str = ""


@dataclass(frozen=True)
class Block:
    """An MJML fragment and what it needs filled in.

    ``template`` is the fragment pre-split into ``(literal, placeholder key)`` pairs
    (the key is ``None`` after the last literal).
    """

    id: str
    namespace: str
    section: str
    mjml: str
    slots: tuple[Slot, ...]
    products: int = 0
    description: str = ""
    context_keys: frozenset[str] = field(default_factory=frozenset)
    template: tuple[tuple[str, str | None], ...] = ()
    requires: frozenset[str] = field(default_factory=frozenset)

    @property
    def size(self) -> int:
        return len(self.mjml.encode())


@dataclass(frozen=True)
class BlockLibraryStats:
    block_count: int
    total_size: int

    def as_dict(self, ttl_minutes: int | None = None) -> dict[str, object]:
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
        self._vocabularies = {
            place: _vocabulary(place, found) for place, found in self._by_place.items()
        }
        digest = hashlib.sha256()
        for block_id in sorted(self._by_id):
            digest.update(block_id.encode())
            digest.update(self._by_id[block_id].mjml.encode())
        self.version = digest.hexdigest()[:12]

    origin = "sources"
    """Where the blocks came from: ``sources`` (checked now) or ``bundle`` (at build)."""

    @classmethod
    def load(cls, root: Path) -> BlockLibrary:
        """Every block under ``root``: from its build-time bundle when that is current,
        else read and validated from the sources (``load_sources``).

        Raises:
            BlockLibraryError: see ``load_sources``; also a bundle that is not JSON.
        """
        from .block_bundle import read_bundle

        if root.is_dir() and (bundled := read_bundle(root)) is not None:
            library = cls(bundled)
            library.origin = "bundle"
            return library
        return cls.load_sources(root)

    @classmethod
    def load_sources(cls, root: Path) -> BlockLibrary:
        """Read and validate every block under ``root``.

        Raises:
            BlockLibraryError: a manifest is missing or invalid, a fragment is not
                well-formed, uses a tag, attribute or placeholder it may not, or
                a products block does not show each of its products.
        """
        if not root.is_dir():
            raise BlockLibraryError(f"block library not found at {root}")
        orphans = sorted(
            str(p.relative_to(root))
            for p in root.glob("*/*/*.json")
            if not p.with_suffix(".mjml").exists()
        )
        if orphans:
            raise BlockLibraryError(f"manifests without a fragment: {orphans}")
        from .block_loading import read_block  # the checks, only needed at start-up

        return cls(read_block(path) for path in sorted(root.glob("*/*/*.mjml")))

    def get(self, block_id: str) -> Block:
        """The block with this namespaced id (``KeyError`` if unknown)."""
        return self._by_id[block_id]

    def candidates(self, namespace: str, section: str) -> list[Block]:
        """Blocks for a section of an email type, falling back to the shared ones."""
        own = self._by_place.get((namespace, section), [])
        return list(own) or list(self._by_place.get(("shared", section), []))

    def vocabulary(self, namespace: str, section: str) -> tuple[Slot, ...]:
        """Every slot the section's blocks use for an email type, in a stable order."""
        if (namespace, section) in self._by_place:
            return self._vocabularies[(namespace, section)]
        return self._vocabularies.get(("shared", section), ())

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Block]:
        return iter(self._by_id.values())

    def stats(self) -> BlockLibraryStats:
        return BlockLibraryStats(len(self._by_id), sum(b.size for b in self._by_id.values()))


def _vocabulary(place: tuple[str, str], blocks: list[Block]) -> tuple[Slot, ...]:
    """The slots of one section's blocks, each name meaning one thing (else an error)."""
    slots: dict[str, Slot] = {}
    for block in sorted(blocks, key=lambda b: b.id):
        for slot in block.slots:
            known = slots.setdefault(slot.name, slot)
            if known != slot:
                raise BlockLibraryError(
                    f"{block.id}: slot {slot.name!r} differs from the other "
                    f"{place[0]}/{place[1]} blocks' (one vocabulary per section)"
                )
    return tuple(slots.values())


def split_template(fragment: str) -> tuple[tuple[str, str | None], ...]:
    """``fragment`` as ``(literal, key)`` pairs, for single-pass filling."""
    parts: list[tuple[str, str | None]] = []
    position = 0
    for match in PLACEHOLDER.finditer(fragment):
        parts.append((fragment[position : match.start()], match.group(1)))
        position = match.end()
    parts.append((fragment[position:], None))
    return tuple(parts)
