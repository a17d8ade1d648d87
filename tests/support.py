"""Paths and sample requests shared by the test suites."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def load_sample(name: str) -> dict[str, Any]:
    """A sample request by short name (``northwind``) or file stem."""
    matches = sorted(SAMPLES.glob(f"{name}*.json"))
    if not matches:
        raise FileNotFoundError(name)
    return json.loads(matches[0].read_text(encoding="utf-8"))


def sample_names() -> list[str]:
    return sorted(path.stem for path in SAMPLES.glob("*.json"))
