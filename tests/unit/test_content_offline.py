"""The offline writer: valid, deterministic copy from the request alone."""

from __future__ import annotations

import pytest

from sbemail.content import OfflineContentModel
from sbemail.domain import validate_copy

from fakes.briefs import briefs_for, sample, sample_names


@pytest.mark.parametrize("name", sample_names())
def test_offline_copy_is_valid_for_every_sample(name: str) -> None:
    model = OfflineContentModel()
    for variant in briefs_for(sample(name)):
        written = model.write(variant)
        _, problems = validate_copy(variant, written.values)
        assert problems == []
        assert written.usage.output_tokens == 0 and written.cost_usd == 0.0
        assert model.write(variant) == written  # deterministic
    assert model.provider == "offline"
