"""The design tokens of one email: what every block's ``{{ theme.* }}`` placeholders read.

Resolved from a brand and an aesthetic by ``themes.resolve_theme``; every value is safe
to place in markup as is.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Theme:
    """Resolved design tokens; every value is safe to place in markup as is.

    Colours are ``#rrggbb``. ``text``, ``muted`` and ``accent`` are readable on both
    ``surface`` and ``tint``; ``on_band`` on ``band`` and on ``band_glow`` (so on every
    colour of the gradient between them); ``footer_text`` on ``background``;
    ``button_text`` on ``button``. ``band_glow`` is the far end of the band's gradient;
    flat themes set it to ``band``.
    """

    name: str
    background: str
    surface: str
    tint: str
    band: str
    band_glow: str
    on_band: str
    text: str
    muted: str
    accent: str
    rule: str
    footer_text: str
    button: str
    button_text: str
    heading_font: str
    body_font: str
    heading_weight: str
    heading_transform: str
    heading_spacing: str
    radius: str
    button_radius: str

    @property
    def band_gradient(self) -> str:
        """The band as a CSS gradient, for clients that show one; ``band`` is the fallback.

        Interpolating two colours in sRGB never gives a colour lighter than the lighter
        end, so ``on_band`` stays readable across the whole gradient.
        """
        return f"linear-gradient(135deg, {self.band} 0%, {self.band_glow} 100%)"

    def context(self) -> dict[str, str]:
        """Placeholder values (``theme.*``) for the renderer."""
        return {f"theme.{f.name}": str(getattr(self, f.name)) for f in fields(self)}


THEME_KEYS = frozenset(f.name for f in fields(Theme))
