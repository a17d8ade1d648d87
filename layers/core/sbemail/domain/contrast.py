"""Colour parsing and WCAG contrast: brand colours in, readable colour pairs out.

Brands hand us whatever their site uses; a marketer's email must still be readable.
These pure functions normalise colours and nudge a foreground towards black or white
just far enough to reach a WCAG 2 contrast ratio, so the brand's hue survives.
"""

from __future__ import annotations

import re

AA_TEXT = 4.5
"""WCAG AA minimum for body-size text."""
AA_LARGE = 3.0
"""WCAG AA minimum for large text, buttons and other non-text shapes."""

BLACK = "#000000"
WHITE = "#ffffff"

_HEX = re.compile(r"^#?([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$")
_RGB = re.compile(r"^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*[\d.]+%?\s*)?\)$")
_NAMED = {"black": BLACK, "white": WHITE}


def normalise_colour(value: object) -> str | None:
    """``#rrggbb`` in lower case, or ``None`` when the value is not a colour.

    Accepts ``#abc``, ``#aabbcc`` (with or without ``#``, any case), the 4/8-digit forms
    (alpha dropped: email clients ignore it), ``rgb()``/``rgba()`` and black/white.
    """
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text in _NAMED:
        return _NAMED[text]
    match = _HEX.match(text)
    if match:
        digits = match.group(1)
        if len(digits) in (3, 4):
            digits = "".join(ch * 2 for ch in digits[:3])
        return f"#{digits[:6]}"
    match = _RGB.match(text)
    if match:
        channels = [int(part) for part in match.groups()]
        if all(0 <= c <= 255 for c in channels):
            return "#" + "".join(f"{c:02x}" for c in channels)
    return None


def _channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour (0 black … 1 white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio between two ``#rrggbb`` colours (1 … 21)."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def mix(colour: str, other: str, amount: float) -> str:
    """``colour`` moved ``amount`` (0 … 1) of the way towards ``other``."""
    pairs = zip(_channels(colour), _channels(other), strict=True)
    return "#" + "".join(f"{round(a + (b - a) * amount):02x}" for a, b in pairs)


def is_dark(colour: str) -> bool:
    """Whether white reads better on this colour than black does."""
    return contrast_ratio(colour, WHITE) >= contrast_ratio(colour, BLACK)


def readable_on(background: str) -> str:
    """Black or white, whichever contrasts more with ``background``."""
    return WHITE if is_dark(background) else BLACK


def ensure_contrast(foreground: str, background: str, minimum: float) -> str:
    """``foreground`` itself when it reaches ``minimum`` against ``background``; else the
    closest shade of it (mixed towards black or white) that does.

    A 4.5:1 ratio is always reachable: against any colour, black or white gives at
    least ~4.58:1.
    """
    if contrast_ratio(foreground, background) >= minimum:
        return foreground
    best: str | None = None
    for target in (BLACK, WHITE):
        if contrast_ratio(target, background) < minimum:
            continue
        low, high = 0.0, 1.0  # binary search the smallest mix that passes
        for _ in range(20):
            middle = (low + high) / 2
            if contrast_ratio(mix(foreground, target, middle), background) >= minimum:
                high = middle
            else:
                low = middle
        candidate = mix(foreground, target, high)
        if contrast_ratio(candidate, background) < minimum:
            candidate = target
        if best is None or _distance(candidate, foreground) < _distance(best, foreground):
            best = candidate
    return best or readable_on(background)


def _distance(first: str, second: str) -> int:
    return sum(abs(a - b) for a, b in zip(_channels(first), _channels(second), strict=True))
