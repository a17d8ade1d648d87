"""The offline writer: deterministic, sensible copy with no network and no key.

It is the embedded default, so ``make run`` works anywhere, and the reference the other
providers are compared with. It writes from what the caller gave — the brand's name,
slogan and description, its products, the brief — and from phrase banks per email type,
choosing each value by the slot's role (kicker, headline, intro, body, note, button) and
its place in the email, so no two parts of one email repeat each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..domain import CopyField, EmailType, VariantBrief
from .ports import Usage, WrittenCopy


@dataclass(frozen=True)
class _Phrases:
    """What one email type says in its own voice; ``{name}`` is the store's name."""

    kickers: tuple[str, ...]
    headlines: tuple[str, ...]
    section_titles: tuple[str, ...]
    closing_lines: tuple[str, ...]
    buttons: tuple[str, ...]
    product_buttons: tuple[str, ...]
    links: tuple[str, ...]


_PHRASES = {
    EmailType.NEWSLETTER: _Phrases(
        kickers=("This month", "News", "From the team"),
        headlines=("News from {name}", "This month at {name}", "The {name} letter"),
        section_titles=("Inside this issue", "What we've been up to", "A closer look"),
        closing_lines=("There is more to discover at {name}.", "Come and see what's new."),
        buttons=("Read the full story", "Explore what's new", "Visit the shop"),
        product_buttons=("Discover", "Take a look", "Learn more"),
        links=("Read more", "Continue reading", "See the story"),
    ),
    EmailType.PRODUCT_GRID: _Phrases(
        kickers=("New arrivals", "Just in", "Picked for you"),
        headlines=("Fresh from {name}", "New at {name}", "Picked for you by {name}"),
        section_titles=("Why you'll love them", "Made to last", "The story behind them"),
        closing_lines=("See the whole collection online.", "Find your favourite at {name}."),
        buttons=("Shop the collection", "See every piece", "Browse new arrivals"),
        product_buttons=("Shop now", "View", "See details"),
        links=("See more", "Browse all", "View the range"),
    ),
    EmailType.PROMOTION: _Phrases(
        kickers=("Limited time", "Sale", "Special offer"),
        headlines=("A limited offer from {name}", "Don't miss this", "Our best prices"),
        section_titles=("What's included", "How it works", "The details"),
        closing_lines=("The offer ends soon. Don't miss out.", "Make it yours before it ends."),
        buttons=("Shop the sale", "Claim your offer", "Save now"),
        product_buttons=("Shop now", "Get the deal", "Buy now"),
        links=("See the sale", "Shop the offer", "View all deals"),
    ),
    EmailType.ABANDONED_CART: _Phrases(
        kickers=("Still thinking?", "Your cart", "Saved for you"),
        headlines=(
            "You left something behind",
            "Your cart at {name} is waiting",
            "Still thinking it over?",
        ),
        section_titles=("We saved your cart", "Ready when you are", "Your picks are waiting"),
        closing_lines=("Your cart is saved and ready.", "Pick up right where you left off."),
        buttons=("Complete your order", "Return to your cart", "Check out now"),
        product_buttons=("View item", "Back to cart", "See item"),
        links=("Go to your cart", "Finish checkout", "Return to cart"),
    ),
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def clip(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters at a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)].rsplit(" ", 1)[0].rstrip(",;:-")
    return (cut or text[: limit - 1]) + "…"


def _role(slot: str) -> str:
    """The kind of copy a slot wants, from its name (slot names are part of the library)."""
    for role, words in (
        ("alt", ("alt",)),
        ("button", ("button", "cta", "nav_label")),
        ("link", ("link",)),
        ("kicker", ("eyebrow", "kicker", "tag")),
        ("headline", ("headline", "title", "heading")),
        ("note", ("note", "caption")),
        ("intro", ("intro", "lead", "subtitle")),
    ):
        if any(word in slot for word in words):
            return role
    return "body"


class OfflineContentModel:
    """Writes copy from the request alone; results are labelled ``provider: offline``."""

    provider = "offline"
    model = "offline-writer-1"
    prompt_version = "offline-2"

    def write(self, brief: VariantBrief) -> WrittenCopy:
        values = {f.name: clip(self._value(brief, f), f.max_length) for f in brief.fields}
        # No model ran, so no tokens were consumed.
        return WrittenCopy(values=dict(values), usage=Usage())

    def _value(self, brief: VariantBrief, field: CopyField) -> str:
        request = brief.request
        brand = request.brand
        phrases = _PHRASES[request.email_type]
        sentences = [s for s in _SENTENCE_END.split(request.user_context.strip()) if s]
        first = sentences[0].rstrip(".!") if sentences else ""

        def pick(options: tuple[str, ...], shift: int = 0) -> str:
            chosen = options[(brief.variant_index + shift) % len(options)]
            return chosen.format(name=brand.store_name)

        if field.name == "subjectLine":
            if request.email_type is EmailType.PROMOTION and first:
                return first
            return pick(phrases.headlines)
        if field.name == "preheader":
            return request.user_context or brand.slogan or brand.description or brand.store_name
        slot = field.name.rsplit("__", 1)[-1]
        role = _role(slot)
        if role == "alt":
            return f"{brand.store_name}: {brand.slogan or request.email_type.value}"
        if role == "button":
            if field.position == "products":
                return pick(phrases.product_buttons)
            if field.position == "header":
                return "Shop" if request.email_type is not EmailType.NEWSLETTER else "Visit us"
            return pick(phrases.buttons)
        if role == "link":
            return pick(phrases.links)
        if role == "kicker":  # a second kicker further down says something else
            return pick(phrases.kickers, shift=0 if field.position == "hero" else 1)
        if role == "headline":
            if field.position == "hero":
                promo = request.email_type is EmailType.PROMOTION and first
                return first if promo else pick(phrases.headlines)
            if field.position == "cta":
                return pick(phrases.closing_lines)
            return pick(phrases.section_titles)
        if role == "note":
            return (
                sentences[-1] if len(sentences) > 1 else brand.slogan or pick(phrases.closing_lines)
            )
        if role == "intro":
            # a promotion's headline already states the brief's first sentence
            skip = 1 if request.email_type is EmailType.PROMOTION and len(sentences) > 1 else 0
            return " ".join(sentences[skip : skip + 2]) or brand.slogan or brand.description
        return self._body(brief, sentences)

    @staticmethod
    def _body(brief: VariantBrief, sentences: list[str]) -> str:
        """The main paragraph: the brand's story and, for carts, what is waiting."""
        request = brief.request
        brand = request.brand
        parts: list[str] = []
        if request.email_type is EmailType.ABANDONED_CART and brand.products:
            names = ", ".join(product.name for product in brand.products)
            parts.append(f"Your cart still holds {names}.")
        parts.append(brand.description or brand.slogan)
        parts.extend(sentences[2:])
        return " ".join(part.strip() for part in parts if part and part.strip()) or (
            " ".join(sentences) or brand.store_name
        )
