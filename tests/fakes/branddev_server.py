"""A fake Brand.dev on 127.0.0.1: ``GET /v1/brand/retrieve?domain=...`` as the real API
answers it, for testing brand lookup end to end.

A known domain gets ``{"status": "ok", "brand": {...}, "code": 200}`` with a profile
shaped like Brand.dev's (colours with names, logos with ``mode``/``type``/``colors``/
``resolution``, backdrops, socials, an address, a stock entry, fonts where the service
has them); an unknown one a 404 with ``{"status": "error", "message": ...}``; a request
without the expected bearer key a 401. Every request is counted per domain (``calls``).

Faults are scripted per domain (``faults``): each request for the domain takes the next
one — ``500``, ``503``, ``429`` (with ``Retry-After: 0``), ``garbage`` (a 200 that is not
JSON), ``slow`` (the answer after ``slow_seconds``, within the client's timeout) or
``hang`` (no answer for ``hang_seconds``, past the client's timeout) — and
``ok`` or an exhausted script answers normally; ``always`` gives a domain one fault for
every request.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .http_fake import FakeHandler, LoopbackServer

API_KEY = "bd-test-key"

# Invented brands (our own data), shaped like the real API's answers.
FULL_PROFILE: dict[str, Any] = {
    "domain": "larkspur-goods.example",
    "title": "Larkspur Goods",
    "description": (
        "Larkspur Goods makes canvas bags and workwear in a small mill town, mended for "
        "free for as long as you own them."
    ),
    "slogan": "Made to be mended.",
    "colors": [
        {"hex": "#1d3557", "name": "Prussian Night"},
        {"hex": "#f1faee", "name": "Honeydew"},
        {"hex": "#e63946", "name": "Imperial Red"},
    ],
    "logos": [
        {
            "url": "https://media.larkspur-goods.example/icon-dark.png",
            "mode": "dark",
            "type": "icon",
            "colors": [{"hex": "#f1faee", "name": "Honeydew"}],
            "resolution": {"width": 256, "height": 256, "aspect_ratio": 1.0},
        },
        {
            "url": "https://media.larkspur-goods.example/logo-light.png",
            "mode": "light",
            "type": "logo",
            "colors": [{"hex": "#1d3557", "name": "Prussian Night"}],
            "resolution": {"width": 600, "height": 150, "aspect_ratio": 4.0},
        },
    ],
    "backdrops": [
        {
            "url": "https://media.larkspur-goods.example/mill.jpg",
            "colors": [{"hex": "#1d3557", "name": "Prussian Night"}],
            "resolution": {"width": 1800, "height": 600, "aspect_ratio": 3.0},
        }
    ],
    "socials": [
        {"type": "instagram", "url": "https://instagram.com/larkspurgoods"},
        {"type": "facebook", "url": "https://facebook.com/larkspurgoods"},
    ],
    "address": {
        "street": "4 Mill Lane",
        "city": "Hebden",
        "country": "United Kingdom",
        "country_code": "GB",
        "state_province": "West Yorkshire",
        "state_code": "WYK",
        "postal_code": "HX7 8AA",
    },
    "stock": {"ticker": None, "exchange": None},
    "fonts": [{"usage": "title", "name": "Fraunces"}, {"usage": "body", "name": "Inter"}],
    "industries": {"eic": [{"industry": "Retail", "subindustry": "Apparel"}]},
    "links": {"careers": None, "privacy": "https://larkspur-goods.example/privacy"},
}

# What a young or small site often gets: a title and a favicon, nothing else.
SPARSE_PROFILE: dict[str, Any] = {
    "domain": "tiny-kiln.example",
    "title": "Tiny Kiln",
    "description": None,
    "slogan": None,
    "colors": [],
    "logos": [{"url": "https://tiny-kiln.example/favicon.png", "mode": "has_opaque_background"}],
    "backdrops": [],
    "socials": [],
    "address": None,
}

# Third-party text that tries what callers' text may not: hidden characters, template
# syntax, markup, and links that are no public address.
HOSTILE_PROFILE: dict[str, Any] = {
    "domain": "odd-mart.example",
    "title": "Odd\u200b Mart {{ discount }}",
    "description": "<script>alert(1)</script> Deals *|FNAME|* daily.",
    "colors": [{"hex": "javascript:red", "name": "x"}, {"hex": "#0a0", "name": "Green"}],
    "logos": [
        {"url": "javascript:alert(1)", "mode": "light", "type": "logo"},
        {"url": "http://127.0.0.1/logo.png", "mode": "light", "type": "logo"},
        {"url": "https://cdn.odd-mart.example/logo.png", "mode": "dark", "type": "logo"},
    ],
    "backdrops": [{"url": "https://localhost/banner.jpg"}],
    "socials": [{"type": "instagram", "url": "data:text/html,hi"}],
}

PROFILES: dict[str, dict[str, Any]] = {
    "larkspur-goods.example": FULL_PROFILE,
    "tiny-kiln.example": SPARSE_PROFILE,
    "odd-mart.example": HOSTILE_PROFILE,
}


@dataclass
class FakeBrandDev:
    """The fake's state: its profiles, scripted faults and the requests it counted."""

    url: str = ""
    profiles: dict[str, dict[str, Any]] = field(default_factory=lambda: copy.deepcopy(PROFILES))
    faults: dict[str, list[str]] = field(default_factory=dict)
    always: dict[str, str] = field(default_factory=dict)
    hang_seconds: float = 3.0
    slow_seconds: float = 0.3
    calls: Counter[str] = field(default_factory=Counter)
    authorizations: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_fault(self, domain: str) -> str:
        with self.lock:
            self.calls[domain] += 1
            if domain in self.always:
                return self.always[domain]
            script = self.faults.get(domain)
            return script.pop(0) if script else "ok"


def _handler(fake: FakeBrandDev) -> type[FakeHandler]:
    class Handler(FakeHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            domain = parse_qs(parts.query).get("domain", [""])[0]
            if parts.path != "/v1/brand/retrieve":
                self._json(404, {"status": "error", "message": "no such endpoint"})
                return
            authorization = self.headers.get("Authorization", "")
            with fake.lock:
                fake.authorizations.append(authorization)
            if authorization != f"Bearer {API_KEY}":
                self._json(401, {"status": "error", "message": "Invalid API key"})
                return
            if not domain:
                self._json(400, {"status": "error", "message": "domain is required"})
                return
            fault = fake.next_fault(domain)
            if fault in ("hang", "slow"):
                time.sleep(fake.hang_seconds if fault == "hang" else fake.slow_seconds)
                fault = "ok"
            if fault in ("500", "503"):
                self._json(int(fault), {"status": "error", "message": "Upstream crawl failed"})
            elif fault == "429":
                self._json(
                    429, {"status": "error", "message": "Rate limit exceeded"}, {"Retry-After": "0"}
                )
            elif fault == "garbage":
                self._send(200, b"<html>Bad gateway</html>", "text/html")
            elif domain in fake.profiles:
                self._json(200, {"status": "ok", "brand": fake.profiles[domain], "code": 200})
            else:
                message = f"No brand data found for {domain}"
                self._json(404, {"status": "error", "message": message, "code": 404})

        def _json(
            self, status: int, document: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            self._send(status, json.dumps(document).encode(), "application/json", headers)

    return Handler


@contextmanager
def running_branddev(fake: FakeBrandDev | None = None) -> Iterator[FakeBrandDev]:
    """The fake, serving on a free loopback port until the block ends."""
    fake = fake or FakeBrandDev()
    with LoopbackServer(_handler(fake)) as server:
        fake.url = server.url
        yield fake
