"""Rendering a variant: fill the blocks, wrap them in a document, compile, derive text.

Values enter markup only here and only escaped (``safety.escape_text``); links and
images only through ``safety.safe_url``. The few context values that are markup
(``*_markup``) are built in this module from already-validated parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from mjml import mjml2html

from .blocks import PLACEHOLDER
from .layouts import Layout
from .models import BrandData
from .safety import escape_text, host_of, safe_url
from .themes import Theme

UNSUBSCRIBE_MERGE_TAG = "*|UNSUB|*"
_RAW_SUFFIX = "_markup"


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
        urls = [brand.store_url, *brand.social_links.values(), *(p.url for p in brand.products)]
        return cls(frozenset(h for h in (host_of(u) for u in urls) if h))

    def link(self, url: str, fallback: str) -> str:
        return safe_url(url, self.hosts) or fallback


def brand_context(brand: BrandData, theme: Theme, unsubscribe: str) -> dict[str, str]:
    """Placeholder values from the brand and theme (unescaped; ``fill`` escapes them)."""
    policy = LinkPolicy.for_brand(brand)
    store_url = safe_url(brand.store_url) or ""
    context = {
        "brand.name": brand.store_name,
        "brand.url": store_url,
        "brand.logo_url": safe_url(brand.logo_url) or "",
        "brand.banner_url": safe_url(brand.banner_url) or "",
        "brand.slogan": brand.slogan or brand.store_name,
        "brand.address": brand.address.one_line() if brand.address else "",
        "brand.unsubscribe_url": unsubscribe,
        **theme.context(),
    }
    for number, product in enumerate(brand.products, start=1):
        prefix = f"product.{number}."
        context[prefix + "name"] = product.name
        context[prefix + "url"] = policy.link(product.url, store_url)
        context[prefix + "image_url"] = safe_url(product.image_url) or context["brand.logo_url"]
        context[prefix + "price"] = product.price
        context[prefix + "description"] = product.description
    return context


def fill(fragment: str, values: dict[str, str]) -> str:
    """Replace every placeholder in one pass; values are escaped, unknown ones emptied."""

    def substitute(match) -> str:  # type: ignore[no-untyped-def]
        key = match.group(1)
        value = values.get(key, "")
        return value if key.endswith(_RAW_SUFFIX) else escape_text(value)

    return PLACEHOLDER.sub(substitute, fragment)


def assemble(
    layout: Layout, theme: Theme, subject: str, preheader: str, values: dict[str, str]
) -> str:
    """The full MJML document for a layout, with every placeholder filled."""
    body = "\n".join(
        fill(block.mjml, {**values, **_position_values(position, values)})
        for position, block in layout.positions
    )
    head = (
        "<mj-head>"
        f"<mj-title>{escape_text(subject)}</mj-title>"
        f"<mj-preview>{escape_text(preheader)}</mj-preview>"
        "<mj-attributes>"
        f'<mj-all font-family="{escape_text(theme.body_font)}" />'
        f'<mj-text color="{theme.text}" font-size="16px" line-height="1.5" />'
        "</mj-attributes>"
        "</mj-head>"
    )
    return (
        f'<mjml>{head}<mj-body background-color="{theme.background}" width="600px">\n'
        f"{body}\n</mj-body></mjml>"
    )


def _position_values(position: str, values: dict[str, str]) -> dict[str, str]:
    """Copy slots of one position, addressed by their bare slot name inside the block."""
    prefix = f"{position}__"
    return {key[len(prefix) :]: value for key, value in values.items() if key.startswith(prefix)}


def render(
    layout: Layout,
    theme: Theme,
    brand: BrandData,
    copy: dict[str, str],
    unsubscribe: str = UNSUBSCRIBE_MERGE_TAG,
) -> RenderedEmail:
    """Render one variant to MJML, HTML and plain text."""
    values = {**brand_context(brand, theme, unsubscribe), **copy}
    document = assemble(
        layout, theme, copy.get("subjectLine", ""), copy.get("preheader", ""), values
    )
    html = mjml2html(document)
    return RenderedEmail(mjml=document, html=html, text=to_text(document))


class _TextCollector(HTMLParser):
    """Collects readable text (and button links) from filled MJML, in reading order."""

    _TEXT_TAGS = frozenset({"mj-text", "mj-button", "mj-raw"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._depth = 0
        self._href = ""
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._TEXT_TAGS:
            self._depth += 1
            self._href = dict(attrs).get("href") or "" if tag == "mj-button" else ""
        elif tag in ("br", "p", "li") and self._depth:
            self._buffer.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._TEXT_TAGS and self._depth:
            self._depth -= 1
            text = " ".join("".join(self._buffer).split())
            if text:
                self.lines.append(f"{text}: {self._href}" if self._href else text)
            self._buffer, self._href = [], ""

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._buffer.append(data)


def to_text(document: str) -> str:
    """Plain-text alternative of a filled MJML document."""
    collector = _TextCollector()
    collector.feed(document)
    return "\n\n".join(collector.lines) + "\n"
