"""The hostile corpus: foreign addresses, template syntax and invisible characters
planted in every free-text field of a request, markup and links that are no web
address.

One place for unit, integration and browser tests, so each proves the same thing: no
URL, domain or email address that is not the store's ever reaches an email (MJML,
HTML, text part, subject or preheader). Mail clients turn bare ``evil.example`` and
``x@evil.example`` into live links, so text is as dangerous as an ``href``. Likewise no
email platform's template syntax (``TEMPLATE_PAYLOADS``: the sender's platform would
expand it) and no invisible or bidi-control character (``INVISIBLE``) may survive.
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


TEMPLATE_PAYLOADS = (
    # Mailchimp merge fields and conditionals
    "*|FNAME|* *|EMAIL|* *|IF:PWNED|*x*|END:IF|*",
    # Klaviyo / Django / Jinja / HubSpot HubL / Braze and Customer.io Liquid
    "{{ person.email }} {% if pwned %}y{% endif %} {# pwned #} {{ contact.email }}",
    "{% connected_content https://evil.example/pwned :save x %}",
    "{{${email_address}}}",
    # Iterable / SendGrid / Handlebars: double and triple stash, comments, blocks
    "{{{pwned_html}}} {{#each pwned}}z{{/each}} {{!-- pwned --}}",
    # Salesforce Marketing Cloud: personalisation strings and AMPscript blocks
    "%%FirstName%% %%emailaddr%% %%[SET @pwned=1]%% %%=v(@pwned)=%%",
    # ActiveCampaign personalisation tags, Mailgun recipient variables
    "%FIRSTNAME% %EMAIL% %UNSUBSCRIBELINK% %recipient.pwned%",
    # Campaign Monitor / Sendy
    "[firstname] [email,fallback=you] [pwned,fallback=x] [unsubscribe]",
    # Mailjet, Constant Contact, Adobe Campaign, FreeMarker / Marketo
    "[[pwned]] [[FIRSTNAME OR 'x']] <%= recipient.pwned %> ${pwned}",
    # nested and overlapping delimiters
    "{{{{pwned}}}} %%%%pwned%%%% *|*|PWNED|*|* {%%} {{%pwned%}} [[[email]]]",
)
"""Template syntax of every common email platform: none of it may stay expandable."""
INVISIBLE = (
    "\x00",  # NUL
    "\x1b",  # ESC
    "\x07",  # BEL
    "\x85",  # NEL (C1)
    "\u00ad",  # soft hyphen
    "\u034f",  # combining grapheme joiner
    "\u061c",  # Arabic letter mark
    "\u180e",  # Mongolian vowel separator
    "\u200b",  # zero-width space
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u2028",  # line separator
    "\u202a",  # left-to-right embedding
    "\u202e",  # right-to-left override
    "\u2060",  # word joiner
    "\u2066",  # left-to-right isolate
    "\u2067",  # right-to-left isolate
    "\u2068",  # first strong isolate
    "\u2069",  # pop directional isolate
    "\u3164",  # Hangul filler
    "\ufeff",  # byte-order mark
    "\U000e0001",  # language tag
    "\U000e0041",  # tag latin capital a ("ASCII smuggling")
    "\U000e007f",  # cancel tag
)
"""Control, bidi-control and invisible characters: none may reach an email."""
TEMPLATE_PLANTED = "in" + "vi".join(INVISIBLE) + "sible " + " ".join(TEMPLATE_PAYLOADS)
"""Every invisible character inside one word, then every template payload."""
MARKUP_PAYLOADS = (
    '<img src=x onerror="window.pwned=1">',
    '"><script>window.pwned=2</script>',
    '<a href="https://evil.example/">x</a>',
    "</mj-text><mj-raw><script>window.pwned=3</script></mj-raw>",
)
"""Markup a caller or a model may send (an element, an attribute breakout, a link, an
MJML breakout): it stays text, never an element, script or link."""
UNSAFE_URLS = (
    "javascript:alert(1)",
    "data:text/html,x",
    "vbscript:msgbox(1)",
    "ftp://evil.example",
)
"""Links that are no web address: refused at the edge, dropped by the renderer."""


def plant(text: str, payload: str = PLANTED) -> str:
    """``text`` with ``payload`` added (by default every foreign form)."""
    return f"{text} {payload}".strip()


def hostile_request(body: dict[str, Any], payload: str = PLANTED) -> dict[str, Any]:
    """``body`` with ``payload`` (by default foreign addresses) in every free-text field
    a caller controls."""
    hostile = copy.deepcopy(body)
    brand = hostile["brandData"]
    short = "bad-actor.io" if payload == PLANTED else "*|PWNED|* {{pwned}} %%pwned%%\u202e"
    for key in ("description", "slogan", "tone"):
        brand[key] = plant(brand.get(key, ""), payload)[: 190 if key == "slogan" else 600]
    for product in brand.get("products", []):
        product["description"] = plant(product.get("description", ""), payload)[:600]
        product["name"] = (product["name"] + " " + short)[:120]
    if brand.get("address"):
        brand["address"]["street"] = plant(brand["address"].get("street", ""), payload)[:200]
    hostile["userContext"] = plant(hostile.get("userContext", ""), payload)
    hostile["tone"] = plant(hostile.get("tone", ""), payload)[:600]
    hostile["imageContext"] = plant("a snowy ridge", payload)[:600]
    if "offer" in hostile:
        offer = hostile["offer"]
        offer["description"] = plant(offer["description"], payload)[:300]
        offer["terms"] = plant(offer.get("terms", ""), payload)[:300]
    hostile["stories"] = (
        [
            {
                "title": f"Roastery news {short}",
                "summary": plant("The roastery opens Saturday.", payload),
            },
            {"summary": plant("New beans arrive.", payload)},
        ]
        if hostile.get("emailType") == "Newsletter"
        else hostile.get("stories")
    )
    if hostile["stories"] is None:
        del hostile["stories"]
    return hostile


def template_request(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with template syntax and invisible characters in every free-text field."""
    return hostile_request(body, TEMPLATE_PLANTED)


def foreign_in(text: str) -> list[str]:
    """The foreign hosts ``text`` still names (case-insensitive)."""
    lowered = text.lower()
    return [host for host in FOREIGN_HOSTS if host in lowered]
