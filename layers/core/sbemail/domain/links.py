"""Where an email's links may point, and which link sits behind each position's button.

Links only ever point at the store's own hosts, its declared social profiles and its
products' pages. Each position's button takes the most specific link the caller gave:
the cart for a cart reminder, the offer's page for an offer, a story's own page for
that story; the store's home only when none is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from .brand import BrandData
from .brand_markup import home_url
from .facts import EmailFacts
from .web_addresses import host_of, safe_url


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


def position_link(position: str, facts: EmailFacts, policy: LinkPolicy, home: str) -> str:
    """The target of ``position``'s button or link (``link.url`` in blocks)."""
    if position.startswith("story_"):
        number = int(position.removeprefix("story_") or 0)
        return policy.link(facts.story_url(number), home)
    return policy.link(facts.primary_url, home)
