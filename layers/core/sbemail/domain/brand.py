"""The brand profile: who sends the email, in the shape brand-profile services return.

Profiles carry far more than we use (logos, backdrops, nav links, stock info, ...); the
extra fields are accepted and dropped, so a profile can be passed on as it comes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .safety import host_of, safe_url

MAX_FREE_TEXT = 600
MAX_PRODUCTS = 6


class Lenient(BaseModel):
    """Accept and drop unknown fields: brand profiles carry far more than we use."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, str_strip_whitespace=True)


class Font(Lenient):
    usage: str = ""
    name: str = Field(default="", max_length=80)


class Product(Lenient):
    name: str = Field(min_length=1, max_length=120)
    url: str = Field(default="", max_length=2048)
    image_url: str = Field(default="", max_length=2048)
    description: str = Field(default="", max_length=MAX_FREE_TEXT)
    price: str = Field(default="", max_length=40)

    @field_validator("price", mode="before")
    @classmethod
    def _price_as_text(cls, value: Any) -> Any:
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
    store_url: str = Field(min_length=1, max_length=2048)
    logo_url: str = Field(default="", max_length=2048)
    banner_url: str = Field(default="", max_length=2048)
    primary_color: str = Field(default="", max_length=40)
    text_color: str = Field(default="", max_length=40)
    body_color: str = Field(default="", max_length=40)
    button_color: str = Field(default="", max_length=40)
    button_text_color: str = Field(default="", max_length=40)
    fonts: list[Font] = Field(default_factory=list, max_length=10)
    tone: str = Field(default="", max_length=MAX_FREE_TEXT)
    description: str = Field(default="", max_length=2000)
    slogan: str = Field(default="", max_length=200)
    social_links: dict[str, str] = Field(default_factory=dict)
    address: Address | None = None
    products: list[Product] = Field(default_factory=list, max_length=MAX_PRODUCTS)
    custom_hero_image: bool = Field(default=False, alias="customHeroImage")

    @field_validator("store_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        """Brand profiles often give a bare host; read it as https, refuse anything else."""
        candidate = value if "://" in value else "https://" + value.lstrip("/")
        if safe_url(candidate) is None:
            raise ValueError("must be an http(s) URL or a bare host name")
        return candidate

    @field_validator("social_links", mode="before")
    @classmethod
    def _only_filled_links(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): str(v) for k, v in value.items() if isinstance(v, str) and v.strip()}
        return value

    @field_validator("address", mode="before")
    @classmethod
    def _address_or_none(cls, value: Any) -> Any:
        return value if isinstance(value, dict) and value else None


def store_hosts(brand: BrandData) -> frozenset[str]:
    """The store's own hosts: its site's host and that host's ``www.`` twin.

    Subdomains count as well wherever hosts are compared (``safety.host_allowed``), so
    ``blog.store.example`` is the store's; a social profile or a marketplace is not.
    """
    host = host_of(brand.store_url).rstrip(".")
    if not host:
        return frozenset()
    bare = host.removeprefix("www.")
    return frozenset({host, bare, f"www.{bare}"})
