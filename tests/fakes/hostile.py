"""The hostile corpus: foreign addresses planted in every free-text field of a request.

One place for unit, integration and browser tests, so each proves the same thing: no
URL, domain or email address that is not the store's ever reaches an email (MJML,
HTML, text part, subject or preheader). Mail clients turn bare ``evil.example`` and
``x@evil.example`` into live links, so text is as dangerous as an ``href``.
"""

from __future__ import annotations

import copy
from typing import Any

FOREIGN_HOSTS = ("evil.example", "phish.test", "tracker.invalid", "bad-actor.io")
PAYLOADS = (
    "visit http://evil.example/phish now",
    "see www.phish.test/login",
    "write to refunds@tracker.invalid",
    "or go to bad-actor.io",
)
PLANTED = " ".join(PAYLOADS)
"""All four forms in one string: a URL, a ``www.`` form, an email address, a bare domain."""


def plant(text: str) -> str:
    """``text`` with every foreign form added."""
    return f"{text} {PLANTED}".strip()


def hostile_request(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with foreign addresses in every free-text field a caller controls."""
    hostile = copy.deepcopy(body)
    brand = hostile["brandData"]
    for key in ("description", "slogan", "tone"):
        brand[key] = plant(brand.get(key, ""))[: 190 if key == "slogan" else 600]
    for product in brand.get("products", []):
        product["description"] = plant(product.get("description", ""))
        product["name"] = (product["name"] + " bad-actor.io")[:120]
    if brand.get("address"):
        brand["address"]["street"] = plant(brand["address"].get("street", ""))[:200]
    hostile["userContext"] = plant(hostile.get("userContext", ""))
    hostile["tone"] = plant(hostile.get("tone", ""))[:600]
    hostile["imageContext"] = plant("a snowy ridge")
    if "offer" in hostile:
        hostile["offer"]["description"] = plant(hostile["offer"]["description"])[:300]
        hostile["offer"]["terms"] = plant(hostile["offer"].get("terms", ""))[:300]
    hostile["stories"] = (
        [
            {"title": "Roastery news phish.test", "summary": plant("The roastery opens Saturday.")},
            {"summary": plant("New beans arrive.")},
        ]
        if hostile.get("emailType") == "Newsletter"
        else hostile.get("stories")
    )
    if hostile["stories"] is None:
        del hostile["stories"]
    return hostile


def foreign_in(text: str) -> list[str]:
    """The foreign hosts ``text`` still names (case-insensitive)."""
    lowered = text.lower()
    return [host for host in FOREIGN_HOSTS if host in lowered]
