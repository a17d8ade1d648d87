"""The optional facts of a generate request that are objects of their own: the offer,
newsletter stories and the reader's personalization.

Each is checked here once, so everything downstream can trust it: a link is an http(s)
URL on a public host (``web_link``; ``models.GenerateRequest`` then holds it to the
store's own hosts), an offer code is typeable, an end date parses, and the first-name
merge tag is one of the forms ``merge_tags`` knows.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from .brand import MAX_URL, PUBLIC_URL_MESSAGE, Lenient
from .merge_tags import MAX_MERGE_TAG_CHARS, is_merge_tag, is_plain_text
from .web_addresses import safe_url

_OFFER_CODE = re.compile(r"[\w-]+")
_ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE | re.ASCII,
)


def blank_as_none(value: Any) -> Any:
    """Callers send ``""`` or ``null`` for a fact they do not have: both mean absent."""
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def web_link(value: str | None) -> str | None:
    """A link as given, if it is one an email may carry (``safe_url``); else the field's
    error, so the caller's 400 names it."""
    if value is not None and safe_url(value) is None:
        raise PydanticCustomError("url", PUBLIC_URL_MESSAGE)
    return value


class Offer(Lenient):
    """What the email offers: described in words, optionally a code, an end, terms, a page."""

    description: str = Field(min_length=1, max_length=300)
    code: str | None = Field(default=None, min_length=1, max_length=40)
    ends_at: str | None = Field(default=None, alias="endsAt", max_length=40)
    terms: str | None = Field(default=None, max_length=300)
    url: str | None = Field(default=None, max_length=MAX_URL)

    @field_validator("code", "ends_at", "terms", "url", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return blank_as_none(value)

    @field_validator("code")
    @classmethod
    def _typeable_code(cls, value: str | None) -> str | None:
        """A code is typed at checkout: letters, digits, ``-`` and ``_`` only."""
        if value is not None and not _OFFER_CODE.fullmatch(value):
            raise PydanticCustomError("offer_code", "only letters, digits, '-' and '_'")
        return value

    @field_validator("ends_at")
    @classmethod
    def _iso_8601(cls, value: str | None) -> str | None:
        """The caller's own string is kept (it is shown and quoted as given), if it parses."""
        if value is None:
            return None
        if _ISO_DATE.fullmatch(value):
            try:
                if len(value) == 10:
                    date.fromisoformat(value)
                else:
                    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
                return value
            except ValueError:
                pass
        raise PydanticCustomError("iso_8601", "must be an ISO 8601 date or date-time")

    @field_validator("url")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        return web_link(value)


class Story(Lenient):
    """One story of a newsletter, in the caller's words."""

    title: str | None = Field(default=None, max_length=120)
    summary: str = Field(min_length=1, max_length=1000)
    url: str | None = Field(default=None, max_length=MAX_URL)

    @field_validator("title", "url", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return blank_as_none(value)

    @field_validator("url")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        return web_link(value)


class Personalization(Lenient):
    """The reader's first name: the sending platform's merge tag, and words to use without.

    The merge tag is the only template syntax that may reach an email, and only in the
    exact forms ``merge_tags.MERGE_TAG_PATTERNS`` lists.
    """

    first_name: str = Field(alias="firstName", min_length=1, max_length=MAX_MERGE_TAG_CHARS)
    fallback: str = Field(default="", max_length=40)

    @field_validator("first_name")
    @classmethod
    def _known_merge_tag(cls, value: str) -> str:
        if not is_merge_tag(value):
            raise PydanticCustomError(
                "merge_tag",
                "must be a first-name merge tag of a known email platform, "
                "e.g. *|FNAME|* or {{ first_name }}",
            )
        return value

    @field_validator("fallback")
    @classmethod
    def _plain(cls, value: str) -> str:
        if not is_plain_text(value):
            raise PydanticCustomError(
                "plain_text", "must be plain text, without markup or template syntax"
            )
        return value
