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


@pytest.mark.parametrize("name", sample_names())
def test_offline_copy_does_not_repeat_itself_within_an_email(name: str) -> None:
    model = OfflineContentModel()
    for variant in briefs_for(sample(name)):
        values = model.write(variant).values
        long_texts = [
            str(value)
            for key, value in values.items()
            if key not in ("subjectLine", "preheader") and len(str(value)) > 40
        ]
        assert len(long_texts) == len(set(long_texts)), long_texts
        kickers = [str(v) for k, v in values.items() if k.endswith(("eyebrow", "kicker"))]
        assert len(kickers) == len(set(kickers)), kickers


def test_a_cart_email_names_what_is_waiting() -> None:
    model = OfflineContentModel()
    variant = briefs_for(sample("pixelpet-abandoned"))[0]
    body = " ".join(str(v) for k, v in model.write(variant).values.items() if "body" in k)
    assert "Orthopedic Dog Bed (L)" in body and "Catnip Kicker Toy" in body
