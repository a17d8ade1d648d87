"""Themes: eight aesthetics from the brand's colours and fonts, always WCAG AA readable."""

from __future__ import annotations

import re

import pytest

from sbemail.domain import BrandData
from sbemail.domain.contrast import contrast_ratio, ensure_contrast, mix, normalise_colour
from sbemail.domain.themes import (
    AESTHETICS,
    ALIASES,
    Theme,
    contrast_pairs,
    resolve_theme,
    theme_name,
)

from fakes.hostile import MARKUP_PAYLOADS
from samples import sample_names, sample_request

EIGHT = (  # the original service's styles
    "minimal_clean",
    "bold_contrasting",
    "gradient_glow",
    "neo_brutalist",
    "luxe_mono",
    "magazine_serif",
    "warm_editorial",
    "pastel_soft",
)
_COLOUR_FIELDS = [
    "background",
    "surface",
    "tint",
    "band",
    "band_glow",
    "on_band",
    "text",
    "muted",
    "accent",
    "rule",
    "footer_text",
    "button",
    "button_text",
]


def brand(**fields) -> BrandData:
    return BrandData.model_validate(
        {"store_name": "Shop", "store_url": "https://shop.example", **fields}
    )


def test_the_original_services_eight_styles_exist():
    assert set(AESTHETICS) == set(EIGHT)


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        ("Minimal Clean", "minimal_clean"),
        ("BOLD-CONTRASTING", "bold_contrasting"),
        ("  warm editorial ", "warm_editorial"),
        ("Magazine_Serif", "magazine_serif"),
        ("pastel  soft", "pastel_soft"),
        ("LUXE MONO", "luxe_mono"),
        ("Gradient Glow", "gradient_glow"),
        ("neo-brutalist", "neo_brutalist"),
    ],
)
def test_names_are_case_and_space_insensitive(requested, expected):
    theme, fell_back = resolve_theme(brand(), requested)
    assert (theme.name, fell_back) == (expected, False)


def test_unknown_aesthetic_falls_back_and_says_so():
    assert resolve_theme(brand(), "vaporwave")[0].name == "minimal_clean"
    assert resolve_theme(brand(), "vaporwave")[1] is True
    assert resolve_theme(brand(), "") == (resolve_theme(brand(), "minimal_clean")[0], False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("#ABC", "#aabbcc"),
        ("abc", "#aabbcc"),
        ("#AbCdEf", "#abcdef"),
        (" #1F3B4D ", "#1f3b4d"),
        ("#1f3b4dff", "#1f3b4d"),
        ("rgb(31, 59, 77)", "#1f3b4d"),
        ("White", "#ffffff"),
        ("#12", None),
        ("#ggg", None),
        ("rgb(300, 0, 0)", None),
        ("url(javascript:alert(1))", None),
        ('#fff" onload="x', None),
        ("", None),
        (None, None),
    ],
)
def test_colours_are_normalised_and_non_colours_ignored(value, expected):
    assert normalise_colour(value) == expected


def test_values_that_are_not_colours_never_reach_the_theme():
    hostile = MARKUP_PAYLOADS[1]
    theme, _ = resolve_theme(
        brand(primary_color=hostile, text_color="red; background:url(x)", button_color="#zzz"),
        "bold_contrasting",
    )
    for name in _COLOUR_FIELDS:
        assert re.fullmatch(r"#[0-9a-f]{6}", getattr(theme, name)), name


def test_brand_colours_are_kept_when_they_are_readable():
    theme, _ = resolve_theme(
        brand(button_color="#E4572E", button_text_color="#fff", primary_color="#1f3b4d"),
        "minimal_clean",
    )
    assert (theme.button, theme.button_text, theme.accent) == ("#e4572e", "#ffffff", "#1f3b4d")


HARD_BRANDS = {
    "yellow on white": {
        "primary_color": "#ffff00",
        "button_color": "#ffee00",
        "text_color": "#fff",
    },
    "all mid grey": {
        "primary_color": "#777",
        "text_color": "#777",
        "body_color": "#777",
        "button_color": "#777",
        "button_text_color": "#777",
    },
    "dark site": {"body_color": "#101010", "text_color": "#222", "primary_color": "#000"},
    "pale everything": {
        "primary_color": "#f4f4f4",
        "button_color": "#fafafa",
        "button_text_color": "#ffffff",
    },
    "none given": {},
}


def _assert_readable(theme: Theme) -> None:
    for name, foreground, background, minimum in contrast_pairs(theme):
        ratio = contrast_ratio(foreground, background)
        assert ratio >= minimum, f"{theme.name}: {name} {foreground} on {background} = {ratio:.2f}"


@pytest.mark.parametrize("aesthetic", EIGHT)
@pytest.mark.parametrize("colours", HARD_BRANDS.values(), ids=HARD_BRANDS.keys())
def test_every_pair_meets_wcag_aa_even_for_hard_brands(aesthetic, colours):
    _assert_readable(resolve_theme(brand(**colours), aesthetic)[0])


