"""The block library validated once at build time, so a cold start only loads it.

Checking every fragment (``block_loading``: XML parse, allow-lists, a trial MJML
compile) costs tens of milliseconds on every cold start, for a library that cannot
change once the layer is built. ``make build`` therefore runs the checks once and
writes the checked blocks to ``library.bundle.json`` beside them; ``BlockLibrary.load``
reads that instead.

A bundle is trusted only while it describes the files beside it: it records a digest of
every fragment and manifest and of the checking code, and a bundle whose digest differs
(a block edited after the build, checks changed) is refused as stale and the library is
checked from its sources as before. An outdated bundle can cost time, never correctness.

Run ``python -m sbemail.domain.block_bundle BLOCKS_DIR`` to (re)build one.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from .blocks import Block, BlockLibrary, BlockLibraryError, Slot, SlotKind

BUNDLE_NAME = "library.bundle.json"
FORMAT = 1
_CHECKS = ("blocks.py", "block_loading.py", "block_markup.py", "theme.py", "block_bundle.py")
"""The modules whose rules a bundle's blocks passed: a change to any makes it stale."""


def source_digest(root: Path) -> str:
    """What the bundle must match: every fragment and manifest, and the checking code."""
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    here = Path(__file__).parent
    for name in _CHECKS:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    for relative in _block_files(root):
        digest.update(relative.encode() + b"\0")
        with open(os.path.join(root, relative), "rb") as file:
            digest.update(file.read() + b"\0")
    return digest.hexdigest()


def _block_files(root: Path) -> list[str]:
    """``namespace/section/name.{mjml,json}`` under ``root``, sorted (``os.scandir``:
    this runs on every cold start, and ``Path.glob`` costs more than the reading)."""
    found = []
    for namespace in os.scandir(root):
        if not namespace.is_dir():
            continue
        for section in os.scandir(namespace.path):
            if not section.is_dir():
                continue
            found += [
                f"{namespace.name}/{section.name}/{entry.name}"
                for entry in os.scandir(section.path)
                if entry.name.endswith((".mjml", ".json")) and entry.is_file()
            ]
    return sorted(found)


def write_bundle(root: Path) -> Path:
    """Check every block under ``root`` from its sources and write the bundle beside them.

    Raises:
        BlockLibraryError: a block fails its checks (the build stops, as a cold start would).
    """
    library = BlockLibrary.load_sources(root)
    document = {
        "format": FORMAT,
        "digest": source_digest(root),
        "blocks": [_block_to_json(block) for block in library],
    }
    target = root / BUNDLE_NAME
    target.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    return target


def read_bundle(root: Path) -> list[Block] | None:
    """The bundled blocks under ``root``; ``None`` without a bundle or when it is stale."""
    path = root / BUNDLE_NAME
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise BlockLibraryError(f"{path}: unreadable bundle: {exc}") from exc
    if document.get("format") != FORMAT or document.get("digest") != source_digest(root):
        return None
    return [_block_from_json(entry) for entry in document["blocks"]]


def _block_to_json(block: Block) -> dict[str, Any]:
    return {
        "id": block.id,
        "namespace": block.namespace,
        "section": block.section,
        "mjml": block.mjml,
        "slots": [
            [s.name, s.kind.value, s.max_length, s.hint, s.optional, s.default] for s in block.slots
        ],
        "products": block.products,
        "description": block.description,
        "contextKeys": sorted(block.context_keys),
        "template": [list(part) for part in block.template],
        "requires": sorted(block.requires),
    }


def _block_from_json(entry: dict[str, Any]) -> Block:
    return Block(
        id=entry["id"],
        namespace=entry["namespace"],
        section=entry["section"],
        mjml=entry["mjml"],
        slots=tuple(
            Slot(name, SlotKind(kind), limit, hint, optional=optional, default=default)
            for name, kind, limit, hint, optional, default in entry["slots"]
        ),
        products=entry["products"],
        description=entry["description"],
        context_keys=frozenset(entry["contextKeys"]),
        template=tuple((literal, key) for literal, key in entry["template"]),
        requires=frozenset(entry["requires"]),
    )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m sbemail.domain.block_bundle BLOCKS_DIR", file=sys.stderr)
        return 2
    target = write_bundle(Path(argv[0]))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
