"""The generate request: the original service's fields, and the optional facts.

The request keeps the original service's field names so its callers can switch
without changes (the brand profile is ``brand.BrandData``). The optional facts (offer,
cart, stories, language, personalization) are checked here once, so everything
downstream can trust them: every link a caller gives is an http(s) URL on the store's
own hosts.

At the edge the request is read strictly: every string and list has a bound, a number
is never a bool (``variants: true`` is refused, not read as 1), every URL of the brand
(logo, banner, products, social links) passes ``web_addresses.safe_url`` (public host names
only: no IP address, no ``localhost``, no look-alike mixing scripts), and a brand colour
is one the themes can read (``contrast.normalise_colour``) or blank. A colour that is
not is refused (400 naming the field) at any length, rather than silently replaced by
the theme's: the caller learns their colour was not used. ``BrandData`` itself stays
tolerant of such values (the renderer drops them), so a stored or hand-built profile
can never break rendering.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import (
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from .brand import (
    COLOUR_FIELDS,
    COLOUR_MESSAGE,
    MAX_FREE_TEXT,
    MAX_URL,
    PUBLIC_URL_MESSAGE,
    BrandData,
    Lenient,
    store_hosts,
)
from .contrast import normalise_colour
from .language import detect_language
from .request_facts import Offer, Personalization, Story, blank_as_none, web_link
from .web_addresses import safe_url

MAX_BRIEF_CHARS = 20_000
"""Hard ceiling on ``userContext``; the configured cap (default 4,000) is enforced when
parsing a request, so stored requests stay readable if the cap is lowered later."""
MAX_STORIES = 4
MAX_VARIANTS = 5
"""Most variants one request may ask for (the worker sizes its jobs at once by it)."""
MAX_STORE_ID = 128
STORE_ID_PATTERN = r"^[A-Za-z0-9_.:-]+$"
"""What a ``storeId`` may hold (1 to ``MAX_STORE_ID`` of them): ASCII letters, digits
and ``_ . : -``, as the API document says. Not ``\\w``, which takes every script's
letters and digits: a store id partitions jobs and cache keys and travels in status
URLs, where look-alike letters from other scripts would pass for one another."""

# RFC 5646 language tag (without the grandfathered irregular forms): language[-extlang]
# [-script][-region](-variant)*(-extension)*[-privateuse], or a private-use tag alone.
_BCP47 = re.compile(
    r"(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|\d{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|\d[a-z0-9]{3}))*"
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"
    r"|x(?:-[a-z0-9]{1,8})+)",
    re.IGNORECASE | re.ASCII,
)
MAX_LANGUAGE_TAG = 35


class EmailType(StrEnum):
    """The four kinds of email the service writes."""

    NEWSLETTER = "Newsletter"
    PRODUCT_GRID = "Productgrid"
    PROMOTION = "Promotion"
    ABANDONED_CART = "AbandonedCart"

    @property
    def namespace(self) -> str:
        """Folder/namespace of this type's blocks in the library."""
        return self.value.lower()


def is_store_id(value: object) -> bool:
    """Whether ``value`` is a ``storeId`` as the API takes it (``STORE_ID_PATTERN``)."""
    return (
        isinstance(value, str)
        and len(value) <= MAX_STORE_ID
        and re.fullmatch(STORE_ID_PATTERN, value) is not None
    )


