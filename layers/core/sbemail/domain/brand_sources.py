"""Brand profiles fetched from a brand service: which domains may be looked up, and the
profile made fit to be a request's ``brandData``.

A fetched profile is text from a third party, so it is held to the rules caller text
meets: every text passes the text rule (``safety.clean_text``: nothing invisible, no
template syntax) and is cut to the bound ``BrandData`` sets at a sentence or word
boundary (``copy_review.fit``), rather than refused; a link or image survives only as a
public web address (``web_addresses.safe_url``), a colour only when the themes can read it.
Whatever is missing stays missing: a profile with nothing but a domain still makes a
usable brand (named after its domain).

The mapping onto our roles (logo, banner, colours, fonts, socials) is the one every
request gets (``brand_profiles.from_profile``, through ``BrandData``): the cleaned lists
are kept beside the flat fields it chose, so the document can be passed back as
``brandData`` as it is, or with a flat field changed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from .brand import MAX_FONTS, MAX_URL, Address, BrandData
from .contrast import normalise_colour
from .copy_review import fit, normalise
from .copywriting import CopyForm
from .safety import clean_text
from .web_addresses import host_of, public_host, safe_url

MAX_DOMAIN = 253
MAX_LISTED = 20
"""Most entries kept of each list (colours, logos, backdrops, socials)."""
DOMAIN_MESSAGE = (
    "must be a public domain name such as shop.example (or an http(s) address on one): "
    "no IP address, no localhost, no look-alike name mixing scripts"
)
_KEYWORD = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_ADDRESS_BOUNDS = {
    name: next((m.max_length for m in field.metadata if hasattr(m, "max_length")), 100)
    for name, field in Address.model_fields.items()
}


def lookup_domain(value: Any) -> str | None:
    """The domain to look up for ``value``, or ``None`` when it is no public host name.

    Accepts a bare host (``Shop.Example.``) or an http(s) address on it
    (``https://www.shop.example/about``); gives the lower-case registrable form a brand
    service expects, without a trailing dot or a leading ``www.``.
    """
    if not isinstance(value, str):
        return None
    candidate = value.strip()
    if not candidate or len(candidate) > MAX_URL:
        return None
    if "://" in candidate:
        if safe_url(candidate) is None:
            return None
        host = host_of(candidate)
    else:
        host = candidate.lower().rstrip(".")
        if safe_url(f"https://{host}/") is None:  # the same rule as every link we accept
            return None
    host = host.rstrip(".").removeprefix("www.")
    if not host or len(host) > MAX_DOMAIN or not public_host(host):
        return None
    return host


def brand_data_from_profile(profile: Mapping[str, Any], domain: str) -> dict[str, Any]:
    """``brandData`` for ``domain`` from a brand service's profile (see the module notes).

    The store's address is always ``https://<domain>``, the domain the caller asked for
    (links they give later must be on it), whatever the profile says its domain is.

    Raises:
        pydantic.ValidationError: only if cleaning left something ``BrandData`` refuses
            (a bug: every value is bounded and filtered first).
    """
    title = _text(profile.get("title"), 120, CopyForm.HEADLINE)
    listed = {
        "title": title,
        "domain": domain,
        "colors": _colours(profile.get("colors")),
        "logos": _images(profile.get("logos"), with_kind=True),
        "backdrops": _images(profile.get("backdrops"), with_kind=False),
        "socials": _socials(profile.get("socials")),
    }
    fields: dict[str, Any] = {
        "store_name": title or domain,
        "store_url": f"https://{domain}",
        "description": _text(profile.get("description"), 2000, CopyForm.SENTENCE),
        "slogan": _text(profile.get("slogan"), 200, CopyForm.HEADLINE),
        "fonts": _fonts(profile.get("fonts")),
        "address": _address(profile.get("address")),
    }
    brand = BrandData.model_validate({**listed, **fields})
    return {**brand.model_dump(mode="json", by_alias=True), **listed}


# -- values --------------------------------------------------------------------------


def _text(value: Any, limit: int, form: CopyForm) -> str:
    """Third-party text under the text rule, on one line, cut to ``limit``."""
    if not isinstance(value, str):
        return ""
    return fit(normalise(clean_text(value)), limit, form)


def _keyword(value: Any) -> str:
    """A short lower-case word a profile uses as a kind (``logo``, ``dark``, ``instagram``)."""
    word = value.strip().lower() if isinstance(value, str) else ""
    return word if _KEYWORD.fullmatch(word) else ""


def _link(value: Any) -> str:
    return value.strip() if isinstance(value, str) and safe_url(value) else ""


def _entries(values: Any) -> list[Mapping[str, Any]]:
    if not isinstance(values, list):
        return []
    return [value for value in values[:MAX_LISTED] if isinstance(value, Mapping)]


def _colours(values: Any) -> list[dict[str, str]]:
    colours = []
    for entry in _entries(values):
        hex_value = entry.get("hex")
        colour = normalise_colour(hex_value) if isinstance(hex_value, str) else None
        if colour is not None:
            colours.append({"hex": colour, "name": _text(entry.get("name"), 60, CopyForm.HEADLINE)})
    return colours


def _images(values: Any, *, with_kind: bool) -> list[dict[str, Any]]:
    """Logos (with their ``type`` and ``mode``) or backdrops: public addresses only."""
    images = []
    for entry in _entries(values):
        url = _link(entry.get("url"))
        if not url:
            continue
        image: dict[str, Any] = {"url": url}
        if with_kind:
            image["type"] = _keyword(entry.get("type"))
            image["mode"] = _keyword(entry.get("mode"))
        resolution = _resolution(entry.get("resolution"))
        if resolution:
            image["resolution"] = resolution
        images.append(image)
    return images


def _resolution(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping):
        return {}
    sizes: dict[str, float] = {}
    for name in ("width", "height", "aspect_ratio"):
        number = value.get(name)
        if isinstance(number, bool) or not isinstance(number, int | float):
            continue
        if math.isfinite(number) and 0 < number < 100_000:
            sizes[name] = number
    return sizes


def _socials(values: Any) -> list[dict[str, str]]:
    socials = []
    for entry in _entries(values):
        network, url = _keyword(entry.get("type")), _link(entry.get("url"))
        if network and url:
            socials.append({"type": network, "url": url})
    return socials


def _fonts(values: Any) -> list[dict[str, str]]:
    """Fonts as a list of ``{usage, name}`` (profiles give a list or an object)."""
    if isinstance(values, Mapping):
        values = [{"usage": usage, "name": name} for usage, name in values.items()]
    fonts = []
    for entry in _entries(values)[:MAX_FONTS]:
        name = _text(entry.get("name"), 80, CopyForm.LABEL)
        if name:
            fonts.append({"usage": _text(entry.get("usage"), 40, CopyForm.LABEL), "name": name})
    return fonts


def _address(value: Any) -> dict[str, str] | None:
    if not isinstance(value, Mapping):
        return None
    address = {}
    for name, bound in _ADDRESS_BOUNDS.items():
        text = _text(value.get(name), bound, CopyForm.HEADLINE)
        if text:
            address[name] = text
    return address or None
