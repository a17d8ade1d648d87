"""The MJML vocabulary blocks may use: tags and, for each, its attributes.

The MJML engine accepts unknown tags and attributes without a word, so this list is
what actually keeps the library to components we have checked in every theme and
email client. Inline HTML inside ``mj-text`` is limited to simple formatting.
"""

from __future__ import annotations

_PADDING = frozenset(
    {"padding", "padding-top", "padding-bottom", "padding-left", "padding-right", "css-class"}
)
_TYPE = frozenset(
    {
        "align",
        "color",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "line-height",
        "letter-spacing",
        "text-transform",
        "text-decoration",
        "container-background-color",
    }
)

ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "mj-wrapper": _PADDING
    | {"background-color", "border", "border-radius", "full-width", "text-align"},
    "mj-section": _PADDING
    | {
        "background-color",
        "border",
        "border-top",
        "border-bottom",
        "border-left",
        "border-right",
        "border-radius",
        "direction",
        "text-align",
        "full-width",
    },
    "mj-group": frozenset({"width", "direction", "background-color", "vertical-align"}),
    "mj-column": _PADDING
    | {
        "width",
        "vertical-align",
        "background-color",
        "inner-background-color",
        "border",
        "border-radius",
        "inner-border-radius",
    },
    "mj-text": _PADDING | _TYPE | {"height"},
    "mj-image": _PADDING
    | {
        "src",
        "alt",
        "href",
        "title",
        "width",
        "height",
        "align",
        "border",
        "border-radius",
        "container-background-color",
        "fluid-on-mobile",
    },
    "mj-button": _PADDING
    | _TYPE
    | {"href", "background-color", "border", "border-radius", "inner-padding", "width", "title"},
    "mj-divider": _PADDING | {"border-color", "border-width", "border-style", "width", "align"},
    "mj-spacer": _PADDING | {"height", "container-background-color"},
    # Inline formatting inside mj-text.
    "a": frozenset({"href", "style"}),
    "br": frozenset(),
    "strong": frozenset({"style"}),
    "em": frozenset({"style"}),
    "span": frozenset({"style"}),
    "s": frozenset({"style"}),
}

URL_ATTRIBUTES = frozenset({"href", "src"})
"""Attributes whose value must be a single URL placeholder (never literal text)."""

RENDERER_TAGS = frozenset({"mj-social", "mj-social-element"})
"""Tags only the renderer writes (into ``*_markup`` values), never a block."""

_INLINE = frozenset({"a", "br", "strong", "em", "span", "s"})
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    "fragment": frozenset({"mj-section", "mj-wrapper"}),
    "mj-wrapper": frozenset({"mj-section"}),
    "mj-section": frozenset({"mj-column", "mj-group"}),
    "mj-group": frozenset({"mj-column"}),
    "mj-column": frozenset({"mj-text", "mj-image", "mj-button", "mj-divider", "mj-spacer"}),
    "mj-text": _INLINE,
    "mj-button": _INLINE,
    "mj-image": frozenset(),
    "mj-divider": frozenset(),
    "mj-spacer": frozenset(),
    **{tag: _INLINE - {"a"} if tag == "a" else _INLINE for tag in _INLINE},
}
"""Which tags may sit inside which: the MJML engine ignores misplaced components."""

TEXT_HOLDERS = frozenset({"mj-text", "mj-button"} | _INLINE)
"""Elements that may hold text; elsewhere only whitespace and ``*_markup`` values."""
