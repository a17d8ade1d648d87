"""Which web addresses a link or image in an email may use.

An address from a caller, a brand source or the model becomes an ``href`` or ``src``
only through ``safe_url``: absolute http(s), no credentials, nothing the text rule
(``safety.clean_text``) would change, on a public host name (``public_host``: no IP
literals, no single-label or look-alike names), and, where the store's hosts are
given, on one of them (``host_allowed``).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from .safety import CONTROL_CHARACTERS, clean_text


def host_of(url: str) -> str:
    """Lower-case host of an absolute URL ('' when it has none)."""
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def safe_url(url: str, allowed_hosts: Iterable[str] | None = None) -> str | None:
    """The URL if it is absolute http(s) (and on an allowed host, when hosts are given).

    Returns ``None`` for anything else: relative URLs, ``javascript:``/``data:`` schemes,
    credentials in the URL, whitespace, quotes, angle brackets, anything the text rule
    (``clean_text``) would change inside it (template syntax, invisible characters), and
    hosts that are no public names (``public_host``: IP literals, ``localhost``,
    look-alike names mixing scripts).
    """
    candidate = url.strip() if isinstance(url, str) else ""
    if not candidate or CONTROL_CHARACTERS.search(candidate) or any(c.isspace() for c in candidate):
        return None
    if any(c in candidate for c in "\"'<>\\`") or clean_text(candidate) != candidate:
        return None  # markup, or anything the text rule would change (template syntax)
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
    if "[" in parts.netloc or not public_host(parts.hostname):
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


_ASCII_LABEL = re.compile(r"[a-z0-9_-]+")
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")  # a browser reads the host as IPv4
_NOT_PUBLIC_SUFFIXES = ("localhost",)
# Scripts that may share one label (Unicode TS #39, "highly restrictive"); any other mix
# of scripts in a label is a look-alike, e.g. Latin "bramble" with a Cyrillic a (U+0430).
_SCRIPT_MIXES = (
    frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "CJK", "BOPOMOFO"}),
    frozenset({"LATIN", "CJK", "HANGUL"}),
)
_COMMON_LETTERS = ("KATAKANA-HIRAGANA",)  # the prolonged sound mark, shared by both


def public_host(host: str) -> bool:
    """Whether ``host`` is a public DNS name, fit for a link or image in an email.

    Refused: IP literals in every form a browser reads as one (``10.0.0.1``, ``::1``,
    ``0x7f.1``, ``2130706433``), names of one label (``localhost``, ``intranet``) or under
    ``localhost``, labels with characters a host name cannot have (``%``, ``!``), and
    look-alikes. A label may be written in one script only (Latin with Han, Kana or Hangul
    excepted, as in Japanese or Korean names): ``bramble.example`` spelt with a Cyrillic
    a (U+0430) is refused, ``bücher.example`` and ``例え.jp`` pass. A non-ASCII label
    must also be in its normal form (NFKC, lower case: no full-width letters) and be
    encodable as IDNA; a punycode label (``xn--``) is decoded and held to the same rules.
    """
    host = host.strip().lower().rstrip(".")
    if not host or ":" in host:  # IPv6 literal
        return False
    try:
        ipaddress.ip_address(host)
        return False
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) < 2 or labels[-1] in _NOT_PUBLIC_SUFFIXES:
        return False
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        return False
    return all(_public_label(label) for label in labels)


def _public_label(label: str) -> bool:
    if not label or len(label) > 63:
        return False
    if label.isascii():
        if not _ASCII_LABEL.fullmatch(label):
            return False
        if not label.startswith("xn--"):
            return True
        try:
            label = label.encode("ascii").decode("idna")
        except UnicodeError:
            return False
        if label.isascii():
            return False  # an ASCII name in disguise
    return _unicode_label(label)


def _unicode_label(label: str) -> bool:
    if unicodedata.normalize("NFKC", label).lower() != label:
        return False
    try:
        label.encode("idna")
    except UnicodeError:
        return False
    scripts: set[str] = set()
    for char in label:
        category = unicodedata.category(char)
        if char == "-" or category[0] in "NM":  # digits and marks belong to any script
            continue
        if category[0] != "L":
            return False
        script = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
        if script not in _COMMON_LETTERS:
            scripts.add(script)
    return len(scripts) <= 1 or any(scripts <= mix for mix in _SCRIPT_MIXES)
