"""Themes: the colours and fonts of an email, derived from the brand and an aesthetic.

An aesthetic decides the character (page colour, type, corners, weight); the brand
decides the hues and typefaces. Whatever the brand supplies, every text colour is
then checked against the backgrounds it sits on and nudged until it meets WCAG AA,
so no combination of brand and aesthetic yields an unreadable email.

Aesthetics are named as the original service named its styles, and a name is found
whatever its case and separators (``Bold Contrasting``, ``bold-contrasting``,
``BOLD_CONTRASTING``) or by one of its aliases (``brutalist``, ``glow``, ``serif`` …).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .brand import BrandData
from .contrast import (
    AA_LARGE,
    AA_TEXT,
    contrast_ratio,
    ensure_contrast,
    normalise_colour,
)
from .theme import Theme
from .theme_styles import AESTHETICS, BrandPalette

__all__ = [
    "AESTHETICS",
    "ALIASES",
    "DEFAULT_AESTHETIC",
    "Theme",
    "aesthetic_key",
    "canonical_aesthetic",
    "contrast_pairs",
    "normalise_colour",
    "resolve_theme",
    "theme_name",
]

DEFAULT_AESTHETIC = "minimal_clean"

ALIASES: dict[str, str] = {
    # the original service's
    "gradient": "gradient_glow",
    "brutalist": "neo_brutalist",
    "luxe": "luxe_mono",
    "serif": "magazine_serif",
    "editorial": "warm_editorial",
    "warm": "warm_editorial",
    "pastel": "pastel_soft",
    # every other word of a style's name: each names exactly one style
    "minimal": "minimal_clean",
    "clean": "minimal_clean",
    "bold": "bold_contrasting",
    "contrasting": "bold_contrasting",
    "glow": "gradient_glow",
    "mono": "luxe_mono",
    "magazine": "magazine_serif",
    "soft": "pastel_soft",
    # and the usual spellings of the movement
    "brutalism": "neo_brutalist",
    "neo_brutalism": "neo_brutalist",
}
"""Other names callers use for a style (matched as loosely as the names themselves)."""


def aesthetic_key(aesthetic: str) -> str:
    """``Minimal Clean``, ``minimal-clean`` and ``MINIMAL_CLEAN`` all name one theme."""
    return re.sub(r"[\s\-_]+", "_", aesthetic.strip().lower()).strip("_")


def _compact(aesthetic: str) -> str:
    return aesthetic_key(aesthetic).replace("_", "")


_BY_NAME: dict[str, str] = {
    **{_compact(alias): name for alias, name in ALIASES.items()},
    **{_compact(name): name for name in AESTHETICS},
}


def canonical_aesthetic(aesthetic: str) -> str | None:
    """The style a caller's name or alias means (``""`` means the default), else ``None``.

    Case, spaces, hyphens and underscores do not matter: ``Gradient Glow``,
    ``gradient-glow``, ``GRADIENT_GLOW`` and ``gradientglow`` are all ``gradient_glow``.
    """
    key = _compact(aesthetic)
    return _BY_NAME.get(key) if key else DEFAULT_AESTHETIC


def contrast_pairs(theme: Theme) -> list[tuple[str, str, str, float]]:
    """Every (name, foreground, background, minimum ratio) the blocks rely on."""
    pairs = []
    for background in ("surface", "tint"):
        for foreground in ("text", "muted", "accent"):
            pairs.append((foreground, foreground, background, AA_TEXT))
        pairs.append(("button", "button", background, AA_LARGE))
    pairs += [
        ("on_band", "on_band", "band", AA_TEXT),
        ("on_band", "on_band", "band_glow", AA_TEXT),
        ("footer_text", "footer_text", "background", AA_TEXT),
        ("button_text", "button_text", "button", AA_LARGE),
    ]
    return [(name, getattr(theme, fg), getattr(theme, bg), ratio) for name, fg, bg, ratio in pairs]


def _readable(theme: Theme) -> Theme:
    """The theme with every foreground adjusted to its WCAG AA minimum."""
    current = theme
    for _ in range(3):  # a colour checked on two backgrounds may need a second pass
        for name, _fg, background, minimum in contrast_pairs(current):
            value = getattr(current, name)
            adjusted = ensure_contrast(value, background, minimum)
            if adjusted != value:
                current = replace(current, **{name: adjusted})
        if all(contrast_ratio(fg, bg) >= r for _, fg, bg, r in contrast_pairs(current)):
            break
    return current


def theme_name(aesthetic: str) -> tuple[str, bool]:
    """The name of the theme ``resolve_theme`` gives for ``aesthetic``, and whether the
    aesthetic was unknown, without building the theme (its contrast checks are most of
    the cost of a cache key, which needs only the name)."""
    name = canonical_aesthetic(aesthetic)
    return name or DEFAULT_AESTHETIC, name is None


def resolve_theme(brand: BrandData, aesthetic: str) -> tuple[Theme, bool]:
    """The theme for this brand and aesthetic, and whether the aesthetic was unknown.

    Names and aliases are matched loosely (see ``canonical_aesthetic``). Unknown
    aesthetics fall back to ``minimal_clean`` (reported so the caller can say so); an
    empty one simply means the default.
    """
    name = canonical_aesthetic(aesthetic)
    fell_back = name is None
    theme = AESTHETICS[name or DEFAULT_AESTHETIC](BrandPalette.of(brand))
    return _readable(theme), fell_back
