"""Themes: the colours and fonts of an email, derived from the brand and an aesthetic."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import BrandData

_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_FONT_NAME = re.compile(r"^[A-Za-z0-9 \-]{1,60}$")
DEFAULT_AESTHETIC = "minimal_clean"
WEB_SAFE_SANS = "Helvetica, Arial, sans-serif"
WEB_SAFE_SERIF = "Georgia, 'Times New Roman', serif"


def normalise_colour(value: str) -> str | None:
    """``#rrggbb`` in lower case, or ``None`` when the value is not a hex colour."""
    match = _HEX.match(value.strip()) if value else None
    if not match:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return f"#{digits}"


@dataclass(frozen=True)
class Theme:
    """Resolved design tokens; every value is safe to place in markup as is."""

    name: str
    background: str
    surface: str
    text: str
    muted: str
    primary: str
    button: str
    button_text: str
    heading_font: str
    body_font: str
    radius: str

    def context(self) -> dict[str, str]:
        """Placeholder values (``theme.*``) for the renderer."""
        return {f"theme.{key}": str(value) for key, value in self.__dict__.items()}


def _font_stack(brand: BrandData, usage: str, fallback: str) -> str:
    for font in brand.fonts:
        if font.usage.lower() == usage and _FONT_NAME.match(font.name):
            return f"'{font.name}', {fallback}"
    return fallback


def resolve_theme(brand: BrandData, aesthetic: str) -> tuple[Theme, bool]:
    """The theme for this brand and aesthetic, and whether the aesthetic was unknown."""
    key = re.sub(r"[\s\-]+", "_", aesthetic.strip().lower())
    known = key in ("", DEFAULT_AESTHETIC)
    primary = normalise_colour(brand.primary_color) or "#222222"
    theme = Theme(
        name=DEFAULT_AESTHETIC,
        background="#f4f4f4",
        surface=normalise_colour(brand.body_color) or "#ffffff",
        text=normalise_colour(brand.text_color) or "#222222",
        muted="#666666",
        primary=primary,
        button=normalise_colour(brand.button_color) or primary,
        button_text=normalise_colour(brand.button_text_color) or "#ffffff",
        heading_font=_font_stack(brand, "title", WEB_SAFE_SANS),
        body_font=_font_stack(brand, "body", WEB_SAFE_SANS),
        radius="4px",
    )
    return theme, not known
