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

The MJML engine silently accepts unknown tags and attributes, and misplaced components,
so loading checks each fragment itself: well-formed XML, only allow-listed tags,
attributes and nestings, links and images only from URL placeholders, raw ``*_markup``
values only between elements; then compiles it once. Each fragment is split into
literal and placeholder parts once, so rendering a request never parses a template
again.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from mjml import mjml2html

from .block_markup import ALLOWED_ATTRIBUTES, ALLOWED_CHILDREN, TEXT_HOLDERS, URL_ATTRIBUTES
from .themes import THEME_KEYS

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
_PRODUCT_KEY = re.compile(r"^product\.([1-9])\.([a-z_]+)$")
_SLOT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_STYLE = re.compile(r"^\s*([a-z-]+\s*:\s*[^;:\"'<>()\\]+;?\s*)+$")
_MANIFEST_KEYS = frozenset({"description", "slots", "products", "requires"})
_SLOT_KEYS = frozenset({"kind", "maxLength", "hint", "optional", "default"})
_MAX_SLOT_LENGTH = 2000


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

    @classmethod
    def load(cls, root: Path) -> BlockLibrary:
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
        return cls(_read_block(path) for path in sorted(root.glob("*/*/*.mjml")))

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


def _read_block(path: Path) -> Block:
    namespace, section = path.parent.parent.name, path.parent.name
    block_id = f"{namespace}/{section}/{path.stem}"
    if namespace not in NAMESPACES:
        raise BlockLibraryError(f"{block_id}: unknown namespace {namespace!r}")
    if section not in SECTIONS:
        raise BlockLibraryError(f"{block_id}: unknown section {section!r}")
    if not _SLOT_NAME.match(path.stem.replace("-", "_")):
        raise BlockLibraryError(f"{block_id}: bad block name")
    manifest = _read_manifest(block_id, path.with_suffix(".json"))
    slot_specs = manifest.get("slots", {})
    assert isinstance(slot_specs, dict)  # checked by _read_manifest
    slots = tuple(_read_slot(block_id, name, spec) for name, spec in slot_specs.items())
    products = _read_products(block_id, section, manifest.get("products", 0))
    requires = _read_requires(block_id, manifest.get("requires", []))
    mjml = path.read_text(encoding="utf-8").strip()
    used = set(PLACEHOLDER.findall(mjml))
    declared = {slot.name for slot in slots}
    context_keys = {key for key in used if key not in declared}
    for key in sorted(context_keys):
        _check_context_key(block_id, key, products)
    unused = declared - used
    if unused:
        raise BlockLibraryError(f"{block_id}: declared but unused slots {sorted(unused)}")
    if products:
        shown = {int(m.group(1)) for k in used if (m := _PRODUCT_KEY.match(k))}
        if shown != set(range(1, products + 1)):
            raise BlockLibraryError(
                f"{block_id}: shows products {sorted(shown)}, not 1..{products}"
            )
    url_keys = URL_CONTEXT_KEYS | {
        s.name for s in slots if s.kind in (SlotKind.URL, SlotKind.IMAGE)
    }
    _check_markup(block_id, mjml, url_keys)
    template = split_template(mjml)
    _check_compiles(block_id, template)
    return Block(
        id=block_id,
        namespace=namespace,
        section=section,
        mjml=mjml,
        slots=slots,
        products=products,
        description=str(manifest["description"]),
        context_keys=frozenset(context_keys),
        template=template,
        requires=requires,
    )


def _read_manifest(block_id: str, path: Path) -> dict[str, object]:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BlockLibraryError(f"{block_id}: unreadable manifest: {exc}") from exc
    if not isinstance(manifest, dict):
        raise BlockLibraryError(f"{block_id}: manifest must be an object")
    extra = set(manifest) - _MANIFEST_KEYS
    if extra:
        raise BlockLibraryError(f"{block_id}: unknown manifest keys {sorted(extra)}")
    if not isinstance(manifest.get("description"), str) or not manifest["description"]:
        raise BlockLibraryError(f"{block_id}: manifest needs a description")
    if not isinstance(manifest.get("slots", {}), dict):
        raise BlockLibraryError(f"{block_id}: slots must be an object")
    return manifest


