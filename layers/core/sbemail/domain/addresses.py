"""Addresses in text: only the store's hosts, as for links.

Mail clients turn ``evil.example``, ``www.evil.example`` and ``x@evil.example`` into
live links, so an address in any text is as much a link as an ``href``.
``strip_foreign_addresses`` finds what a client would link and removes every address
that is not on the store's hosts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from .web_addresses import host_allowed, safe_url

#
# Mail clients turn ``evil.example``, ``www.evil.example`` and ``x@evil.example`` into
# live links, so an address in any text is as much a link as an ``href``. These
# patterns find what a client would link; every one of them starts only where a run of
# address characters starts (lookbehinds), so a scan is linear in the text's length.


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Every delegated two-letter country-code top-level domain.
_CC_TLDS = _words(
    "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo "
    "br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk "
    "dm do dz ec ee eg er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq "
    "gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh "
    "ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn "
    "mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg "
    "ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn "
    "so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us "
    "uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw"
)
# Generic top-level domains common in spam, marketing and documentation, plus the
# reserved names used in examples and tests.
_GENERIC_TLDS = _words(
    "com net org edu gov mil int info biz name pro mobi asia tel jobs travel museum aero "
    "coop cat xxx app dev page xyz online site website store shop tech club top live blog "
    "news email link click space icu vip cloud digital agency media studio design "
    "global group company services solutions network systems zone social art bet casino "
    "poker loan loans money finance bank market deals sale gift gifts fashion beauty "
    "health games video stream download zip mov buzz cam cfd sbs bond guru ninja rocks "
    "lol wtf academy photo photos pics shopping coupons promo boutique clothing shoes "
    "example test invalid localhost local onion"
)


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` as a prefix tree: one pass, no re-tries per word."""
    trie: dict[str, dict] = {}
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            body = f"(?:{body})?"
        return body

    return build(trie)


_CC_TLD_SET = frozenset(_CC_TLDS)
_LABEL_CHAR = r"A-Za-z0-9\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF"
_LABEL = rf"[{_LABEL_CHAR}](?:[{_LABEL_CHAR}\-]{{0,61}}[{_LABEL_CHAR}])?"
_URL_CHAR = r"[!#$%&()*+,\-./0-9:;=?@A-Z\[\]^_a-z{|}~]"
_PORT_PATH = rf"(?::\d{{1,5}})?(?:[/?#]{_URL_CHAR}*)?"


@lru_cache(maxsize=1)
def _address_pattern() -> re.Pattern[str]:
    """The pattern of what a client would link, compiled on first use: ~10 ms of CPU
    that a cold start which never scans copy (the API function) does not pay."""
    return re.compile(
        # scheme://anything: http(s), ftp, and whatever else a client might link
        rf"(?P<url>(?:(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{{0,15}}|https?|ftp)"
        rf"://{_URL_CHAR}*)"
        # email addresses (with an optional mailto:)
        rf"|(?P<email>(?<![A-Za-z0-9._%+\-])(?:mailto:)?[A-Za-z0-9._%+\-]+"
        rf"@(?P<email_host>(?:{_LABEL}\.)+[A-Za-z]{{2,63}})(?![{_LABEL_CHAR}\-]))"
        # www.<anything>.<tld>: the www. alone makes it an address
        rf"|(?P<www>(?<![{_LABEL_CHAR}\-])(?://)?(?P<www_host>www\d{{0,3}}\.(?:{_LABEL}\.)+"
        rf"[A-Za-z]{{2,63}})(?![{_LABEL_CHAR}\-]){_PORT_PATH})"
        # bare host names ending in a known top-level domain
        rf"|(?P<domain>(?<![{_LABEL_CHAR}\-])(?<![{_LABEL_CHAR}]\.)(?:@|//)?"
        rf"(?P<domain_host>(?P<labels>(?:{_LABEL}\.)+)"
        rf"(?P<tld>{_alternation(_CC_TLDS + _GENERIC_TLDS)}|xn--[a-z0-9\-]{{1,59}}))"
        rf"(?![{_LABEL_CHAR}\-]){_PORT_PATH})"
        # bare IPv4 addresses with a port or a path (a bare dotted quad may be a version)
        rf"|(?P<ip>(?<![0-9.])(?://)?(?P<ip_host>(?:\d{{1,3}}\.){{3}}\d{{1,3}})"
        rf"(?![0-9]|\.[0-9])(?::\d{{1,5}}(?:[/?#]{_URL_CHAR}*)?|[/?#]{_URL_CHAR}*))",
        re.IGNORECASE,
    )


_TRAILING = ".,;:!?'\"*"
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _trim(address: str) -> str:
    """``address`` without the sentence punctuation a client would not link."""
    while address:
        last = address[-1]
        unbalanced = last in _CLOSERS and address.count(last) > address.count(_CLOSERS[last])
        if last not in _TRAILING and not unbalanced:
            break
        address = address[:-1]
    return address


def _host_forms(host: str) -> tuple[str, ...]:
    """``host`` lower-cased, and its ASCII (punycode) form for internationalised names."""
    host = host.lower().rstrip(".")
    try:
        ascii_form = host.encode("idna").decode("ascii")
    except UnicodeError:
        return (host,)
    return (host, ascii_form) if ascii_form != host else (host,)


def _allowed_forms(allowed_hosts: Iterable[str]) -> tuple[str, ...]:
    return tuple(form for host in allowed_hosts if host for form in _host_forms(host))


def _on_hosts(host: str, allowed: tuple[str, ...]) -> bool:
    return any(host_allowed(form, allowed) for form in _host_forms(host))


