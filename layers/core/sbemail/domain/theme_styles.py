"""The eight aesthetics: how each turns a brand's colours and fonts into a theme.

An aesthetic decides the character (page colour, type, corners, weight); the brand
decides the hues and typefaces. Contrast is settled afterwards, once for all of them
(``themes.resolve_theme``).
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Callable
from dataclasses import dataclass

from .brand import BrandData
from .contrast import AA_TEXT, WHITE, ensure_contrast, is_dark, mix, normalise_colour, readable_on
from .theme import Theme

_FONT_NAME = re.compile(r"^[A-Za-z0-9 \-]{1,60}$")
WEB_SAFE_SANS = "Helvetica, Arial, sans-serif"
WEB_SAFE_ROUNDED = "'Trebuchet MS', Helvetica, Arial, sans-serif"
WEB_SAFE_SERIF = "Georgia, 'Times New Roman', Times, serif"
WEB_SAFE_DIDONE = "Didot, 'Bodoni MT', Georgia, 'Times New Roman', serif"
WEB_SAFE_GEOMETRIC = "'Avenir Next', Avenir, 'Segoe UI', Helvetica, Arial, sans-serif"
WEB_SAFE_GROTESK = "'Helvetica Neue', Helvetica, Arial, sans-serif"
WEB_SAFE_MONO = "Menlo, Consolas, 'Liberation Mono', 'Courier New', monospace"
_DEFAULT_PRIMARY = "#2b4c7e"
_DEFAULT_TEXT = "#1f2328"


@dataclass(frozen=True)
class BrandPalette:
    """The brand's own colours and fonts, normalised; ``None`` where it gave none."""

    primary: str
    text: str | None
    body: str | None
    button: str | None
    button_text: str | None
    title_font: str | None
    body_font: str | None

    @classmethod
    def of(cls, brand: BrandData) -> BrandPalette:
        return cls(
            primary=normalise_colour(brand.primary_color) or _DEFAULT_PRIMARY,
            text=normalise_colour(brand.text_color),
            body=normalise_colour(brand.body_color),
            button=normalise_colour(brand.button_color),
            button_text=normalise_colour(brand.button_text_color),
            title_font=_font_name(brand, "title"),
            body_font=_font_name(brand, "body"),
        )

    def stack(self, font: str | None, fallback: str) -> str:
        return f"'{font}', {fallback}" if font else fallback


def _font_name(brand: BrandData, usage: str) -> str | None:
    for font in brand.fonts:
        if font.usage.strip().lower() == usage and _FONT_NAME.match(font.name):
            return font.name
    return None


def _light_surface(palette: BrandPalette, default: str = WHITE) -> str:
    """The brand's body colour when it is a light one, else ``default``."""
    return palette.body if palette.body and not is_dark(palette.body) else default


def _minimal_clean(p: BrandPalette) -> Theme:
    surface = p.body or WHITE
    return Theme(
        name="minimal_clean",
        background=mix(surface, "#5f6b7a", 0.08),
        surface=surface,
        tint=mix(p.primary, surface, 0.93),
        band=p.primary,
        band_glow=p.primary,
        on_band=readable_on(p.primary),
        text=p.text or _DEFAULT_TEXT,
        muted=mix(p.text or _DEFAULT_TEXT, surface, 0.3),
        accent=p.primary,
        rule=mix(p.text or _DEFAULT_TEXT, surface, 0.85),
        footer_text="#5c6570",
        button=p.button or p.primary,
        button_text=p.button_text or readable_on(p.button or p.primary),
        heading_font=p.stack(p.title_font, WEB_SAFE_SANS),
        body_font=p.stack(p.body_font, WEB_SAFE_SANS),
        heading_weight="700",
        heading_transform="none",
        heading_spacing="-0.2px",
        radius="6px",
        button_radius="6px",
    )


