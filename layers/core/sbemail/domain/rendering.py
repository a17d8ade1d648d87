"""Rendering a variant: fill the blocks, wrap them in a document, compile, derive text.

Values enter markup only here and only escaped (``safety.escape_text``); links and
images only through ``safety.safe_url`` and the brand's ``LinkPolicy``. The few
context values that are markup (``*_markup``) are built by ``brand_markup`` from
already-validated parts and never come from the copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from mjml import mjml2html

from . import brand_markup
from .blocks import RAW_SUFFIX, Block, SlotKind
from .brand_markup import UNSUBSCRIBE_MERGE_TAG, InvalidStoreURLError, home_url, unsubscribe_target
from .layouts import Layout
from .models import BrandData
from .safety import escape_text, host_of, safe_url
from .themes import Theme

__all__ = [
    "GMAIL_CLIP_BYTES",
    "UNSUBSCRIBE_MERGE_TAG",
    "EmailTooLargeError",
    "InvalidStoreURLError",
    "LinkPolicy",
    "RenderedEmail",
    "assemble",
    "brand_context",
    "render",
    "to_text",
]

_IMAGE_WITHOUT_SOURCE = re.compile(r'<mj-image\b[^>]*\bsrc=""[^>]*/>')
_ANGLE_QUOTES = str.maketrans({"<": "\u2039", ">": "\u203a"})
GMAIL_CLIP_BYTES = 102 * 1024
"""Gmail clips messages whose HTML is larger than this."""


@dataclass(frozen=True)
class RenderedEmail:
    mjml: str
    html: str
    text: str

    @property
    def size_bytes(self) -> int:
        return len(self.html.encode())


@dataclass(frozen=True)
class LinkPolicy:
    """Where links in an email may point: the store's site, its socials, its products."""

    hosts: frozenset[str]

    @classmethod
    def for_brand(cls, brand: BrandData) -> LinkPolicy:
        urls = [home_url(brand), *brand.social_links.values(), *(p.url for p in brand.products)]
        return cls(frozenset(host_of(u) for u in urls if safe_url(u)))

    def link(self, url: str, fallback: str) -> str:
        return safe_url(url, self.hosts) or fallback


@dataclass(frozen=True)
class _Values:
    """Placeholder values: ``text`` are escaped when filled, ``markup`` inserted as is."""

    text: dict[str, str]
    markup: dict[str, str]


def brand_context(brand: BrandData, theme: Theme, unsubscribe: str) -> _Values:
    """Placeholder values from the brand and theme."""
    policy = LinkPolicy.for_brand(brand)
    store_url = home_url(brand)
    logo_url = safe_url(brand.logo_url) or ""
    text = {
        "brand.name": brand.store_name,
        "brand.url": store_url,
        "brand.logo_url": logo_url,
        "brand.banner_url": safe_url(brand.banner_url) or "",
        "brand.slogan": brand.slogan,
        **theme.context(),
    }
    for number, product in enumerate(brand.products, start=1):
        prefix = f"product.{number}."
        text[prefix + "name"] = product.name
        text[prefix + "url"] = policy.link(product.url, store_url)
        text[prefix + "image_url"] = safe_url(product.image_url) or logo_url
        text[prefix + "price"] = product.price
        text[prefix + "description"] = product.description
    markup = {
        "brand.logo_markup": brand_markup.logo_markup(brand, theme, "center"),
        "brand.logo_left_markup": brand_markup.logo_markup(brand, theme, "left"),
        "brand.banner_markup": brand_markup.banner_markup(brand),
        "brand.social_markup": brand_markup.social_markup(brand, theme),
        "brand.address_markup": brand_markup.address_markup(brand, theme),
        "brand.unsubscribe_markup": brand_markup.unsubscribe_markup(
            brand, theme, unsubscribe_target(unsubscribe)
        ),
    }
    return _Values(text=text, markup=markup)


def fill(block: Block, values: _Values, copy: dict[str, str]) -> str:
    """The block's fragment with every placeholder replaced, in one pass.

    Copy slots are read from ``copy`` (already position-scoped); every text value is
    escaped, unknown keys become empty, and only renderer-built ``*_markup`` values are
    inserted unescaped. An image left without a usable source (a product whose image
    URL was rejected, from a brand without a logo) is dropped rather than shown broken;
    escaped values hold no ``>``, so the pattern cannot overreach.
    """
    out: list[str] = []
    for literal, key in block.template:
        out.append(literal)
        if key is None:
            continue
        if key.endswith(RAW_SUFFIX):
            out.append(values.markup.get(key, ""))
        elif key in copy:
            out.append(escape_text(copy[key]))
        else:
            out.append(escape_text(values.text.get(key, "")))
    return _IMAGE_WITHOUT_SOURCE.sub("", "".join(out))


def _slot_copy(
    block: Block, position: str, copy: dict[str, str], store_url: str, policy: LinkPolicy
) -> dict[str, str]:
    """One position's copy, by bare slot name, with link and image slots validated."""
    scoped: dict[str, str] = {}
    for slot in block.slots:
        value = copy.get(f"{position}__{slot.name}", "")
        if slot.kind is SlotKind.URL:
            value = policy.link(value, store_url)
        elif slot.kind is SlotKind.IMAGE:
            value = safe_url(value) or ""
        else:
            value = value[: slot.max_length]
        scoped[slot.name] = value
    return scoped


