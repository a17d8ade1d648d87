"""Choosing layouts: one block per position, varied across a request's variants.

A layout is header → hero → divider → content (or products) → divider → CTA → footer.
Selection is seeded from the request, so identical requests get identical layouts, and
no block repeats in the same position across variants while alternatives remain.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from .blocks import Block, BlockLibrary
from .models import EmailType


@dataclass(frozen=True)
class Position:
    """A place in the layout and the library section that fills it."""

    name: str
    section: str


_HEAD = (Position("header", "header"), Position("hero", "hero"), Position("divider_top", "divider"))
_TAIL = (
    Position("divider_bottom", "divider"),
    Position("cta", "cta"),
    Position("footer", "footer"),
)
_CONTENT = Position("content", "content")
_PRODUCTS = Position("products", "products")
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


def positions_for(email_type: EmailType, product_count: int) -> tuple[Position, ...]:
    """The positions of a layout for this type (no product section without products)."""
    body = tuple(p for p in _BODY[email_type] if p.section != "products" or product_count > 0)
    return _HEAD + body + _TAIL


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
    product_count: int,
    count: int,
    seed: str,
) -> list[Layout]:
    """``count`` layouts for a request; ``seed`` makes the choice repeatable."""
    rng = random.Random(seed)
    used: dict[str, set[str]] = {}
    layouts: list[Layout] = []
    for _ in range(count):
        chosen: list[tuple[str, Block]] = []
        for position in positions_for(email_type, product_count):
            options = library.candidates(email_type.namespace, position.section)
            if position.section == "products":
                options = product_blocks(options, product_count)
            if not options:
                raise LookupError(f"no {position.section} block for {email_type.value}")
            seen = used.setdefault(position.name, set())
            fresh = [b for b in options if b.id not in seen] or options
            block = rng.choice(sorted(fresh, key=lambda b: b.id))
            seen.add(block.id)
            chosen.append((position.name, block))
        layouts.append(Layout(tuple(chosen)))
    return layouts