def _is_prose(match: re.Match[str]) -> bool:
    """Dotted words a bare-domain match caught that are prose, not a host name.

    "10.AM" (a time) and "M.Sc" (a degree) end in a country code; a host name this
    short would be written in lower case.
    """
    labels = match.group("labels").rstrip(".").split(".")
    tld = match.group("tld")
    if tld.lower() in _CC_TLD_SET and labels[-1].isdigit():
        return True
    return all(len(label) == 1 for label in labels) and tld[0].isupper() and tld[1:].islower()


def _keep(match: re.Match[str], address: str, allowed: tuple[str, ...]) -> bool | None:
    """True to keep an on-host address, False to remove it, None when it is no address."""
    kind = match.lastgroup
    if kind == "url":
        try:
            parts = urlsplit(address)
            host = parts.hostname or ""
        except ValueError:
            return False
        if parts.scheme.lower() not in ("http", "https") or not host:
            return False
        return safe_url(address) is not None and _on_hosts(host, allowed)
    if kind == "email":
        return _on_hosts(match.group("email_host"), allowed)
    if kind == "www":
        return _on_hosts(match.group("www_host"), allowed)
    if kind == "domain":
        if _is_prose(match):
            return None
        return _on_hosts(match.group("domain_host"), allowed)
    return _on_hosts(match.group("ip_host"), allowed)


def strip_foreign_addresses(text: str, allowed_hosts: Iterable[str]) -> tuple[str, list[str]]:
    """``text`` without the URLs, host names and email addresses that are not on
    ``allowed_hosts`` (subdomains of an allowed host are on it), and what was removed.

    Mail clients link bare ``evil.example`` and ``x@evil.example``, so text must obey
    the same rule as links. Where an address is cut, the spaces and punctuation it
    leaves behind are tidied ("visit http://evil.example/x today" → "visit today",
    "(see evil.example)" → "(see)"); text without a foreign address is returned as is.
    """
    if not text:
        return text, []
    allowed = _allowed_forms(allowed_hosts)
    marker = _marker(text)
    pieces: list[str] = []
    removed: list[str] = []
    position = 0
    for match in _address_pattern().finditer(text):
        address = _trim(match.group())
        if not address or _keep(match, address, allowed) is not False:
            continue
        pieces.append(text[position : match.start()])
        pieces.append(marker)
        removed.append(address.removeprefix("//").removeprefix("@"))
        position = match.start() + len(address)
    if not removed:
        return text, []
    pieces.append(text[position:])
    return (_tidy("".join(pieces), marker) if marker else "".join(pieces)), removed


def _marker(text: str) -> str:
    """A character absent from ``text``, to stand for a removed address while tidying
    ("" for a text that holds every candidate: its gaps are then left as they are)."""
    if "\x00" not in text:
        return "\x00"
    return next((chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text), "")


# Characters around a gap, escaped for character classes (CJK forms included).
_OPEN = re.escape("([{<\"'`\u00ab\u2018\u201c\u300c\u300e\u3010\uff08")
_CLOSE = re.escape(")]}>\"'`\u00bb\u2019\u201d\u300d\u300f\u3011\uff09")
_STOP = re.escape(".!?\u3002\uff01\uff1f")
_COMMA = re.escape(",;\u3001")
_INTRO = re.escape(":\u2013\u2014\uff1a")


@lru_cache(maxsize=8)
def _tidy_rules(marker: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    m = re.escape(marker)
    rules = (
        # a list of addresses becomes one gap
        (rf"{m}(?:[ \t]*[{_COMMA}/|&+][ \t]*|[ \t]+(?:and|or|und|et|y|e)[ \t]+|[ \t]+){m}", marker),
        # nothing left inside brackets or quotes
        (rf"[ \t]*[{_OPEN}][ \t]*{m}[ \t]*[{_CLOSE}]", marker),
        # an introducing colon or dash, or a list comma, with nothing left after it
        (rf"[ \t]*[{_INTRO}][ \t]*{m}(?=[ \t]*(?:[{_STOP}{_COMMA}{_CLOSE}]|$))", marker),
        (rf"[ \t]*[{_COMMA}][ \t]*{m}(?=[ \t]*(?:[{_STOP}{_COMMA}{_CLOSE}]|$))", marker),
        # a gap at the start of a line takes the separator that followed it
        (rf"^([ \t]*){m}[ \t]*[{_COMMA}{_INTRO}]?[ \t]*", r"\1"),
        (rf"[ \t]*{m}[ \t]*$", ""),
        (rf"[ \t]*{m}[ \t]*(?=[{_STOP}{_COMMA}{_INTRO}{_CLOSE}])", ""),
        (rf"[ \t]*{m}[ \t]*", " "),
    )
    return tuple((re.compile(p, re.MULTILINE | re.IGNORECASE), r) for p, r in rules)


def _tidy(text: str, marker: str) -> str:
    """Close the gaps ``marker`` leaves where addresses were cut out of ``text``."""
    (merge, *rest) = _tidy_rules(marker)
    pattern, replacement = merge
    previous = None
    while previous != text:
        previous = text
        text = pattern.sub(replacement, text)
    for pattern, replacement in rest[:-1]:
        text = pattern.sub(replacement, text)
    # A gap inside running text: one space where the address stood between words, none
    # where it was glued to text written without spaces (Japanese, Chinese, Thai).
    return rest[-1][0].sub(lambda gap: " " if gap.group().strip(marker) else "", text)


def scrub(text: str, allowed_hosts: Iterable[str]) -> str:
    """``text`` without foreign addresses, its whitespace collapsed: what a text field
    becomes before it enters a prompt or an email (``strip_foreign_addresses``)."""
    return " ".join(strip_foreign_addresses(text, allowed_hosts)[0].split()) if text else text