@pytest.mark.parametrize("aesthetic", EIGHT)
@pytest.mark.parametrize("name", sample_names())
def test_every_sample_brand_is_readable_in_every_theme(name, aesthetic):
    _assert_readable(resolve_theme(sample_request(name).brand, aesthetic)[0])


def test_contrast_pairs_cover_body_text_buttons_and_footer():
    theme, _ = resolve_theme(brand(), "minimal_clean")
    pairs = {(name, minimum) for name, _, _, minimum in contrast_pairs(theme)}
    assert {("text", 4.5), ("muted", 4.5), ("on_band", 4.5), ("footer_text", 4.5)} <= pairs
    assert {("button_text", 3.0), ("button", 3.0)} <= pairs


def test_contrast_ratio_and_adjustment():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert contrast_ratio("#777777", "#777777") == 1.0
    adjusted = ensure_contrast("#ffee00", "#ffffff", 4.5)
    assert contrast_ratio(adjusted, "#ffffff") >= 4.5
    assert ensure_contrast("#1f3b4d", "#ffffff", 4.5) == "#1f3b4d"


def test_brand_fonts_come_first_with_web_safe_fallbacks():
    fonts = [{"usage": "title", "name": "Montserrat"}, {"usage": "body", "name": "Open Sans"}]
    theme, _ = resolve_theme(brand(fonts=fonts), "magazine_serif")
    assert theme.heading_font.startswith("'Montserrat', ") and theme.heading_font.endswith("serif")
    assert theme.body_font.startswith("'Open Sans', ")


def test_unsafe_font_names_are_ignored():
    fonts = [{"usage": "title", "name": "x'; } body { background: url(y)"}]
    theme, _ = resolve_theme(brand(fonts=fonts), "minimal_clean")
    assert theme.heading_font == "Helvetica, Arial, sans-serif"


def test_aesthetics_look_different():
    themes = [resolve_theme(brand(primary_color="#5b3cc4"), a)[0] for a in EIGHT]
    looks = {(t.background, t.heading_font, t.button_radius, t.heading_transform) for t in themes}
    assert len(looks) == len(EIGHT)


@pytest.mark.parametrize("aesthetic", EIGHT)
def test_every_theme_value_is_safe_markup(aesthetic):
    theme, _ = resolve_theme(brand(primary_color="#5b3cc4"), aesthetic)
    assert theme.name == aesthetic
    for name in _COLOUR_FIELDS:
        assert re.fullmatch(r"#[0-9a-f]{6}", getattr(theme, name)), name
    for value in theme.context().values():
        assert not set(value) & set('<>"&;'), value


def _gradient_stops(theme: Theme, steps: int = 20) -> list[str]:
    return [mix(theme.band, theme.band_glow, i / steps) for i in range(steps + 1)]


_BRAND_HUES = ["#7a4b2a", "#e00000", "#ffcc00", "#22aa44", "#00bcd4", "#5b3cc4", "#777777"]


@pytest.mark.parametrize("primary", _BRAND_HUES)
def test_gradient_glow_bands_run_between_two_hues_readable_all_the_way(primary):
    theme, _ = resolve_theme(brand(primary_color=primary), "gradient_glow")
    assert theme.band != theme.band_glow
    assert theme.band_gradient == (
        f"linear-gradient(135deg, {theme.band} 0%, {theme.band_glow} 100%)"
    )
    for colour in _gradient_stops(theme):
        assert contrast_ratio(theme.on_band, colour) >= 4.5, colour
    assert contrast_ratio(theme.footer_text, theme.background) >= 4.5
    assert contrast_ratio(theme.background, "#ffffff") > 12  # a deep night page


@pytest.mark.parametrize("aesthetic", sorted(set(EIGHT) - {"gradient_glow"}))
def test_the_other_themes_are_flat(aesthetic):
    theme, _ = resolve_theme(brand(primary_color="#5b3cc4"), aesthetic)
    assert theme.band_glow == theme.band
    assert theme.band_gradient == f"linear-gradient(135deg, {theme.band} 0%, {theme.band} 100%)"


@pytest.mark.parametrize("primary", _BRAND_HUES)
def test_neo_brutalist_is_square_inky_and_monospaced(primary):
    theme, _ = resolve_theme(brand(primary_color=primary), "neo_brutalist")
    assert (theme.radius, theme.button_radius) == ("0px", "0px")
    assert theme.heading_transform == "uppercase"
    assert "monospace" in theme.heading_font
    assert theme.rule == theme.button == theme.text
    assert contrast_ratio(theme.text, theme.surface) >= 15  # ink, not grey
    assert contrast_ratio(theme.text, theme.tint) >= 7


@pytest.mark.parametrize(
    "aesthetic",
    ["", "luxe_mono", "Luxe Mono", *sorted(ALIASES), *sorted(AESTHETICS), "no-such-style"],
)
def test_theme_name_is_the_name_resolve_theme_gives(aesthetic: str) -> None:
    """The cache key uses the name alone: it must be the one the theme gets."""
    theme, fell_back = resolve_theme(sample_request("northwind").brand, aesthetic)
    assert theme_name(aesthetic) == (theme.name, fell_back)
