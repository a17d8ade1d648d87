"""Choosing layouts: one block per position, varied across a request's variants.

A layout is header → hero → (greeting) → (offer) → divider → content, stories or
products → divider → CTA → footer. Which optional positions appear follows from the
request's facts (``LayoutFacts``): a greeting only with a merge tag, an offer box only
with an offer, one story block per story. Selection is seeded from the request, so
identical requests get identical layouts, and no block repeats in the same position
across variants while alternatives remain.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from .blocks import Block, BlockLibrary
from .models import EmailType

MAX_STORIES = 4


@dataclass(frozen=True)
class LayoutFacts:
    """What a request has that decides its layout's positions and blocks."""

    products: int = 0
    stories: int = 0
    offer: bool = False
    personalized: bool = False
    available: frozenset[str] = frozenset()  # facts blocks may require (``offer.code``)


@dataclass(frozen=True)
class Position:
    """A place in the layout and the library section that fills it."""

    name: str
    section: str


_HEADER = Position("header", "header")
_HERO = Position("hero", "hero")
_GREETING = Position("greeting", "greeting")
_OFFER = Position("offer", "offer")
_DIVIDER_TOP = Position("divider_top", "divider")
_TAIL = (
    Position("divider_bottom", "divider"),
    Position("cta", "cta"),
    Position("footer", "footer"),
)
_CONTENT = Position("content", "content")
_PRODUCTS = Position("products", "products")
_STORIES = tuple(Position(f"story_{n}", "story") for n in range(1, MAX_STORIES + 1))
_BODY = {
    EmailType.NEWSLETTER: (_CONTENT,),
    EmailType.PRODUCT_GRID: (_PRODUCTS, _CONTENT),
    EmailType.PROMOTION: (_CONTENT, _PRODUCTS),
    EmailType.ABANDONED_CART: (_PRODUCTS, _CONTENT),
}


@dataclass(frozen=True)
class Layout:
    """The blocks of one variant, in reading order, keyed by position name."""

    positions: tuple[tuple[str, Block], ...]

    @property
    def id(self) -> str:
        digest = hashlib.sha256("|".join(b.id for _, b in self.positions).encode())
        return digest.hexdigest()[:10]

    @property
    def block_ids(self) -> list[str]:
        return [block.id for _, block in self.positions]


def positions_for(email_type: EmailType, facts: LayoutFacts | int) -> tuple[Position, ...]:
    """The positions of a layout for this type and these facts (an ``int``: products).

    No product section without products, no offer box without an offer, no greeting
    without a merge tag; a newsletter with stories shows one story block per story
    instead of its single content block.
    """
    facts = facts if isinstance(facts, LayoutFacts) else LayoutFacts(products=facts)
    head = [_HEADER, _HERO]
    if facts.personalized:
        head.append(_GREETING)
    if facts.offer:
        head.append(_OFFER)
    body: tuple[Position, ...] = tuple(
        p for p in _BODY[email_type] if p.section != "products" or facts.products > 0
    )
    if email_type is EmailType.NEWSLETTER and facts.stories:
        body = _STORIES[: min(facts.stories, MAX_STORIES)]
    return (*head, _DIVIDER_TOP, *body, *_TAIL)


def schema_positions(
    email_type: EmailType, facts: LayoutFacts | None = None
) -> tuple[Position, ...]:
    """The positions a layout of this type can have: the scope of its copy schema.

    With ``facts``, only those a layout for these facts has (no offer box without an
    offer, no fourth story for three): a schema that asks for nothing the email cannot
    show. It still does not depend on the brief or the layout drawn, so every job of a
    brand and type asks with the same schema (and the same cached prompt prefix).
    Without ``facts``, every position the type can ever have.
    """
    if facts is not None:
        return tuple(p for p in positions_for(email_type, facts) if p.section != "divider")
    stories = _STORIES if email_type is EmailType.NEWSLETTER else ()
    return (
        _HEADER,
        _HERO,
        _GREETING,
        _OFFER,
        *_BODY[email_type],
        *(p for p in stories if p not in _BODY[email_type]),
        *_TAIL,
    )


def product_blocks(candidates: list[Block], product_count: int) -> list[Block]:
    """Product sections that show exactly ``product_count`` products.

    A block shows each of its products (checked when the library loads), so anything
    but an exact match would either drop a product or leave an empty card; the
    library carries blocks for every count from 1 to 6 (checked by its tests).
    """
    return [b for b in candidates if b.products == product_count]


def choose_layouts(
    library: BlockLibrary,
    email_type: EmailType,
    facts: LayoutFacts | int,
    count: int,
    seed: str,
) -> list[Layout]:
    """``count`` layouts for a request; ``seed`` makes the choice repeatable.

    ``facts`` may be just the number of products. Every story of one email uses the
    same story block (a newsletter reads as one design), varied across variants.
    """
    facts = facts if isinstance(facts, LayoutFacts) else LayoutFacts(products=facts)
    rng = random.Random(seed)
    used: dict[str, set[str]] = {}
    layouts: list[Layout] = []
    for _ in range(count):
        chosen: list[tuple[str, Block]] = []
        picked: dict[str, Block] = {}  # section → block, for repeated sections (stories)
        for position in positions_for(email_type, facts):
            key = "story" if position.section == "story" else position.name
            if key in picked:
                chosen.append((position.name, picked[key]))
                continue
            options = _options(library, email_type, position, facts)
            seen = used.setdefault(key, set())
            fresh = [b for b in options if b.id not in seen] or options
            block = rng.choice(sorted(fresh, key=lambda b: b.id))
            seen.add(block.id)
            picked[key] = block
            chosen.append((position.name, block))
        layouts.append(Layout(tuple(chosen)))
    return layouts


def position_blocks(
    library: BlockLibrary, email_type: EmailType, position: Position, facts: LayoutFacts
) -> list[Block]:
    """The blocks a layout for ``facts`` may put at ``position`` (the schema's scope)."""
    return _options(library, email_type, position, facts)


def _options(
    library: BlockLibrary, email_type: EmailType, position: Position, facts: LayoutFacts
) -> list[Block]:
    """The blocks that can fill ``position``: they show every product and have what
    they require, preferring those that show the most of the facts given."""
    options = library.candidates(email_type.namespace, position.section)
    if position.section == "products":
        options = product_blocks(options, facts.products)
    options = [b for b in options if b.requires <= facts.available]
    if not options:
        raise LookupError(f"no {position.section} block for {email_type.value}")
    most = max(len(b.requires) for b in options)
    return [b for b in options if len(b.requires) == most]