def _read_products(block_id: str, section: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_PRODUCTS:
        raise BlockLibraryError(f"{block_id}: products must be 0..{MAX_PRODUCTS}")
    if (section == "products") != (value > 0):
        raise BlockLibraryError(f"{block_id}: only products blocks show products, and must")
    return value


def _read_requires(block_id: str, value: object) -> frozenset[str]:
    if not isinstance(value, list) or not set(map(str, value)) <= REQUIREMENTS:
        raise BlockLibraryError(f"{block_id}: requires must list facts of {sorted(REQUIREMENTS)}")
    return frozenset(map(str, value))


def _read_slot(block_id: str, name: str, spec: object) -> Slot:
    if not _SLOT_NAME.match(name) or name.endswith(RAW_SUFFIX):
        raise BlockLibraryError(f"{block_id}: bad slot name {name!r}")
    if not isinstance(spec, Mapping) or set(spec) - _SLOT_KEYS:
        raise BlockLibraryError(f"{block_id}: slot {name}: expected {sorted(_SLOT_KEYS)}")
    try:
        kind = SlotKind(str(spec.get("kind", "text")))
    except ValueError as exc:
        raise BlockLibraryError(f"{block_id}: slot {name}: {exc}") from exc
    max_length = spec.get("maxLength")
    if not isinstance(max_length, int) or not 1 <= max_length <= _MAX_SLOT_LENGTH:
        raise BlockLibraryError(f"{block_id}: slot {name}: maxLength 1..{_MAX_SLOT_LENGTH}")
    hint = spec.get("hint", "")
    if not isinstance(hint, str) or (kind in (SlotKind.TEXT, SlotKind.ALT) and not hint):
        raise BlockLibraryError(f"{block_id}: slot {name}: the model needs a hint")
    optional = spec.get("optional", False)
    default = spec.get("default", "")
    if not isinstance(optional, bool):
        raise BlockLibraryError(f"{block_id}: slot {name}: optional must be true or false")
    if not isinstance(default, str) or len(default) > max_length:
        raise BlockLibraryError(f"{block_id}: slot {name}: default must fit maxLength")
    return Slot(name, kind, max_length, hint, optional=optional, default=default)


def _check_context_key(block_id: str, key: str, products: int) -> None:
    scope, _, rest = key.partition(".")
    if scope == "theme" and rest in THEME_KEYS:
        return
    if key in FACT_KEYS:
        return
    if scope == "brand" and rest in BRAND_KEYS:
        return
    match = _PRODUCT_KEY.match(key)
    if match and match.group(2) in PRODUCT_KEYS and int(match.group(1)) <= products:
        return
    raise BlockLibraryError(f"{block_id}: unknown placeholder {key!r}")


def _check_markup(block_id: str, mjml: str, url_keys: frozenset[str] | set[str]) -> None:
    try:
        root = ElementTree.fromstring(f"<fragment>{mjml}</fragment>")
    except ElementTree.ParseError as exc:
        raise BlockLibraryError(f"{block_id}: not well-formed: {exc}") from exc
    if not len(root):
        raise BlockLibraryError(f"{block_id}: empty fragment")
    for parent in root.iter():
        for child in parent:
            if child.tag not in ALLOWED_CHILDREN.get(parent.tag, frozenset()):
                raise BlockLibraryError(f"{block_id}: <{child.tag}> may not sit in <{parent.tag}>")
        if parent.tag not in TEXT_HOLDERS:
            stray = [parent.text or ""] + [child.tail or "" for child in parent]
            if any(PLACEHOLDER.sub("", text).strip() for text in stray):
                raise BlockLibraryError(f"{block_id}: text directly inside <{parent.tag}>")
        if parent is not root:
            _check_element(block_id, parent, url_keys)


def _check_compiles(block_id: str, template: tuple[tuple[str, str | None], ...]) -> None:
    """Compile the fragment once with stand-in values: the engine's own syntax check."""
    body = "".join(
        literal + ("" if key is None or key.endswith(RAW_SUFFIX) else "x")
        for literal, key in template
    )
    try:
        mjml2html(f"<mjml><mj-body>{body}</mj-body></mjml>", fonts={})
    except ValueError as exc:
        raise BlockLibraryError(f"{block_id}: does not compile: {exc}") from exc


def _check_element(
    block_id: str, element: ElementTree.Element, url_keys: frozenset[str] | set[str]
) -> None:
    allowed = ALLOWED_ATTRIBUTES.get(element.tag)
    if allowed is None:
        raise BlockLibraryError(f"{block_id}: tag <{element.tag}> is not allowed")
    for name, value in element.attrib.items():
        if name not in allowed:
            raise BlockLibraryError(f"{block_id}: <{element.tag} {name}> is not allowed")
        keys = PLACEHOLDER.findall(value) if "{" in value else []
        if RAW_SUFFIX in value:
            raise BlockLibraryError(f"{block_id}: raw markup inside attribute {name}")
        if name in URL_ATTRIBUTES:
            match = PLACEHOLDER.fullmatch(value.strip())
            key = match.group(1) if match else ""
            product = _PRODUCT_KEY.match(key)
            is_url = key in url_keys or (product and product.group(2) in ("url", "image_url"))
            if not is_url:
                raise BlockLibraryError(f"{block_id}: {name}={value!r} must be a URL placeholder")
        elif name == "style" and not _STYLE.match(PLACEHOLDER.sub("x", value)):
            raise BlockLibraryError(f"{block_id}: style {value!r} is not allowed")
        elif "reader.first_name" in keys:
            raise BlockLibraryError(f"{block_id}: the reader's merge tag only goes in text")
        elif name not in ("alt", "title") and any(not k.startswith("theme.") for k in keys):
            raise BlockLibraryError(f"{block_id}: {name} may only use theme values")
    for text in (element.text or "", element.tail or ""):
        if RAW_SUFFIX not in text:
            continue
        keys = PLACEHOLDER.findall(text)
        raw = [key for key in keys if key.endswith(RAW_SUFFIX)]
        if raw and (len(raw) != len(keys) or PLACEHOLDER.sub("", text).strip()):
            raise BlockLibraryError(f"{block_id}: {raw} must stand alone between elements")