def _bold_contrasting(p: BrandPalette) -> Theme:
    band = p.primary
    return Theme(
        name="bold_contrasting",
        background=mix(p.primary, "#000000", 0.6),
        surface=_light_surface(p),
        tint=mix(p.primary, WHITE, 0.9),
        band=band,
        band_glow=band,
        on_band=readable_on(band),
        text=p.text or "#111111",
        muted="#4a4a4a",
        accent=p.button or p.primary,
        rule=p.primary,
        footer_text="#e6e6e6",
        button=p.button or p.primary,
        button_text=p.button_text or readable_on(p.button or p.primary),
        heading_font=p.stack(p.title_font, "'Arial Black', Impact, " + WEB_SAFE_SANS),
        body_font=p.stack(p.body_font, WEB_SAFE_SANS),
        heading_weight="800",
        heading_transform="uppercase",
        heading_spacing="0.5px",
        radius="0px",
        button_radius="0px",
    )


def _warm_editorial(p: BrandPalette) -> Theme:
    surface = _light_surface(p, "#fffaf3")
    return Theme(
        name="warm_editorial",
        background=mix("#efe4d4", p.primary, 0.06),
        surface=surface,
        tint=mix("#f5ebdd", p.primary, 0.04),
        band=mix(p.primary, "#3b2a1e", 0.25),
        band_glow=mix(p.primary, "#3b2a1e", 0.25),
        on_band="#fff8ee",
        text=p.text or "#2f2520",
        muted="#6b5d52",
        accent=p.primary,
        rule="#d9c8b4",
        footer_text="#5e5045",
        button=p.button or p.primary,
        button_text=p.button_text or readable_on(p.button or p.primary),
        heading_font=p.stack(p.title_font, WEB_SAFE_SERIF),
        body_font=p.stack(p.body_font, WEB_SAFE_SANS),
        heading_weight="600",
        heading_transform="none",
        heading_spacing="0px",
        radius="4px",
        button_radius="3px",
    )


def _magazine_serif(p: BrandPalette) -> Theme:
    return Theme(
        name="magazine_serif",
        background="#f2f1ee",
        surface=WHITE,
        tint="#f7f6f3",
        band="#111111",
        band_glow="#111111",
        on_band=WHITE,
        text=p.text or "#151515",
        muted="#5a5a5a",
        accent=p.primary,
        rule="#151515",
        footer_text="#555555",
        button="#111111",
        button_text=WHITE,
        heading_font=p.stack(p.title_font, WEB_SAFE_SERIF),
        body_font=p.stack(p.body_font, WEB_SAFE_SERIF),
        heading_weight="400",
        heading_transform="none",
        heading_spacing="0px",
        radius="0px",
        button_radius="0px",
    )


def _pastel_soft(p: BrandPalette) -> Theme:
    band = mix(p.primary, WHITE, 0.72)
    return Theme(
        name="pastel_soft",
        background=mix(p.primary, WHITE, 0.86),
        surface=WHITE,
        tint=mix(p.primary, WHITE, 0.93),
        band=band,
        band_glow=band,
        on_band=mix(p.primary, "#000000", 0.55),
        text=p.text or "#3a3550",
        muted="#6e6a80",
        accent=p.primary,
        rule=mix(p.primary, WHITE, 0.7),
        footer_text=mix(p.primary, "#000000", 0.5),
        button=p.button or p.primary,
        button_text=p.button_text or readable_on(p.button or p.primary),
        heading_font=p.stack(p.title_font, WEB_SAFE_ROUNDED),
        body_font=p.stack(p.body_font, WEB_SAFE_ROUNDED),
        heading_weight="700",
        heading_transform="none",
        heading_spacing="0px",
        radius="16px",
        button_radius="28px",
    )


def _luxe_mono(p: BrandPalette) -> Theme:
    ivory = "#f4f1ea"
    return Theme(
        name="luxe_mono",
        background="#0b0b0b",
        surface="#151515",
        tint="#1e1e1e",
        band=ivory,
        band_glow=ivory,
        on_band="#151515",
        text=ivory,
        muted="#b3ada3",
        accent=mix(p.primary, ivory, 0.5),
        rule="#3a3a3a",
        footer_text="#a39d93",
        button=ivory,
        button_text="#151515",
        heading_font=p.stack(p.title_font, WEB_SAFE_DIDONE),
        body_font=p.stack(p.body_font, WEB_SAFE_SANS),
        heading_weight="400",
        heading_transform="uppercase",
        heading_spacing="3px",
        radius="0px",
        button_radius="0px",
    )


