"""The optional pieces of an email that depend on what the brand gave us.

Blocks cannot hold conditionals, so the few parts that exist only sometimes (a logo or
the store's name, a banner, social icons for the links given, a postal address, the
unsubscribe line) are built here as MJML, each from values that are already validated
(``safe_url``) or escaped (``escape_text``). These are the only raw values a block
receives (``*_markup`` placeholders).
"""

from __future__ import annotations

import re

from .brand import BrandData
from .safety import escape_text
from .theme import Theme
from .web_addresses import safe_url

UNSUBSCRIBE_MERGE_TAG = "*|UNSUB|*"
_MERGE_TAG = re.compile(
    r"^(\*\|[A-Z_]{2,30}\|\*|%[a-z_]{2,30}%|\{\{\{?\s*[a-z_:]{2,30}\s*\}?\}\}"
    r"|\{%\s*[a-z_]{2,30}\s*%\}|\[[a-z_]{2,30}\]|<%[a-z_]{2,40}%>)$"
)
_NETWORKS = {
    "facebook": ("facebook-noshare", "Facebook"),
    "instagram": ("instagram-noshare", "Instagram"),
    "twitter": ("twitter-noshare", "X (Twitter)"),
    "x": ("twitter-noshare", "X"),
    "youtube": ("youtube-noshare", "YouTube"),
    "pinterest": ("pinterest-noshare", "Pinterest"),
    "linkedin": ("linkedin-noshare", "LinkedIn"),
    "tumblr": ("tumblr-noshare", "Tumblr"),
    "vimeo": ("vimeo-noshare", "Vimeo"),
    "medium": ("medium-noshare", "Medium"),
    "github": ("github-noshare", "GitHub"),
    "soundcloud": ("soundcloud-noshare", "SoundCloud"),
    "snapchat": ("snapchat-noshare", "Snapchat"),
    "dribbble": ("dribbble-noshare", "Dribbble"),
}


class InvalidStoreURLError(ValueError):
    """The brand's ``store_url`` is not a web address, so no link could point anywhere."""


def home_url(brand: BrandData) -> str:
    """The store's address as an absolute http(s) URL.

    Brand profiles often give a bare host (``northwind.example``); it is read as https.

    Raises:
        InvalidStoreURLError: the value is no http(s) address even then.
    """
    raw = brand.store_url.strip()
    if raw and "://" not in raw and not raw.lower().startswith(("javascript:", "data:")):
        raw = "https://" + raw.lstrip("/")
    url = safe_url(raw)
    if url is None:
        raise InvalidStoreURLError("brandData.store_url must be an http(s) URL")
    return url


def unsubscribe_target(value: str) -> str:
    """The unsubscribe link target: an ESP merge tag or an absolute http(s) URL.

    It is operator configuration, not caller input, but it is still checked, because
    it is placed into markup unescaped (merge tags must reach the ESP intact).

    Raises:
        ValueError: the value is neither a known merge-tag form nor an http(s) URL.
    """
    if _MERGE_TAG.match(value):
        return value
    url = safe_url(value)
    if url is None:
        raise ValueError(f"unsubscribe target {value!r} is not a merge tag or http(s) URL")
    return escape_text(url)


def logo_markup(brand: BrandData, theme: Theme, align: str) -> str:
    """The logo linking to the store, or the store's name set as a wordmark."""
    logo, home = safe_url(brand.logo_url), home_url(brand)
    link = f' href="{escape_text(home)}"'
    if logo:
        return (
            f'<mj-image src="{escape_text(logo)}" alt="{escape_text(brand.store_name)}"{link}'
            f' width="150px" align="{align}" padding="0" />'
        )
    return (
        f'<mj-text align="{align}" font-family="{escape_text(theme.heading_font)}"'
        f' font-size="24px" font-weight="700" letter-spacing="{theme.heading_spacing}"'
        f' color="{theme.text}" padding="0">{escape_text(brand.store_name)}</mj-text>'
    )


def banner_markup(brand: BrandData) -> str:
    """The brand's banner image, full width, or nothing when it has none."""
    banner, home = safe_url(brand.banner_url), home_url(brand)
    if not banner:
        return ""
    alt = f"{brand.store_name}: {brand.slogan}" if brand.slogan else brand.store_name
    return (
        f'<mj-image src="{escape_text(banner)}" alt="{escape_text(alt)}"'
        f' href="{escape_text(home)}" padding="0" />'
    )


def social_markup(brand: BrandData, theme: Theme) -> str:
    """Icons for the social links the brand gave (known networks, http(s) only)."""
    elements = []
    for network, url in brand.social_links.items():
        target = safe_url(url)
        name, label = _NETWORKS.get(network.strip().lower(), ("web-noshare", network.title()))
        if not target:
            continue
        elements.append(
            f'<mj-social-element name="{name}" href="{escape_text(target)}"'
            f' alt="{escape_text(label)}" title="{escape_text(label)}" />'
        )
    if not elements:
        return ""
    return (
        f'<mj-social mode="horizontal" align="center" icon-size="28px" border-radius="14px"'
        f' padding="4px 0 12px" font-family="{escape_text(theme.body_font)}">'
        + "".join(elements)
        + "</mj-social>"
    )


def address_markup(brand: BrandData, theme: Theme) -> str:
    """The postal address line, or nothing when the brand gave none."""
    line = brand.address.one_line() if brand.address else ""
    if not line:
        return ""
    return (
        f'<mj-text align="center" font-size="12px" line-height="1.6" color="{theme.footer_text}"'
        f' padding="0 24px 6px">{escape_text(brand.store_name)} · {escape_text(line)}</mj-text>'
    )


def unsubscribe_markup(brand: BrandData, theme: Theme, target: str) -> str:
    """Why the reader gets this email, and the unsubscribe link (as an ESP merge tag)."""
    return (
        f'<mj-text align="center" font-size="12px" line-height="1.6" color="{theme.footer_text}"'
        f' padding="0 24px 6px">You are receiving this email because you subscribed at'
        f" {escape_text(brand.store_name)}.<br />"
        f'<a href="{target}" style="color: {theme.footer_text}; text-decoration: underline;">'
        "Unsubscribe</a></mj-text>"
    )
