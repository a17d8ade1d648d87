"""Sample requests (``samples/*.json``) and the offline path from request to emails.

One helper for every test that needs realistic brands: the samples are the payloads
the project ships for people to try, so tests exercise what a person would see.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from sbemail.content import OfflineContentModel
from sbemail.domain import (
    BlockLibrary,
    GenerateRequest,
    RenderedEmail,
    VariantBrief,
    copy_schema,
    plan_briefs,
    render,
    resolve_theme,
    review_copy,
)
from sbemail.domain.layouts import Layout

ROOT = Path(__file__).resolve().parent.parent
BLOCKS_DIR = ROOT / "blocks"
SAMPLES_DIR = ROOT / "samples"


def _sample_paths() -> dict[str, Path]:
    return {path.stem: path for path in sorted(SAMPLES_DIR.glob("*.json"))}


def sample_names() -> list[str]:
    """Short names of the samples (``northwind-promotion`` …)."""
    return sorted(_sample_paths())


def sample_body(name: str) -> dict:
    """The raw JSON body of one sample request, by file stem or short name (``cedar``)."""
    paths = _sample_paths()
    path = paths.get(name) or next(p for stem, p in paths.items() if stem.split("-")[0] == name)
    return json.loads(path.read_text(encoding="utf-8"))


def sample_request(name: str, **overrides: object) -> GenerateRequest:
    """One sample as a validated request, with top-level fields overridden."""
    return GenerateRequest.model_validate({**sample_body(name), **overrides})


@cache
def library() -> BlockLibrary:
    """The real block library, loaded once per test session."""
    return BlockLibrary.load(BLOCKS_DIR)


def offline_copy(request: GenerateRequest, layout: Layout, index: int = 0) -> dict[str, str]:
    """Copy for one layout from the offline writer, reviewed like the service does."""
    brief = VariantBrief.for_layout(
        request, layout, index, copy_schema(library(), request.email_type)
    )
    review = review_copy(brief, OfflineContentModel().write(brief).values, final=True)
    assert not review.problems, review.problems
    return review.values


def render_request(request: GenerateRequest, seed: str = "sample") -> list[RenderedEmail]:
    """Every variant of ``request``, rendered with offline copy."""
    theme, _ = resolve_theme(request.brand, request.aesthetic)
    rendered = []
    for brief in plan_briefs(library(), request, seed):
        review = review_copy(brief, OfflineContentModel().write(brief).values, final=True)
        assert not review.problems, review.problems
        rendered.append(
            render(brief.layout, theme, request.brand, review.values, facts=brief.facts)
        )
    return rendered
