"""The block bundle: checked at build time, loaded at cold start, never trusted when stale."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sbemail.domain import BlockLibrary, BlockLibraryError
from sbemail.domain.block_bundle import BUNDLE_NAME, read_bundle, write_bundle

from samples import BLOCKS_DIR, ROOT

HERO = "promotion/hero/banner-headline"


@pytest.fixture
def blocks(tmp_path: Path) -> Path:
    copy = tmp_path / "blocks"
    shutil.copytree(BLOCKS_DIR, copy, ignore=shutil.ignore_patterns(BUNDLE_NAME))
    return copy


def _edit_hero(root: Path) -> str:
    """Change a visible word of one fragment; returns the new text."""
    path = root / f"{HERO}.mjml"
    text = path.read_text()
    assert "<mj-text" in text
    edited = text.replace("<mj-text", '<mj-text css-class="edited"', 1)
    path.write_text(edited)
    return edited.strip()


def test_a_current_bundle_loads_the_same_library_the_sources_give(blocks: Path) -> None:
    from_sources = BlockLibrary.load(blocks)
    assert from_sources.origin == "sources"
    write_bundle(blocks)
    bundled = BlockLibrary.load(blocks)
    assert bundled.origin == "bundle"
    assert list(bundled) == list(from_sources)
    assert bundled.version == from_sources.version
    assert bundled.stats() == from_sources.stats()


@pytest.mark.parametrize("suffix", [".mjml", ".json"])
def test_a_block_changed_after_the_build_makes_the_bundle_stale(blocks: Path, suffix: str) -> None:
    write_bundle(blocks)
    if suffix == ".mjml":
        edited = _edit_hero(blocks)
    else:
        manifest = blocks / f"{HERO}.json"
        data = json.loads(manifest.read_text())
        data["description"] = "An edited description."
        manifest.write_text(json.dumps(data))
    assert read_bundle(blocks) is None
    library = BlockLibrary.load(blocks)
    assert library.origin == "sources"  # refused as stale, checked from the files
    if suffix == ".mjml":
        assert library.get(HERO).mjml == edited
    else:
        assert library.get(HERO).description == "An edited description."
    write_bundle(blocks)  # rebuilt: trusted again, with the change
    assert BlockLibrary.load(blocks).origin == "bundle"
    assert BlockLibrary.load(blocks).get(HERO) == library.get(HERO)


def test_a_new_block_file_makes_the_bundle_stale(blocks: Path) -> None:
    write_bundle(blocks)
    for suffix in (".mjml", ".json"):
        shutil.copy(blocks / f"{HERO}{suffix}", blocks / f"promotion/hero/copy{suffix}")
    assert BlockLibrary.load(blocks).origin == "sources"
    assert BlockLibrary.load(blocks).get("promotion/hero/copy")


def test_a_block_that_fails_its_checks_stops_the_build(blocks: Path) -> None:
    path = blocks / f"{HERO}.mjml"
    path.write_text(path.read_text().replace("<mj-text", "<mj-script", 1))
    with pytest.raises(BlockLibraryError):
        write_bundle(blocks)
    assert not (blocks / BUNDLE_NAME).exists()


def test_an_unreadable_bundle_is_an_error_not_an_empty_library(blocks: Path) -> None:
    (blocks / BUNDLE_NAME).write_text("{not json")
    with pytest.raises(BlockLibraryError, match="unreadable bundle"):
        BlockLibrary.load(blocks)


def test_the_layer_build_rebuilds_the_bundle_when_a_block_changes(
    blocks: Path, tmp_path: Path
) -> None:
    """The layer recipe ``sam build`` runs (dependencies skipped: ``PIP=true``)."""

    def build(target: Path) -> Path:
        subprocess.run(
            [
                "make",
                "--no-print-directory",
                "-C",
                str(ROOT / "layers/core"),
                "build-CoreLayer",
                f"ARTIFACTS_DIR={target}",
                "PIP=true",
                f"BLOCKS_SRC={blocks}",
                f"BUNDLE_PYTHON={sys.executable}",
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PATH": os.environ.get("PATH", "")},
            timeout=120,
        )
        return target / "blocks"

    first = build(tmp_path / "first")
    assert BlockLibrary.load(first).origin == "bundle"
    edited = _edit_hero(blocks)
    second = build(tmp_path / "second")
    library = BlockLibrary.load(second)
    assert library.origin == "bundle"
    assert library.get(HERO).mjml == edited
    # the first build's bundle, beside the edited sources, is refused
    shutil.copy(first / BUNDLE_NAME, blocks / BUNDLE_NAME)
    assert BlockLibrary.load(blocks).origin == "sources"
