"""Keeping caller and model text out of markup and links.

Every value that enters an MJML fragment passes through ``escape_text`` (text) or
``safe_url`` (links and images). Placeholders are filled in a single pass, so an escaped
value can never be read again as a placeholder, tag or attribute.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BRACES = re.compile(r"[{}]")


def escape_text(value: str) -> str:
    """Text safe inside an MJML element or attribute: no tags, quotes or template braces."""
    cleaned = _CONTROL.sub("", value)
    escaped = html.escape(cleaned, quote=True)
    # Braces are harmless in HTML but are template syntax for ESPs and for us.
    return _BRACES.sub(lambda m: "&#123;" if m.group() == "{" else "&#125;", escaped)


def host_of(url: str) -> str:
    """Lower-case host of an absolute URL ('' when it has none)."""
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def safe_url(url: str, allowed_hosts: Iterable[str] | None = None) -> str | None:
    """The URL if it is absolute http(s) (and on an allowed host, when hosts are given).

    Returns ``None`` for anything else: relative URLs, ``javascript:``/``data:`` schemes,
    credentials in the URL, whitespace or control characters inside it.
    """
    candidate = url.strip()
    if not candidate or _CONTROL.search(candidate) or any(c.isspace() for c in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username or parts.password:
        return None
    if allowed_hosts is not None and not _host_allowed(parts.hostname.lower(), allowed_hosts):
        return None
    return candidate


def _host_allowed(host: str, allowed_hosts: Iterable[str]) -> bool:
    for allowed in allowed_hosts:
        bare = allowed.removeprefix("www.")
        if host in (allowed, bare, f"www.{bare}") or host.endswith(f".{bare}"):
            return True
    return False
