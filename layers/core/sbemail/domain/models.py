"""Request and result models.

The request keeps the original service's field names so its callers can switch without
changes; brand profiles carry many extra fields (logos, backdrops, nav links, ...) which
are accepted and ignored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .safety import safe_url

MAX_FREE_TEXT = 600
MAX_PRODUCTS = 6


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


class _Lenient(BaseModel):
    """Accept and drop unknown fields: brand profiles carry far more than we use."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, str_strip_whitespace=True)


class Font(_Lenient):
    usage: str = ""
    name: str = Field(default="", max_length=80)


class Product(_Lenient):
    name: str = Field(min_length=1, max_length=120)
    url: str = Field(default="", max_length=2048)
    image_url: str = Field(default="", max_length=2048)
    description: str = Field(default="", max_length=MAX_FREE_TEXT)
    price: str = Field(default="", max_length=40)

    @field_validator("price", mode="before")
    @classmethod
    def _price_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value


class Address(_Lenient):
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


class BrandData(_Lenient):
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


class GenerateRequest(_Lenient):
    """``POST /api/email/generate`` body, compatible with the original service."""

    brand: BrandData = Field(alias="brandData")
    email_type: EmailType = Field(alias="emailType")
    user_context: str = Field(default="", alias="userContext", max_length=MAX_FREE_TEXT)
    tone: str = Field(default="", max_length=MAX_FREE_TEXT)
    image_context: str = Field(default="", alias="imageContext", max_length=MAX_FREE_TEXT)
    design_aesthetic: str = Field(default="", alias="designAesthetic", max_length=60)
    style_id: str = Field(default="", alias="styleId", max_length=60)
    store_id: str = Field(
        default="default", alias="storeId", min_length=1, max_length=128, pattern=r"^[\w.:-]+$"
    )
    variants: int = Field(default=3, ge=1, le=5)

    @property
    def aesthetic(self) -> str:
        """The requested theme: ``designAesthetic``, or its alias ``styleId``."""
        return self.design_aesthetic or self.style_id
