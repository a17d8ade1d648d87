"""Brand.dev's retrieve API over HTTP, with the model calls' retry policy.

``GET {base}/v1/brand/retrieve?domain=<domain>`` with ``Authorization: Bearer <key>``
answers ``{"status": "ok", "brand": {domain, title, description, slogan, colors,
logos, backdrops, socials, address, fonts?, ...}}``. The standard library's HTTP client
is enough for one GET, so no HTTP library is added to the layer.

Failures are retried as model calls are (``content.retry``: 408/409/429, 5xx, timeouts,
lost connections and unreadable 2xx bodies, with jittered backoff honouring
``Retry-After``, within one time budget); a 404 is an unknown brand, any other 4xx
fails at once. The reason given back is Brand.dev's own message when it sent one
(cleaned and cut short: it is third-party text), never the key.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from ..content.errors import ContentConfigurationError
from ..content.retry import Retrier, RetryPolicy, Tally, UnreadableReplyError, should_retry
from ..domain.safety import envelope_text
from .ports import BrandSourceError, BrandSourceUnavailableError, UnknownBrandError

DEFAULT_BASE_URL = "https://api.brand.dev"
MAX_REPLY_BYTES = 2 * 1024 * 1024
"""A profile is a few kilobytes; anything past this is no profile."""
_MAX_REASON = 200


class BrandDevStatusError(Exception):
    """A non-2xx answer. Shaped like the SDK errors ``content.retry`` reads: a
    ``status_code`` and a ``response`` with its ``headers`` (for ``Retry-After``)."""

    def __init__(self, status_code: int, reason: str, headers: Mapping[str, str]) -> None:
        super().__init__(f"{status_code}: {reason}")
        self.status_code = status_code
        self.reason = reason
        self.response = SimpleNamespace(headers=dict(headers))


def retryable(error: BaseException) -> bool:
    """Transient: a retryable status, a timeout, a lost connection or an unreadable body."""
    if isinstance(error, BrandDevStatusError):
        return should_retry(error)
    return isinstance(error, TimeoutError | ConnectionError | UnreadableReplyError)


class BrandDevClient:
    """``BrandSource`` on Brand.dev; thread-safe (one connection per attempt).

    Args:
        api_key: returns the key (``ApiKeySource``: the environment or SSM, read lazily).
        policy: attempts, one attempt's timeout and the lookup's time budget.
        base_url: Brand.dev's API root (tests point it at a fake of our own).
        sleep: waits between attempts (injectable).
    """

    name = "Brand.dev"

    def __init__(
        self,
        api_key: Callable[[], str],
        policy: RetryPolicy,
        base_url: str = DEFAULT_BASE_URL,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._api_key = api_key
        self._retrier = Retrier(policy, sleep=sleep, retryable=retryable)
        self._base_url = base_url.rstrip("/")

    def retrieve(self, domain: str) -> Mapping[str, Any]:
        try:
            key = self._api_key()
        except ContentConfigurationError as error:
            raise BrandSourceUnavailableError(str(error)) from None
        tally = Tally()
        try:
            return self._retrier.call(
                lambda timeout: self._attempt(domain, key, timeout), self._retrier.deadline(), tally
            )
        except BrandDevStatusError as error:
            if error.status_code == 404:
                raise UnknownBrandError(error.reason) from None
            raise BrandSourceError(
                f"Brand.dev answered {error.status_code} ({error.reason}){_after(tally)}"
            ) from None
        except TimeoutError:
            raise BrandSourceError(f"Brand.dev did not answer in time{_after(tally)}") from None
        except UnreadableReplyError as error:
            raise BrandSourceError(f"Brand.dev sent {error}{_after(tally)}") from None
        except ConnectionError as error:
            raise BrandSourceError(
                f"Brand.dev could not be reached ({type(error).__name__}){_after(tally)}"
            ) from None

    def _attempt(self, domain: str, key: str, timeout: float) -> Mapping[str, Any]:
        """One GET; raises what ``retryable`` classifies."""
        query = urllib.parse.urlencode({"domain": domain})
        request = urllib.request.Request(
            f"{self._base_url}/v1/brand/retrieve?{query}",
            headers={
                "Authorization": f"Bearer {key}",
                "Accept": "application/json",
                "User-Agent": "sbemail-brand-lookup",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = response.read(MAX_REPLY_BYTES + 1)
        except urllib.error.HTTPError as error:
            with error:
                reason = _reason(error.read(64 * 1024), error.reason)
            headers = dict(error.headers.items()) if error.headers is not None else {}
            raise BrandDevStatusError(error.code, reason, headers) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise TimeoutError("timed out") from None
            raise ConnectionError(str(error.reason)) from None
        except OSError as error:  # reset mid-read, timeouts while reading
            if isinstance(error, TimeoutError | ConnectionError):
                raise
            raise ConnectionError(type(error).__name__) from None
        return _profile(body)


def _profile(body: bytes) -> Mapping[str, Any]:
    """The ``brand`` object of a 2xx body (``UnreadableReplyError`` when there is none)."""
    if len(body) > MAX_REPLY_BYTES:
        raise UnreadableReplyError("an answer too large to be a brand profile")
    try:
        document = json.loads(body)
    except ValueError:
        raise UnreadableReplyError("an answer that is not JSON") from None
    brand = document.get("brand") if isinstance(document, dict) else None
    if not isinstance(brand, dict):
        raise UnreadableReplyError("an answer without a brand profile")
    return brand


def _reason(body: bytes, fallback: Any) -> str:
    """Brand.dev's own words for a failure (its ``message`` or ``error``), cut short."""
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    reason = ""
    if isinstance(document, dict):
        found = document.get("message") or document.get("error")
        reason = found if isinstance(found, str) else ""
    reason = envelope_text(reason or str(fallback or "no reason given"))
    return reason[:_MAX_REASON].rstrip()


def _after(tally: Tally) -> str:
    return f" after {tally.attempts} attempts" if tally.attempts > 1 else ""
