"""Keeping caller and model text out of markup and links.

Every value that enters an MJML fragment passes through ``escape_text`` (text) or
``safe_url`` (links and images). Placeholders are filled in a single pass, so an escaped
value can never be read again as a placeholder, tag or attribute. Template delimiters
of common email platforms (``{{ }}``, ``{% %}``, ``*| |*``, ``[[ ]]``, ``<% %>``, ``${``)
are broken up as well: the sending platform would otherwise expand them; the one
exception is a reader's first-name merge tag (``merge_tags``), which the renderer
inserts as is. Addresses in text (``addresses``) follow the same rule as links: only
the store's hosts.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

CONTROL_CHARACTERS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064]"
)
_BRACES = re.compile(r"[{}|]")
TEMPLATE_DELIMITER = re.compile(r"\{\{|\}\}|\{%|%\}|\*\||\|\*|\[\[|\]\]|<%|%>|\$\{|\{#|#\}")
_BRACE_ENTITIES = {"{": "&#123;", "}": "&#125;", "|": "&#124;"}


def neutralise_template_syntax(value: str) -> str:
    """``value`` with every two-character template delimiter split by a space.

    ``{{x}}`` becomes ``{ {x} }`` and ``*|FNAME|*`` becomes ``* |FNAME| *``: still
    readable, never expanded by a template engine or an email platform.
    """
    previous = None
    while previous != value:
        previous = value
        value = TEMPLATE_DELIMITER.sub(lambda m: f"{m.group()[0]} {m.group()[1]}", value)
    return value


def clean_text(value: str) -> str:
    """Caller or model text without control characters or live template syntax."""
    return neutralise_template_syntax(CONTROL_CHARACTERS.sub("", value))


def escape_text(value: str) -> str:
    """Text safe inside an MJML element or attribute: no tags, quotes or template braces."""
    escaped = html.escape(clean_text(value), quote=True)
    # Braces and pipes are harmless in HTML but are template syntax for ESPs and for us.
    return _BRACES.sub(lambda m: _BRACE_ENTITIES[m.group()], escaped)


def host_of(url: str) -> str:
    """Lower-case host of an absolute URL ('' when it has none)."""
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def safe_url(url: str, allowed_hosts: Iterable[str] | None = None) -> str | None:
    """The URL if it is absolute http(s) (and on an allowed host, when hosts are given).

    Returns ``None`` for anything else: relative URLs, ``javascript:``/``data:`` schemes,
    credentials in the URL, whitespace, quotes, angle brackets, template delimiters or
    control characters inside it.
    """
    candidate = url.strip() if isinstance(url, str) else ""
    if not candidate or CONTROL_CHARACTERS.search(candidate) or any(c.isspace() for c in candidate):
        return None
    if any(c in candidate for c in "\"'<>\\`") or TEMPLATE_DELIMITER.search(candidate):
        return None
    try:
        parts = urlsplit(candidate)
        port = parts.port  # raises on a malformed port
    except ValueError:
        return None
    del port
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username or parts.password:
        return None
    if allowed_hosts is not None and not host_allowed(parts.hostname, allowed_hosts):
        return None
    return candidate


def host_allowed(host: str, allowed_hosts: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``allowed_hosts``, its ``www.`` twin, or a subdomain.

    ``shop.example`` allows ``shop.example``, ``www.shop.example`` and
    ``blog.shop.example``; never ``shop.example.evil.example`` or ``evilshop.example``.
    """
    host = host.lower().rstrip(".")
    for allowed in allowed_hosts:
        allowed = allowed.lower().rstrip(".")
        if not allowed:
            continue
        bare = allowed.removeprefix("www.")
        if host in (allowed, bare, f"www.{bare}") or host.endswith(f".{bare}"):
            return True
    return False
