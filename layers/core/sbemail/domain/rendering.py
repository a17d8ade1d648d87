"""Rendering a variant: fill the blocks, wrap them in a document, compile, derive text.

Values enter markup only here and only escaped (``safety.escape_text``); links and
images only through ``web_addresses.safe_url`` and the brand's ``LinkPolicy``. The few
context values that are markup (``*_markup``) are built by ``brand_markup`` from
already-validated parts and never come from the copy.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from mjml import mjml2html

from . import brand_markup
from .addresses import scrub
from .blocks import RAW_SUFFIX, Block, SlotKind
from .brand import BrandData
from .brand_markup import UNSUBSCRIBE_MERGE_TAG, InvalidStoreURLError, home_url, unsubscribe_target
from .facts import EmailFacts
from .layouts import Layout
from .links import LinkPolicy, position_link
from .merge_tags import with_fallback
from .plain_text import to_text
from .safety import escape_text
from .theme import Theme
from .web_addresses import safe_url

__all__ = [
    "GMAIL_CLIP_BYTES",
    "UNSUBSCRIBE_MERGE_TAG",
    "EmailTooLargeError",
    "InvalidStoreURLError",
    "LinkPolicy",
    "RenderedEmail",
    "SharedBrandContext",
    "assemble",
    "brand_context",
    "render",
    "to_text",
]

_IMAGE_WITHOUT_SOURCE = re.compile(r'<mj-image\b[^>]*\bsrc=""[^>]*/>')
_EMPTY_TEXT = re.compile(r"<mj-text\b[^>]*>\s*</mj-text>")
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
class _Values:
    """Placeholder values: ``text`` are filled escaped, ``markup`` inserted as is."""

    text: dict[str, str]
    markup: dict[str, str]
    policy: LinkPolicy
    escaped: dict[str, str] = field(default_factory=dict)
    """``text`` escaped, once: each value fills many blocks of every variant."""


def brand_context(
    brand: BrandData, theme: Theme, unsubscribe: str, facts: EmailFacts | None = None
) -> _Values:
    """Placeholder values from the brand, the theme and the request's facts.

    Every text value (not the links, not the theme) loses the addresses that are not
    the store's here, once: mail clients turn a bare ``evil.example`` or
    ``x@evil.example`` into a live link, so text obeys the same rule as links. The
    markup built from the brand reads its slogan and address scrubbed the same way.
    """
    policy = LinkPolicy.for_brand(brand)
    facts = facts or EmailFacts()
    store_url = home_url(brand)
    logo_url = safe_url(brand.logo_url) or ""
    texts = {
        "brand.name": brand.store_name,
        "brand.slogan": brand.slogan,
        "offer.code": facts.offer_code,
        "offer.terms": facts.offer_terms,
    }
    links = {
        "brand.url": store_url,
        "brand.logo_url": logo_url,
        "brand.banner_url": safe_url(brand.banner_url) or "",
    }
    for number, product in enumerate(brand.products, start=1):
        prefix = f"product.{number}."
        texts |= {
            prefix + "name": product.name,
            prefix + "price": product.price,
            prefix + "description": product.description,
        }
        links |= {
            prefix + "url": policy.link(product.url, store_url),
            prefix + "image_url": safe_url(product.image_url) or logo_url,
        }
    text = {key: scrub(value, policy.hosts) for key, value in texts.items()}
    text |= links | theme.context()
    brand = _with_scrubbed_slogan_and_address(brand, policy.hosts)  # for the markup below
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
    # the one template syntax that reaches an email: checked, in the platform's form
    markup["reader.first_name"] = with_fallback(facts.first_name_tag, facts.first_name_fallback)
    escaped = {key: escape_text(value) for key, value in text.items()}
    return _Values(text=text, markup=markup, policy=policy, escaped=escaped)


class SharedBrandContext:
    """``brand_context`` worked out once for the variants of one job.

    The variants of a job share their brand, theme, unsubscribe target and facts, and
    their placeholder values (every brand text scrubbed, every link checked, the footer
    built) are most of a render's own work. The first render asks for them, the others
    (in parallel threads) wait and reuse them. Only a render of exactly these objects
    uses them (a compact re-render, with its own brand, works its own out); the object
    lives as long as its job's run, so no caller's text outlives it.
    """

    def __init__(
        self, brand: BrandData, theme: Theme, unsubscribe: str, facts: EmailFacts | None
    ) -> None:
        self._key = (brand, theme, unsubscribe, facts)
        self._values: _Values | None = None
        self._lock = threading.Lock()

    def values_for(
        self, brand: BrandData, theme: Theme, unsubscribe: str, facts: EmailFacts | None
    ) -> _Values:
        """The shared values when these are the job's objects, else their own."""
        job_brand, job_theme, job_unsubscribe, job_facts = self._key
        same = brand is job_brand and theme is job_theme and facts is job_facts
        if not same or unsubscribe != job_unsubscribe:
            return brand_context(brand, theme, unsubscribe, facts)
        with self._lock:
            if self._values is None:
                self._values = brand_context(brand, theme, unsubscribe, facts)
            return self._values


