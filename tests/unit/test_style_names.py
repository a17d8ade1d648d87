"""Style names: every name and alias the original service's callers send finds its theme.

``styleId`` / ``designAesthetic`` are matched whatever their case and separators, aliases
included; a name that matches nothing falls back to the default theme, and says so.
"""

from __future__ import annotations

import re

import pytest

from sbemail.domain import BrandData
from sbemail.domain.themes import (
    AESTHETICS,
    ALIASES,
    DEFAULT_AESTHETIC,
    canonical_aesthetic,
    resolve_theme,
)

_BRAND = BrandData.model_validate(
    {"store_name": "Shop", "store_url": "https://shop.example", "primary_color": "#5b3cc4"}
)

STYLES = (
    "minimal_clean",
    "bold_contrasting",
    "gradient_glow",
    "neo_brutalist",
    "luxe_mono",
    "magazine_serif",
    "warm_editorial",
    "pastel_soft",
)

ORIGINAL_ALIASES = {
    "gradient": "gradient_glow",
    "bold contrasting": "bold_contrasting",
    "bold-contrasting": "bold_contrasting",
    "brutalist": "neo_brutalist",
    "luxe": "luxe_mono",
    "serif": "magazine_serif",
    "editorial": "warm_editorial",
    "warm": "warm_editorial",
    "pastel": "pastel_soft",
}

WORD_ALIASES = {
    "minimal": "minimal_clean",
    "clean": "minimal_clean",
    "bold": "bold_contrasting",
    "glow": "gradient_glow",
    "mono": "luxe_mono",
    "magazine": "magazine_serif",
    "soft": "pastel_soft",
}


def _resolved(requested: str) -> tuple[str, bool]:
    theme, fell_back = resolve_theme(_BRAND, requested)
    return theme.name, fell_back


def test_the_styles_are_the_original_services_eight():
    assert set(AESTHETICS) == set(STYLES)


@pytest.mark.parametrize("style", STYLES)
def test_each_style_name_resolves_to_its_theme(style):
    assert _resolved(style) == (style, False)


@pytest.mark.parametrize(
    ("alias", "style"), sorted({**ORIGINAL_ALIASES, **WORD_ALIASES, **ALIASES}.items())
)
def test_each_alias_resolves_to_its_theme(alias, style):
    assert _resolved(alias) == (style, False)


def _spellings(style: str) -> list[str]:
    words = style.split("_")
    return [
        " ".join(words).title(),  # Bold Contrasting
        "-".join(words),  # bold-contrasting
        style.upper(),  # BOLD_CONTRASTING
        "  " + " - ".join(w.upper() for w in words) + "\t",  # padded, mixed separators
        words[0] + "".join(w.title() for w in words[1:]),  # boldContrasting
        "".join(words),  # boldcontrasting
    ]


@pytest.mark.parametrize(
    ("spelling", "style"), [(spelling, style) for style in STYLES for spelling in _spellings(style)]
)
def test_case_spaces_hyphens_and_underscores_do_not_matter(spelling, style):
    assert _resolved(spelling) == (style, False)


@pytest.mark.parametrize("alias", ["GRADIENT", " Brutalist ", "Luxe", "neo brutalism", "SOFT"])
def test_aliases_are_matched_as_loosely_as_names(alias):
    assert _resolved(alias)[1] is False


@pytest.mark.parametrize(
    "unknown",
    ["vaporwave", "gradients", "glowing", "neo", "minimal clean extra", "luxe_mono_2", "☃"],
)
def test_unknown_names_fall_back_to_the_default_and_say_so(unknown):
    assert _resolved(unknown) == (DEFAULT_AESTHETIC, True)
    assert canonical_aesthetic(unknown) is None


@pytest.mark.parametrize("empty", ["", "   ", "_", " - "])
def test_no_name_means_the_default_without_a_fallback(empty):
    assert _resolved(empty) == (DEFAULT_AESTHETIC, False)


def _compact(name: str) -> str:
    return re.sub(r"[\s\-_]+", "", name.lower())


def test_every_alias_names_a_style_and_none_shadows_a_style_name():
    assert set(ALIASES.values()) <= set(AESTHETICS)
    names = {_compact(style) for style in AESTHETICS}
    assert not names & {_compact(alias) for alias in ALIASES}


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_an_alias_never_names_a_word_of_another_style(alias):
    owners = [style for style in AESTHETICS if alias in style.split("_")]
    assert owners in ([], [ALIASES[alias]]), owners


def test_spellings_of_one_style_share_the_resolved_name_the_cache_keys_on():
    # the response cache keys on the resolved theme name: one entry per style
    spellings = ["Neo Brutalist", "neo-brutalist", "NEO_BRUTALIST", "brutalist", "neobrutalist"]
    assert {canonical_aesthetic(s) for s in spellings} == {"neo_brutalist"}