_GLOW_HUE = 265 / 360
"""Violet: the glow of brands whose primary colour has no hue to speak of."""
_BRUTALIST_HUE = 52 / 360
"""Signal yellow: the loud block colour of brands without a hue of their own."""
_INK = "#0a0a0a"


def _hue(colour: str) -> float | None:
    """The colour's hue (0 … 1), or ``None`` for greys and near-black / near-white."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    if saturation < 0.15 or not 0.06 < lightness < 0.96:
        return None
    return hue


def _hsl(hue: float, saturation: float, lightness: float) -> str:
    """``#rrggbb`` from hue (0 … 1, wrapping), saturation and lightness (0 … 1)."""
    channels = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return "#" + "".join(f"{round(c * 255):02x}" for c in channels)


def _gradient_glow(p: BrandPalette) -> Theme:
    """Luminous: white cards on a deep night page; the hero and call-to-action bands run
    from the brand's hue to a neighbouring one, each end dark enough for white type."""
    hue = _hue(p.primary)
    hue = _GLOW_HUE if hue is None else hue
    # warm hues glow towards pink and red, the others towards violet and magenta:
    # never towards the olives a darkened yellow-green would give
    glow_hue = hue - 40 / 360 if hue < 75 / 360 else hue + 40 / 360
    start = ensure_contrast(_hsl(hue, 0.85, 0.52), WHITE, AA_TEXT)
    end = ensure_contrast(_hsl(glow_hue, 0.9, 0.56), WHITE, AA_TEXT)
    text = p.text or _hsl(hue, 0.35, 0.14)
    return Theme(
        name="gradient_glow",
        background=_hsl(hue, 0.45, 0.08),
        surface=WHITE,
        tint=_hsl(hue + 20 / 360, 1.0, 0.965),
        band=start,
        band_glow=end,
        on_band=WHITE,
        text=text,
        muted=_hsl(hue, 0.12, 0.4),
        accent=start,
        rule=_hsl(hue + 20 / 360, 0.7, 0.88),
        footer_text=_hsl(hue + 20 / 360, 0.35, 0.82),
        button=p.button or end,
        button_text=p.button_text or (readable_on(p.button) if p.button else WHITE),
        heading_font=p.stack(p.title_font, WEB_SAFE_GEOMETRIC),
        body_font=p.stack(p.body_font, WEB_SAFE_GEOMETRIC),
        heading_weight="800",
        heading_transform="none",
        heading_spacing="-0.5px",
        radius="12px",
        button_radius="40px",
    )


def _neo_brutalist(p: BrandPalette) -> Theme:
    """Raw and loud: flat blocks of saturated colour, near-black ink for type, rules and
    buttons, monospaced uppercase headings, square corners, no soft edges anywhere."""
    hue = _hue(p.primary)
    hue = _BRUTALIST_HUE if hue is None else hue
    band = _hsl(hue, 0.9, 0.55)
    highlight = _hsl(hue + 0.5, 0.95, 0.8)  # the clashing complement, as a marker pen
    return Theme(
        name="neo_brutalist",
        background=_hsl(hue, 0.85, 0.88),
        surface=WHITE,
        tint=highlight,
        band=band,
        band_glow=band,
        on_band=readable_on(band),
        text=_INK,
        muted="#2e2e2e",
        accent=_hsl(hue, 0.9, 0.3),
        rule=_INK,
        footer_text=_INK,
        button=_INK,
        button_text=highlight,
        heading_font=p.stack(p.title_font, WEB_SAFE_MONO),
        body_font=p.stack(p.body_font, WEB_SAFE_GROTESK),
        heading_weight="800",
        heading_transform="uppercase",
        heading_spacing="0px",
        radius="0px",
        button_radius="0px",
    )


AESTHETICS: dict[str, Callable[[BrandPalette], Theme]] = {
    "minimal_clean": _minimal_clean,
    "bold_contrasting": _bold_contrasting,
    "gradient_glow": _gradient_glow,
    "neo_brutalist": _neo_brutalist,
    "luxe_mono": _luxe_mono,
    "magazine_serif": _magazine_serif,
    "warm_editorial": _warm_editorial,
    "pastel_soft": _pastel_soft,
}