def _with_scrubbed_slogan_and_address(brand: BrandData, hosts: frozenset[str]) -> BrandData:
    """``brand`` with its slogan and address scrubbed, for the markup that shows them
    outside placeholders (the banner's alt text, the footer's address line)."""
    update: dict[str, object] = {"slogan": scrub(brand.slogan, hosts)}
    if brand.address is not None:
        parts = ("street", "city", "state_code", "postal_code", "country")
        fields = {name: scrub(getattr(brand.address, name), hosts) for name in parts}
        update["address"] = brand.address.model_copy(update=fields)
    return brand.model_copy(update=update)


def fill(block: Block, values: _Values, copy: dict[str, str], link: str = "") -> str:
    """The block's fragment with every placeholder replaced, in one pass.

    Copy slots are read from ``copy`` (already position-scoped); every text value is
    escaped, unknown keys become empty, and only renderer-built ``*_markup`` values
    and the validated merge tag are inserted unescaped; ``link`` is this position's
    ``link.url``. An image left without a usable source (a product whose image URL was
    rejected, from a brand without a logo) is dropped rather than shown broken, and a
    text left empty (an optional slot, an offer without terms) is left out; escaped
    values hold no ``<`` or ``>``, so the patterns cannot overreach.
    """
    out: list[str] = []
    for literal, key in block.template:
        out.append(literal)
        if key is None:
            continue
        if key.endswith(RAW_SUFFIX) or key == "reader.first_name":
            out.append(values.markup.get(key, ""))
        elif key == "link.url":
            out.append(escape_text(link))
        elif key in copy:
            out.append(escape_text(copy[key]))
        else:
            out.append(values.escaped.get(key, ""))  # escaped once (brand_context)
    return _EMPTY_TEXT.sub("", _IMAGE_WITHOUT_SOURCE.sub("", "".join(out)))


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
            value = scrub(value[: slot.max_length], policy.hosts)
        scoped[slot.name] = value
    return scoped


def assemble(
    layout: Layout,
    theme: Theme,
    brand: BrandData,
    copy: dict[str, str],
    unsubscribe: str = UNSUBSCRIBE_MERGE_TAG,
    facts: EmailFacts | None = None,
    shared: SharedBrandContext | None = None,
) -> str:
    """The full MJML document for a layout, with every placeholder filled (the brand's
    values from ``shared`` when it holds them: see ``SharedBrandContext``)."""
    values = (
        shared.values_for(brand, theme, unsubscribe, facts)
        if shared is not None
        else brand_context(brand, theme, unsubscribe, facts)
    )
    facts = facts or EmailFacts()
    policy = values.policy
    store_url = values.text["brand.url"]
    body = "\n".join(
        fill(
            block,
            values,
            _slot_copy(block, position, copy, store_url, policy),
            position_link(position, facts, policy, store_url),
        )
        for position, block in layout.positions
    )
    subject = escape_text(scrub(copy.get("subjectLine", ""), policy.hosts))
    preheader = escape_text(scrub(copy.get("preheader", ""), policy.hosts))
    head = (
        "<mj-head>"
        f"<mj-title>{subject}</mj-title>"
        f"<mj-preview>{preheader}</mj-preview>"
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
        f"{_band_gradient(theme)}"
        "</mj-style>"
        "</mj-head>"
    )
    return (
        f'<mjml lang="{escape_text(facts.language or "en")}">{head}'
        f'<mj-body background-color="{theme.background}" width="600px">\n'
        f"{body}\n</mj-body></mjml>"
    )


def _band_gradient(theme: Theme) -> str:
    """The band's gradient for clients that show one; its ``background-color`` stays the
    solid fallback (Outlook and clients that drop style blocks). The inner table paints
    its own background, hence both selectors and ``!important`` over inline styles."""
    if theme.band_glow == theme.band:
        return ""
    return (
        f" .band-glow, .band-glow > table {{ background-image: {theme.band_gradient} !important; }}"
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
    facts: EmailFacts | None = None,
    shared: SharedBrandContext | None = None,
) -> RenderedEmail:
    """Render one variant to MJML, HTML and plain text, never over Gmail's clip size.

    ``shared`` carries the brand's placeholder values across the variants of one job
    (``SharedBrandContext``); without it they are worked out here.

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
    email = _compile(layout, theme, brand, copy, unsubscribe, facts, shared)
    if email.size_bytes > GMAIL_CLIP_BYTES and any(p.description for p in brand.products):
        products = [p.model_copy(update={"description": ""}) for p in brand.products]
        compact = brand.model_copy(update={"products": products})
        email = _compile(layout, theme, compact, copy, unsubscribe, facts)
    if email.size_bytes > GMAIL_CLIP_BYTES:
        raise EmailTooLargeError(email.size_bytes)
    return email


def _compile(
    layout: Layout,
    theme: Theme,
    brand: BrandData,
    copy: dict[str, str],
    unsubscribe: str,
    facts: EmailFacts | None,
    shared: SharedBrandContext | None = None,
) -> RenderedEmail:
    document = assemble(layout, theme, brand, copy, unsubscribe, facts, shared)
    html = mjml2html(document, disable_comments=True, fonts={})
    return RenderedEmail(mjml=document, html=html, text=to_text(document))
