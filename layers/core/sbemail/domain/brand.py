"""The brand profile: who sends the email, in the shape brand-profile services return.

Profiles carry far more than we use (logos, backdrops, nav links, stock info, ...); the
extra fields are accepted and dropped, so a profile can be passed on as it comes.

What is used is read strictly and bounded: every string has a maximum length, every list
a maximum count (fonts 10, products 6, social links 20 with names of at most 40
characters), a price is text or a finite number (never a bool), ``customHeroImage`` a
JSON bool. The store's address must be on a public host name (``web_addresses.public_host``).
The other URLs and the colours are checked where a request is read
(``models.GenerateRequest``): a profile held on its own stays tolerant of values the
renderer drops.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .brand_profiles import from_profile
from .web_addresses import host_of, safe_url

MAX_FREE_TEXT = 600
MAX_PRODUCTS = 6
MAX_FONTS = 10
MAX_URL = 2048
MAX_SOCIAL_LINKS = 20
MAX_NETWORK_NAME = 40
MAX_COLOUR = 40
COLOUR_FIELDS = ("primary_color", "text_color", "body_color", "button_color", "button_text_color")
COLOUR_MESSAGE = (
    "must be a colour: #rgb or #rrggbb (alpha forms accepted, '#' optional), "
    "rgb(r, g, b), black or white; leave it empty for the theme's"
)
PUBLIC_URL_MESSAGE = (
    "must be an absolute http(s) URL on a public host name "
    "(no IP address, no localhost, no look-alike name mixing scripts)"
)

NetworkName = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NETWORK_NAME)]
WebAddress = Annotated[str, StringConstraints(max_length=MAX_URL)]


class Lenient(BaseModel):
    """Accept and drop unknown fields: brand profiles carry far more than we use."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, str_strip_whitespace=True)


class Font(Lenient):
    usage: str = Field(default="", max_length=40)
    name: str = Field(default="", max_length=80)


class Product(Lenient):
    name: str = Field(min_length=1, max_length=120)
    url: str = Field(default="", max_length=MAX_URL)
    image_url: str = Field(default="", max_length=MAX_URL)
    description: str = Field(default="", max_length=MAX_FREE_TEXT)
    price: str = Field(default="", max_length=40)

    @field_validator("price", mode="before")
    @classmethod
    def _price_as_text(cls, value: Any) -> Any:
        """A price is text (``"$21"``) or a finite number (``21.5``), never a bool."""
        if isinstance(value, bool) or (isinstance(value, float) and not math.isfinite(value)):
            raise PydanticCustomError("price_type", "must be text or a finite number")
        return str(value) if isinstance(value, int | float) else value


class Address(Lenient):
    street: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    state_code: str = Field(default="", max_length=40)
    postal_code: str = Field(default="", max_length=40)
    country: str = Field(default="", max_length=100)

    def one_line(self) -> str:
        """The address as a single comma-separated line (empty parts skipped)."""
        region = " ".join(part for part in (self.state_code, self.postal_code) if part)
        parts = (self.street, self.city, region, self.country)
        return ", ".join(part for part in parts if part)


class BrandData(Lenient):
    store_name: str = Field(min_length=1, max_length=120)
    store_url: str = Field(min_length=1, max_length=MAX_URL)
    logo_url: str = Field(default="", max_length=MAX_URL)
    banner_url: str = Field(default="", max_length=MAX_URL)
    primary_color: str = Field(default="", max_length=MAX_COLOUR)
    text_color: str = Field(default="", max_length=MAX_COLOUR)
    body_color: str = Field(default="", max_length=MAX_COLOUR)
    button_color: str = Field(default="", max_length=MAX_COLOUR)
    button_text_color: str = Field(default="", max_length=MAX_COLOUR)
    fonts: list[Font] = Field(default_factory=list, max_length=MAX_FONTS)
    tone: str = Field(default="", max_length=MAX_FREE_TEXT)
    description: str = Field(default="", max_length=2000)
    slogan: str = Field(default="", max_length=200)
    social_links: dict[NetworkName, WebAddress] = Field(default_factory=dict)
    address: Address | None = None
    products: list[Product] = Field(default_factory=list, max_length=MAX_PRODUCTS)
    custom_hero_image: bool = Field(default=False, alias="customHeroImage", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _profile_lists(cls, value: Any) -> Any:
        """Brand.dev-style lists (fonts object, colours, logos, backdrops, socials)
        fill the flat fields a caller left out (``brand_profiles``)."""
        return from_profile(value)

    @field_validator("store_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        """Brand profiles often give a bare host; read it as https, refuse anything else."""
        candidate = value if "://" in value else "https://" + value.lstrip("/")
        if safe_url(candidate) is None:
            raise PydanticCustomError("url", "must be a bare host name, or " + PUBLIC_URL_MESSAGE)
        return candidate

    @field_validator(*COLOUR_FIELDS, mode="before")
    @classmethod
    def _colour_sized(cls, value: Any) -> Any:
        """Too long to be a colour: the same error as any other non-colour at the edge
        (``models.GenerateRequest``), whose check this profile model leaves to it."""
        if isinstance(value, str) and len(value.strip()) > MAX_COLOUR:
            raise PydanticCustomError("colour", COLOUR_MESSAGE)
        return value

    @field_validator("social_links", mode="before")
    @classmethod
    def _only_filled_links(cls, value: Any) -> Any:
        """At most ``MAX_SOCIAL_LINKS`` networks; a blank or ``null`` link means none."""
        if not isinstance(value, dict):
            return value
        if len(value) > MAX_SOCIAL_LINKS:
            raise PydanticCustomError(
                "too_many_links", "at most {limit} social links", {"limit": MAX_SOCIAL_LINKS}
            )
        return {
            key: link
            for key, link in value.items()
            if link is not None and not (isinstance(link, str) and not link.strip())
        }

    @field_validator("address", mode="before")
    @classmethod
    def _address_or_none(cls, value: Any) -> Any:
        return value if isinstance(value, dict) and value else None


def store_hosts(brand: BrandData) -> frozenset[str]:
    """The store's own hosts: its site's host and that host's ``www.`` twin.

    Subdomains count as well wherever hosts are compared (``web_addresses.host_allowed``), so
    ``blog.store.example`` is the store's; a social profile or a marketplace is not.
    """
    host = host_of(brand.store_url).rstrip(".")
    if not host:
        return frozenset()
    bare = host.removeprefix("www.")
    return frozenset({host, bare, f"www.{bare}"})
