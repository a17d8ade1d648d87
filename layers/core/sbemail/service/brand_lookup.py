"""The brand lookup use case: a domain's brand, from the table or the brand service.

``POST /api/brand-info`` and a generate request's ``brandDomain`` both come here. A
domain is checked first (a public host name, or a 400 naming the caller's field), then
served from the table when a live profile is stored; otherwise the brand service is
asked (it costs a credit and seconds, so each profile is kept for days) and its profile
made into our ``brandData`` (``domain.brand_sources``). A failing table never fails a
lookup: the brand service is asked instead, and a profile that cannot be stored is
still returned.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..brands import BrandSource, BrandSourceError, BrandSourceUnavailableError, UnknownBrandError
from ..domain.brand_sources import DOMAIN_MESSAGE, brand_data_from_profile, lookup_domain
from ..storage import CachedBrand, DynamoDBBrandCache
from .errors import (
    BrandLookupFailedError,
    BrandLookupUnavailableError,
    BrandNotFoundError,
    InvalidRequestError,
)

logger = logging.getLogger(__name__)

NOT_CONFIGURED = (
    "brand lookup is not configured: set BRANDDEV_API_KEY to a Brand.dev API key (local "
    "runs), or deploy with the BrandDevApiKeyParameter parameter naming the SSM "
    "SecureString that holds it; or send brandData instead"
)


@dataclass(frozen=True)
class BrandLookup:
    """A domain's brand: the ``brandData`` document, whether it came from the table, and
    when the brand service was asked for it (epoch seconds)."""

    domain: str
    brand_data: dict[str, Any]
    cached: bool
    fetched_at: float


class BrandLookupService:
    """Looks brands up by domain, through the table.

    Args:
        source: the brand service; ``None`` when none is configured (lookups of brands
            not already stored answer 503 with ``NOT_CONFIGURED``).
        cache: the per-domain profiles in the table.
    """

    def __init__(self, source: BrandSource | None, cache: DynamoDBBrandCache) -> None:
        self._source = source
        self._cache = cache
        self._locks: dict[str, tuple[threading.Lock, int]] = {}
        self._locks_lock = threading.Lock()

    def lookup(self, value: Any, field: str = "domain") -> BrandLookup:
        """The brand of the domain ``value`` names; ``field`` is how the caller calls it.

        Raises:
            InvalidRequestError: ``value`` is no public domain name (the field is named).
            BrandNotFoundError: the brand service knows no brand for it.
            BrandLookupUnavailableError: no brand service is configured, or its key
                cannot be read.
            BrandLookupFailedError: the brand service failed or timed out, after retries.
        """
        domain = lookup_domain(value)
        if domain is None:
            raise InvalidRequestError(
                f"invalid fields: {field}", [{"field": field, "message": DOMAIN_MESSAGE}]
            )
        stored = self._stored(domain)
        if stored is not None:
            return BrandLookup(domain, stored.brand_data, True, stored.fetched_at)
        if self._source is None:
            raise BrandLookupUnavailableError(NOT_CONFIGURED)
        with self._one_fetch(domain):
            stored = self._stored(domain)  # fetched while this lookup waited its turn
            if stored is not None:
                return BrandLookup(domain, stored.brand_data, True, stored.fetched_at)
            brand_data = self._fetch(self._source, domain)
            try:
                stored = self._cache.put(domain, brand_data)
            except Exception:
                logger.exception("could not store the brand profile of %s", domain)
                return BrandLookup(domain, brand_data, False, 0.0)
        return BrandLookup(domain, brand_data, False, stored.fetched_at)

    @contextmanager
    def _one_fetch(self, domain: str) -> Iterator[None]:
        """One brand-service call per domain at a time in this container: a burst of
        requests for a new brand (a campaign's generations) costs one credit, not one
        each. Other containers may still race; the table keeps the last profile."""
        with self._locks_lock:
            lock, waiting = self._locks.get(domain, (threading.Lock(), 0))
            self._locks[domain] = (lock, waiting + 1)
        try:
            with lock:
                yield
        finally:
            with self._locks_lock:
                lock, waiting = self._locks[domain]
                if waiting == 1:
                    del self._locks[domain]
                else:
                    self._locks[domain] = (lock, waiting - 1)

    def with_brand(self, body: dict[str, Any]) -> dict[str, Any]:
        """A generate request body with ``brandDomain`` replaced by the brand it names.

        A body without ``brandDomain`` (or with it blank) is returned as it is; one with
        both ``brandDomain`` and ``brandData`` is refused, naming ``brandDomain``.
        """
        domain = body.get("brandDomain")
        if domain is None or (isinstance(domain, str) and not domain.strip()):
            return body
        if body.get("brandData") is not None:
            message = "give brandData or brandDomain, not both"
            raise InvalidRequestError(message, [{"field": "brandDomain", "message": message}])
        found = self.lookup(domain, field="brandDomain")
        rest = {key: value for key, value in body.items() if key != "brandDomain"}
        return {**rest, "brandData": found.brand_data}

    def _stored(self, domain: str) -> CachedBrand | None:
        try:
            return self._cache.get(domain)
        except Exception:  # a table failure costs a lookup, never the request
            logger.exception("brand profiles unavailable; asking the brand service")
            return None

    @staticmethod
    def _fetch(source: BrandSource, domain: str) -> dict[str, Any]:
        try:
            profile = source.retrieve(domain)
        except UnknownBrandError as error:
            raise BrandNotFoundError(
                f"{source.name} has no brand for {domain} ({error.reason}); "
                "check the domain, or send brandData instead"
            ) from None
        except BrandSourceUnavailableError as error:
            raise BrandLookupUnavailableError(f"{NOT_CONFIGURED} ({error.reason})") from None
        except BrandSourceError as error:
            raise BrandLookupFailedError(
                f"the brand lookup of {domain} failed: {error.reason}"
            ) from None
        try:
            return brand_data_from_profile(profile, domain)
        except ValidationError:
            logger.exception("the brand profile of %s could not be mapped", domain)
            raise BrandLookupFailedError(
                f"{source.name}'s profile of {domain} could not be read"
            ) from None
