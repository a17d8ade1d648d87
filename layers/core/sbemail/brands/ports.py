"""What the brand lookup needs from a brand service, and how such a service fails.

The use case (``service.brand_lookup``) sees only this port, so the service behind it
(Brand.dev today) can change, and tests can stand a fake of our own in its place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class BrandSourceError(Exception):
    """The brand service failed for good (after retries); ``reason`` says how, for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnknownBrandError(BrandSourceError):
    """The brand service has no brand for the domain."""


class BrandSourceUnavailableError(BrandSourceError):
    """The brand service cannot be used here: its API key is missing or unreadable."""


class BrandSource(Protocol):
    """A brand service: a domain's brand profile, as the service returns it."""

    name: str
    """The service's name, for messages (``Brand.dev``)."""

    def retrieve(self, domain: str) -> Mapping[str, Any]:
        """The profile of ``domain`` (the service's ``brand`` object).

        Raises:
            UnknownBrandError: the service knows no such brand.
            BrandSourceUnavailableError: the service cannot be called (no usable key).
            BrandSourceError: anything else, once retries are spent.
        """
        ...
