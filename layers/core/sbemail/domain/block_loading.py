"""Reading one block from disk and checking it before the service ever uses it.

The MJML engine silently accepts unknown tags and attributes, and misplaced components,
so each fragment is checked here: well-formed XML, only allow-listed tags, attributes
and nestings, links and images only from URL placeholders, raw ``*_markup`` values only
between elements, every placeholder known; then it is compiled once. A failing block
stops the service at start-up, never a caller's request.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from pathlib import Path

from mjml import mjml2html

from .block_markup import ALLOWED_ATTRIBUTES, ALLOWED_CHILDREN, TEXT_HOLDERS, URL_ATTRIBUTES
from .blocks import (
    BRAND_KEYS,
    FACT_KEYS,
    MAX_PRODUCTS,
    NAMESPACES,
    PLACEHOLDER,
    PRODUCT_KEYS,
    RAW_SUFFIX,
    REQUIREMENTS,
    SECTIONS,
    URL_CONTEXT_KEYS,
    Block,
    BlockLibraryError,
    Slot,
    SlotKind,
    split_template,
)
from .theme import THEME_KEYS

_PRODUCT_KEY = re.compile(r"^product\.([1-9])\.([a-z_]+)$")
_SLOT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_STYLE = re.compile(r"^\s*([a-z-]+\s*:\s*[^;:\"'<>()\\]+;?\s*)+$")
_MANIFEST_KEYS = frozenset({"description", "slots", "products", "requires"})
_SLOT_KEYS = frozenset({"kind", "maxLength", "hint", "optional", "default"})
_MAX_SLOT_LENGTH = 2000


def read_block(path: Path) -> Block:
    """The block at ``path`` (its manifest beside it), checked and pre-split."""
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
