"""Brand profiles as brand-profile services return them, mapped onto our flat fields.

Callers of the original service pass what a service such as Brand.dev returned: fonts
as a list (``[{"usage": "title", "name": "..."}]``) or as an object (``{"title":
"Helvetica", "body": "..."}``), colours as a palette (``[{"hex": "#...", "name":
"..."}]``), logos and backdrops as lists with a type, a light/dark mode and a
resolution, the name as ``title`` and the site as ``domain``. The flat fields
(``logo_url``, ``primary_color`` …) win whenever a caller gives them; the lists only fill
what is missing, so a profile can be passed on as it comes.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Mapping
from typing import Any

from .contrast import normalise_colour

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
_SOCIAL_NAME = re.compile(r"[A-Za-z][\w-]{0,39}")


def from_profile(raw: Any) -> Any:
    """``raw`` with the profile's lists mapped onto missing flat fields (a copy)."""
    if not isinstance(raw, Mapping):
        return raw
    brand = dict(raw)
    _take(brand, "store_name", _text(brand.get("title")))
    _take(brand, "store_url", _text(brand.get("domain")))
    if isinstance(brand.get("fonts"), Mapping):
        brand["fonts"] = [
            {"usage": str(usage), "name": name}
            for usage, name in brand["fonts"].items()
            if isinstance(name, str) and name.strip()
        ]
    palette = _palette(brand.get("colors"))
    if palette:
        primary, accent = palette[0], _most_colourful(palette)
        _take(brand, "primary_color", primary)
        _take(brand, "button_color", accent)
    _take(brand, "logo_url", _logo(brand.get("logos")))
    _take(brand, "banner_url", _backdrop(brand.get("backdrops")))
    if not brand.get("social_links"):
        brand["social_links"] = _socials(brand.get("socials"))
    return brand


def _take(brand: dict[str, Any], key: str, value: str) -> None:
    """Set ``key`` from the profile only when the caller left it out or empty."""
    current = brand.get(key)
    if value and (current is None or (isinstance(current, str) and not current.strip())):
        brand[key] = value


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _palette(colours: Any) -> list[str]:
    """The palette's hex colours, in the profile's order."""
    if not isinstance(colours, list):
        return []
    found = (c.get("hex") if isinstance(c, Mapping) else c for c in colours[:20])
    return [c for c in found if isinstance(c, str) and _HEX.fullmatch(c.strip())]


def _most_colourful(palette: list[str]) -> str:
    """The most saturated colour (a palette's accent: the button), else the first."""

    def saturation(colour: str) -> float:
        digits = (normalise_colour(colour) or "#000000")[1:]
        red, green, blue = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
        return colorsys.rgb_to_hsv(red, green, blue)[1]

    best = max(palette, key=saturation)
    return best if saturation(best) >= 0.25 else palette[0]


def _logo(logos: Any) -> str:
    """The logo for a light email header: a wide logo for light backgrounds first.

    Preference: ``type: logo`` in ``light`` mode, then with its own opaque background,
    then any wide logo, then an icon in those modes; dark-mode logos (light artwork for
    dark backgrounds) only when nothing else exists.
    """
    if not isinstance(logos, list):
        return ""
    candidates = [
        logo for logo in logos[:20] if isinstance(logo, Mapping) and _text(logo.get("url"))
    ]
    mode_rank = {"light": 0, "has_opaque_background": 1}
    type_rank = {"logo": 0, "icon": 1}

    def rank(logo: Mapping[str, Any]) -> tuple[int, int]:
        kind = type_rank.get(str(logo.get("type", "logo")), 1)
        return (mode_rank.get(str(logo.get("mode", "")), 2), kind)

    best = min(candidates, key=rank, default=None)
    return _text(best.get("url")) if best else ""


def _backdrop(backdrops: Any) -> str:
    """A banner: the widest backdrop (emails show banners wide), else the first."""
    if not isinstance(backdrops, list):
        return ""
    found = [b for b in backdrops[:20] if isinstance(b, Mapping) and _text(b.get("url"))]

    def width_ratio(backdrop: Mapping[str, Any]) -> float:
        resolution = backdrop.get("resolution")
        if isinstance(resolution, Mapping):
            ratio = resolution.get("aspect_ratio")
            if isinstance(ratio, int | float) and not isinstance(ratio, bool):
                return float(ratio)
        return 0.0

    best = max(found, key=width_ratio, default=None)
    return _text(best.get("url")) if best else ""


def _socials(socials: Any) -> dict[str, str]:
    """``[{"type": "instagram", "url": "..."}]`` as ``{"instagram": "..."}``."""
    if not isinstance(socials, list):
        return {}
    links: dict[str, str] = {}
    for social in socials[:20]:
        if not isinstance(social, Mapping):
            continue
        name, url = _text(social.get("type")), _text(social.get("url"))
        if _SOCIAL_NAME.fullmatch(name) and url:
            links.setdefault(name.lower(), url)
    return links
