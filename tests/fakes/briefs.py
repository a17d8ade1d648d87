"""Variant briefs built the way the service builds them, from the shipped samples."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from sbemail.domain import BlockLibrary, GenerateRequest, VariantBrief, plan_briefs

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


@cache
def library() -> BlockLibrary:
    return BlockLibrary.load(ROOT / "blocks")


def sample(name: str) -> dict[str, Any]:
    """A sample request body by short name (``northwind``) or file stem."""
    matches = sorted(SAMPLES.glob(f"{name}*.json"))
    if not matches:
        raise FileNotFoundError(name)
    return json.loads(matches[0].read_text(encoding="utf-8"))


def sample_names() -> list[str]:
    return sorted(path.stem.split("-")[0] for path in SAMPLES.glob("*.json"))


def briefs_for(
    body: dict[str, Any], *, layout_seed: str | None = None, **changes: Any
) -> list[VariantBrief]:
    """One brief per variant of a request body (with top-level fields changed).

    Layouts are chosen from the changed body, or from ``layout_seed`` when given (to
    give two different jobs the same layouts).
    """
    body = {**copy.deepcopy(body), **changes}
    request = GenerateRequest.model_validate(body)
    return plan_briefs(library(), request, layout_seed or json.dumps(body, sort_keys=True))


def brief(name: str = "northwind", index: int = 0, **changes: Any) -> VariantBrief:
    """One variant's brief of a sample."""
    return briefs_for(sample(name), **changes)[index]