def assemble(
    layout: Layout,
    theme: Theme,
    brand: BrandData,
    copy: dict[str, str],
    unsubscribe: str = UNSUBSCRIBE_MERGE_TAG,
) -> str:
    """The full MJML document for a layout, with every placeholder filled."""
    values = brand_context(brand, theme, unsubscribe)
    policy = LinkPolicy.for_brand(brand)
    store_url = values.text["brand.url"]
    body = "\n".join(
        fill(block, values, _slot_copy(block, position, copy, store_url, policy))
        for position, block in layout.positions
    )
    head = (
        "<mj-head>"
        f"<mj-title>{escape_text(copy.get('subjectLine', ''))}</mj-title>"
        f"<mj-preview>{escape_text(copy.get('preheader', ''))}</mj-preview>"
        "<mj-attributes>"
        f'<mj-all font-family="{escape_text(theme.body_font)}" />'
        f'<mj-text color="{theme.text}" font-size="16px" line-height="1.6" padding="0 32px" />'
        f'<mj-button font-family="{escape_text(theme.body_font)}" />'
        "</mj-attributes>"
        "<mj-style>"
        "a { text-decoration: underline; } "
        "@media only screen and (max-width: 480px) { "
        ".display div { font-size: 30px !important; line-height: 1.15 !important; } "
        ".title div { font-size: 22px !important; } "
        ".full-button table { width: 100% !important; } }"
        "</mj-style>"
        "</mj-head>"
    )
    return (
        f'<mjml lang="en">{head}<mj-body background-color="{theme.background}" width="600px">\n'
        f"{body}\n</mj-body></mjml>"
    )


class EmailTooLargeError(ValueError):
    """Even the compact form of an email is larger than Gmail shows unclipped."""

    def __init__(self, size_bytes: int) -> None:
        super().__init__(
            f"rendered email is {size_bytes} bytes, over the {GMAIL_CLIP_BYTES}-byte clip limit"
        )
        self.size_bytes = size_bytes


def render(
    layout: Layout,
    theme: Theme,
    brand: BrandData,
    copy: dict[str, str],
    unsubscribe: str = UNSUBSCRIBE_MERGE_TAG,
) -> RenderedEmail:
    """Render one variant to MJML, HTML and plain text, never over Gmail's clip size.

    ``unsubscribe`` is the ESP's merge tag (default Mailchimp's ``*|UNSUB|*``) or an
    http(s) URL. Ordinary requests render far below the limit (about 40 KB for six
    products); an email that would be clipped is rendered again without product
    descriptions, the longest optional text.

    Raises:
        EmailTooLargeError: the compact form is still too large (only with extreme
            inputs, such as many multi-kilobyte URLs).
        InvalidStoreURLError: the brand's ``store_url`` is no web address.
        ValueError: the MJML engine rejects the document, or ``unsubscribe`` is
            neither a merge tag nor an http(s) URL.
    """
    email = _compile(layout, theme, brand, copy, unsubscribe)
    if email.size_bytes > GMAIL_CLIP_BYTES and any(p.description for p in brand.products):
        products = [p.model_copy(update={"description": ""}) for p in brand.products]
        compact = brand.model_copy(update={"products": products})
        email = _compile(layout, theme, compact, copy, unsubscribe)
    if email.size_bytes > GMAIL_CLIP_BYTES:
        raise EmailTooLargeError(email.size_bytes)
    return email


def _compile(
    layout: Layout, theme: Theme, brand: BrandData, copy: dict[str, str], unsubscribe: str
) -> RenderedEmail:
    document = assemble(layout, theme, brand, copy, unsubscribe)
    html = mjml2html(document, disable_comments=True, fonts={})
    return RenderedEmail(mjml=document, html=html, text=to_text(document))


class _TextCollector(HTMLParser):
    """Collects readable text and link targets from filled MJML, in reading order."""

    _BLOCK_TAGS = frozenset({"mj-text", "mj-button"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._depth = 0
        self._href = ""
        self._link = ""
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in self._BLOCK_TAGS:
            self._depth += 1
            self._href = attributes.get("href") or "" if tag == "mj-button" else ""
        elif tag == "mj-social-element":
            label, href = attributes.get("alt") or "", attributes.get("href") or ""
            self.lines.append(f"{label}: {href}")
        elif tag == "mj-divider":
            self.lines.append("-" * 24)
        elif tag == "a" and self._depth:
            self._link = attributes.get("href") or ""
        elif tag == "br" and self._depth:
            self._buffer.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link:
            self._buffer.append(f" ({self._link})")
            self._link = ""
        if tag in self._BLOCK_TAGS and self._depth:
            self._depth -= 1
            lines = ("".join(self._buffer)).split("\n")
            text = "\n".join(" ".join(line.split()) for line in lines if line.strip())
            if text:
                self.lines.append(f"{text}: {self._href}" if self._href else text)
            self._buffer, self._href = [], ""

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._buffer.append(data)


def to_text(document: str) -> str:
    """Plain-text alternative of a filled MJML document (same content, same order).

    Copy arrives here already cleaned of template syntax (``escape_text``); angle
    brackets are shown as look-alike quotes so that no mail client can mistake a
    plain-text part for markup.
    """
    collector = _TextCollector()
    collector.feed(document)
    text = "\n\n".join(collector.lines) + "\n"
    return text.translate(_ANGLE_QUOTES)
