"""The offline writer: deterministic, sensible copy with no network and no key.

It is the embedded default, so ``make run`` works anywhere, and the reference the other
providers are compared with. It writes from what the caller gave: the brand's name,
slogan, description and products, the brief, and calls to action suited to the email type.
"""

from __future__ import annotations

import hashlib

from ..domain import CopyField, EmailType, VariantBrief
from .ports import Usage, WrittenCopy

_CALLS_TO_ACTION = {
    EmailType.NEWSLETTER: ("Read the full story", "Explore what's new", "Visit the shop"),
    EmailType.PRODUCT_GRID: ("Shop the collection", "See every piece", "Browse new arrivals"),
    EmailType.PROMOTION: ("Shop the sale", "Claim your offer", "Save now"),
    EmailType.ABANDONED_CART: ("Complete your order", "Return to your cart", "Check out now"),
}
_HEADLINES = {
    EmailType.NEWSLETTER: ("News from {name}", "This month at {name}", "The {name} letter"),
    EmailType.PRODUCT_GRID: ("Fresh from {name}", "New at {name}", "Picked for you by {name}"),
    EmailType.PROMOTION: ("{brief}", "A limited offer from {name}", "Don't miss this, from {name}"),
    EmailType.ABANDONED_CART: (
        "You left something behind",
        "Your cart at {name} is waiting",
        "Still thinking it over?",
    ),
}


def clip(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters at a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)].rsplit(" ", 1)[0].rstrip(",;:-")
    return (cut or text[: limit - 1]) + "…"


class OfflineContentModel:
    """Writes copy from the request alone; results are labelled ``provider: offline``."""

    provider = "offline"
    model = "offline-writer-1"
    prompt_version = "offline-1"

    def write(self, brief: VariantBrief) -> WrittenCopy:
        values = {f.name: clip(self._value(brief, f), f.max_length) for f in brief.fields}
        # No model ran, so no tokens were consumed.
        return WrittenCopy(values=dict(values), usage=Usage())

    def _value(self, brief: VariantBrief, field: CopyField) -> str:
        request = brief.request
        brand = request.brand
        name = brand.store_name
        first_sentence = request.user_context.split(". ")[0].rstrip(".")
        pick = self._picker(brief, field.name)
        slot = field.name.rsplit("__", 1)[-1]
        kind = request.email_type
        if field.name == "subjectLine":
            return pick(_HEADLINES[kind]).format(name=name, brief=first_sentence or name)
        if field.name == "preheader":
            return request.user_context or brand.slogan or brand.description or name
        if "alt" in slot:
            return f"{name}: {brand.slogan or kind.value.lower()}"
        if any(word in slot for word in ("cta", "button", "label")):
            return pick(_CALLS_TO_ACTION[kind])
        if any(word in slot for word in ("eyebrow", "kicker", "tag")):
            return brand.slogan or name
        if any(word in slot for word in ("headline", "title", "heading")):
            if field.position == "hero":
                return pick(_HEADLINES[kind]).format(name=name, brief=first_sentence or name)
            return brand.slogan or f"From the {name} team"
        return self._paragraph(brief)

    @staticmethod
    def _paragraph(brief: VariantBrief) -> str:
        request = brief.request
        brand = request.brand
        parts = [request.user_context]
        if request.email_type is EmailType.ABANDONED_CART and brand.products:
            names = ", ".join(p.name for p in brand.products)
            parts.append(f"Your cart still holds {names}.")
        elif brand.description:
            parts.append(brand.description)
        return " ".join(part.strip() for part in parts if part.strip()) or brand.store_name

    @staticmethod
    def _picker(brief: VariantBrief, salt: str):  # type: ignore[no-untyped-def]
        seed = f"{brief.variant_index}:{salt}:{brief.layout.id}".encode()
        number = int.from_bytes(hashlib.sha256(seed).digest()[:4], "big")
        return lambda options: options[(number + brief.variant_index) % len(options)]