class GenerateRequest(Lenient):
    """``POST /api/email/generate`` body, compatible with the original service."""

    brand: BrandData = Field(alias="brandData")
    email_type: EmailType = Field(alias="emailType")
    user_context: str = Field(default="", alias="userContext", max_length=MAX_BRIEF_CHARS)
    tone: str = Field(default="", max_length=MAX_FREE_TEXT)
    image_context: str = Field(default="", alias="imageContext", max_length=MAX_FREE_TEXT)
    design_aesthetic: str = Field(default="", alias="designAesthetic", max_length=60)
    style_id: str = Field(default="", alias="styleId", max_length=60)
    store_id: str = Field(
        default="default",
        alias="storeId",
        min_length=1,
        max_length=MAX_STORE_ID,
        pattern=STORE_ID_PATTERN,
    )
    variants: int = Field(default=3, ge=1, le=MAX_VARIANTS, strict=True)
    offer: Offer | None = None
    cart_url: str | None = Field(default=None, alias="cartUrl", max_length=MAX_URL)
    stories: list[Story] | None = Field(default=None, min_length=1, max_length=MAX_STORIES)
    language: str | None = Field(default=None, max_length=MAX_LANGUAGE_TAG)
    personalization: Personalization | None = None

    @field_validator("offer", "cart_url", "language", "personalization", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if value == {} else blank_as_none(value)

    @field_validator("stories", mode="before")
    @classmethod
    def _no_stories(cls, value: Any) -> Any:
        return None if value == [] else value

    @field_validator("cart_url")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        return web_link(value)

    @field_validator("language")
    @classmethod
    def _language_tag(cls, value: str | None) -> str | None:
        """A well-formed BCP 47 tag, in its conventional case (``pt-BR``, ``zh-Hant``)."""
        if value is None:
            return None
        if not _BCP47.fullmatch(value):
            raise PydanticCustomError("language_tag", "must be a BCP 47 language tag, e.g. pt-BR")
        return _canonical_case(value)

    @model_validator(mode="after")
    def _links_stay_on_the_store(self) -> GenerateRequest:
        """Every link the caller gives must be on the store's hosts; the field is named.

        The brand's own URLs and colours are checked here too (see the module's notes).
        """
        hosts = store_hosts(self.brand)
        problems: list[InitErrorDetails] = [
            {
                "type": PydanticCustomError(
                    "foreign_host",
                    "must be a link on the store's site ({hosts})",
                    {"hosts": ", ".join(sorted(hosts))},
                ),
                "loc": loc,
                "input": url,
            }
            for loc, url in self.given_links()
            if safe_url(url, hosts) is None
        ]
        problems.extend(_brand_problems(self.brand))
        if problems:
            raise ValidationError.from_exception_data(type(self).__name__, problems)
        return self

    def given_links(self) -> list[tuple[tuple[str | int, ...], str]]:
        """The links the caller gave, each with its field's location (request aliases)."""
        links: list[tuple[tuple[str | int, ...], str]] = []
        if self.cart_url:
            links.append((("cartUrl",), self.cart_url))
        if self.offer is not None and self.offer.url:
            links.append((("offer", "url"), self.offer.url))
        for index, story in enumerate(self.stories or ()):
            if story.url:
                links.append((("stories", index, "url"), story.url))
        return links

    @property
    def aesthetic(self) -> str:
        """The requested theme: ``designAesthetic``, or its alias ``styleId``."""
        return self.design_aesthetic or self.style_id

    @property
    def hosts(self) -> frozenset[str]:
        """The store's own hosts (``store_hosts``)."""
        return store_hosts(self.brand)

    @property
    def writing_language(self) -> str | None:
        """The language to write in: ``language`` as given, else the one the caller's own
        words are written in when their script settles it (``None``: the brief's own)."""
        if self.language:
            return self.language
        parts = [self.user_context]
        if self.offer is not None:
            parts.append(self.offer.description)
        for story in self.stories or ():
            parts.extend((story.title or "", story.summary))
        return detect_language("\n".join(parts))


def _brand_problems(brand: BrandData) -> list[InitErrorDetails]:
    """The brand's URLs that are no public web address and its colours that are none."""
    urls: list[tuple[tuple[str | int, ...], str]] = [
        (("logo_url",), brand.logo_url),
        (("banner_url",), brand.banner_url),
    ]
    for index, product in enumerate(brand.products):
        urls += [(("products", index, "url"), product.url)]
        urls += [(("products", index, "image_url"), product.image_url)]
    urls += [(("social_links", network), link) for network, link in brand.social_links.items()]
    problems: list[InitErrorDetails] = [
        {
            "type": PydanticCustomError("url", PUBLIC_URL_MESSAGE),
            "loc": ("brandData", *loc),
            "input": url,
        }
        for loc, url in urls
        if url and safe_url(url) is None
    ]
    problems.extend(
        {
            "type": PydanticCustomError("colour", COLOUR_MESSAGE),
            "loc": ("brandData", name),
            "input": colour,
        }
        for name in COLOUR_FIELDS
        if (colour := getattr(brand, name)) and normalise_colour(colour) is None
    )
    return problems


def _canonical_case(tag: str) -> str:
    """BCP 47 case conventions: language lower, script title, region upper."""
    subtags = tag.split("-")
    out = [subtags[0].lower()]
    singleton = subtags[0].lower() == "x"
    for subtag in subtags[1:]:
        if singleton or len(subtag) == 1:
            singleton = True
            out.append(subtag.lower())
        elif len(subtag) == 4 and subtag.isalpha():
            out.append(subtag.title())
        elif len(subtag) == 2 and subtag.isalpha():
            out.append(subtag.upper())
        else:
            out.append(subtag.lower())
    return "-".join(out)
