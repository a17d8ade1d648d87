"""Keeping caller and model text out of markup and links.

One rule (``clean_text``) holds for every piece of text that reaches an email: its
subject, preheader, MJML, HTML or text part. It does two things.

* It removes what a reader cannot see: C0/C1 control characters (tab, line feed and
  carriage return stay), lone surrogates, bidi marks, embeddings, overrides and isolates
  (U+061C, U+200E/F, U+202A to U+202E, U+2066 to U+2069), zero-width and invisible format
  characters (U+00AD, U+180E, U+200B, U+2060 to U+2064, U+206A to U+206F, U+FEFF, …), blank
  "filler" letters and the Unicode tag characters (U+E0000 to U+E007F). Three things are
  kept because real text needs them: the zero-width joiner and non-joiner (U+200D,
  U+200C) between two visible non-ASCII characters (emoji ZWJ sequences, Persian and
  Indic spelling), one variation selector after a visible character (``❤️``; a run of
  them is the "emoji smuggling" channel and is cut to the first), and tag characters
  inside the three emoji subdivision flags (England, Scotland, Wales). The soft hyphen
  goes: it is only a hyphenation hint, and it is used to split words past filters.
* It breaks up the template syntax of every common email platform, so that nothing can
  be expanded by the sender's platform, while the words stay readable: a space goes
  between the two characters of a delimiter (``{{x}}`` → ``{ {x} }``, ``*|FNAME|*`` →
  ``* |FNAME| *``, ``%%[SET @x=1]%%`` → ``% %[SET @x=1]% %``) and inside single-character
  tags (``%FIRSTNAME%`` → ``% FIRSTNAME %``, ``[email]`` → ``[ email ]``). The result is
  a fixed point: the rule changes nothing it produced.

Platforms and what is broken up:

* Mailchimp ``*|TAG|*``; Klaviyo, Jinja, Django, HubSpot HubL, Braze Liquid (and its
  Connected Content tag), Customer.io, Brevo ``{{ }}`` ``{% %}`` ``{# #}``; Iterable,
  SendGrid dynamic templates and other Handlebars ``{{ }}`` ``{{{ }}}``; Braze
  ``{{${attribute}}}`` and FreeMarker/Marketo ``${ }``; Mailjet, Iterable and Constant
  Contact ``[[ ]]``; Adobe Campaign ``<% %>``.
* Salesforce Marketing Cloud: personalisation strings ``%%Name%%`` and AMPscript
  ``%%[ … ]%%`` / ``%%= … =%%`` (every ``%%``).
* ActiveCampaign ``%TAG%`` (and Mailgun's ``%recipient.name%``): a ``%``, a name that
  starts with a letter, a ``%``. Prices and percentages (``50% off``, ``100%``) are not
  that shape. Inside a web address a ``%`` followed by two hex digits is an escape
  (``Caf%C3%A9t%C3%A9.jpg``) and is left alone when both ends of the shape are escapes.
* Campaign Monitor and Sendy: ``[name,fallback=…]`` always, and ``[name]`` for their
  built-in tags (``[firstname]``, ``[email]``, ``[unsubscribe]``, …). Square brackets are
  ordinary punctuation (``[sic]``), and a custom field without a fallback cannot be told
  apart from it, so other bracketed words stay as written.
* SendGrid's legacy substitution tags are left alone: they are any string the sender
  chooses (``-name-``, ``:name``), so no shape tells them from hyphenated words
  (``e-mail``, ``well-known``); SendGrid expands only keys the sender passes with the
  message. Its dynamic templates are Handlebars, covered above.

The one exception is a reader's first-name merge tag (``merge_tags``), which the
renderer inserts as is and which never passes through this module's rule.

On top of the rule: ``escape_text`` (MJML and HTML) escapes markup characters and turns
template braces and pipes into character references; ``envelope_text`` (subject line and
preheader, plain text in an ESP's field) removes tag-shaped ``<…>`` runs, shows any other
angle bracket as a look-alike quote (as the text part does) and keeps to one line. Links
and images go through ``web_addresses.safe_url``, which refuses any address the rule
would change.
Addresses in text (``addresses``) follow the same rule as links: only the store's hosts.
"""

from __future__ import annotations

import html
import re

# -- invisible characters ------------------------------------------------------------

_JOINERS = "\u200c\u200d"
_VARIATION_SELECTORS = "\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef"
_INVISIBLE = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 (not tab, LF, CR), DEL, C1
    "\u00ad"  # soft hyphen
    "\u034f"  # combining grapheme joiner
    "\u061c"  # Arabic letter mark
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers: blank letters
    "\u17b4\u17b5"  # Khmer inherent vowels
    "\u180e"  # Mongolian vowel separator
    "\u200b\u200e\u200f"  # zero-width space, LRM, RLM
    "\u2028-\u202e"  # line/paragraph separators, bidi embeddings and overrides
    "\u2060-\u206f"  # word joiner, invisible operators, bidi isolates, deprecated formats
    "\ud800-\udfff"  # lone surrogates
    "\ufeff"  # byte-order mark / zero-width no-break space
    "\ufff0-\ufffb"  # unassigned specials, interlinear annotation
    "\ufffe\uffff"  # non-characters
    "\U0001bca0-\U0001bca3"  # shorthand format controls
    "\U0001d173-\U0001d17a"  # musical format controls
    "\U000e0000-\U000e007f"  # tag characters
    "\U000e0080-\U000e00ff\U000e01f0-\U000e0fff"  # unassigned default-ignorables
)
CONTROL_CHARACTERS = re.compile(f"[{_INVISIBLE}{_JOINERS}{_VARIATION_SELECTORS}]")
"""Characters no link, merge tag or fallback may hold (text keeps some: ``clean_text``)."""

_SUBDIVISION_FLAGS = tuple(
    "\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in code) + "\U000e007f"
    for code in ("gbeng", "gbsct", "gbwls")
)
_INVISIBLE_OR_FLAG = re.compile("(" + "|".join(_SUBDIVISION_FLAGS) + f")|[{_INVISIBLE}]")
_VARIATION_SELECTOR = re.compile(f"[{_VARIATION_SELECTORS}]")
_JOINER = re.compile(f"[{_JOINERS}]")


def _is_base(char: str) -> bool:
    """A visible character a variation selector or joiner may attach to."""
    return not (char.isspace() or char in _JOINERS or _VARIATION_SELECTOR.match(char))


def strip_invisible(value: str) -> str:
    """``value`` without control, bidi-control and invisible characters.

    Kept: tab, line feed, carriage return; one variation selector after a visible
    character; a joiner (U+200C/U+200D) between two visible non-ASCII characters; the
    tag characters of the England, Scotland and Wales flags.
    """
    value = _INVISIBLE_OR_FLAG.sub(lambda m: m.group(1) or "", value)
    if _VARIATION_SELECTOR.search(value):
        kept: list[str] = []
        for char in value:
            if _VARIATION_SELECTOR.match(char) and not (kept and _is_base(kept[-1])):
                continue
            kept.append(char)
        value = "".join(kept)
    if _JOINER.search(value):
        value = "".join(
            char for i, char in enumerate(value) if char not in _JOINERS or _joins(value, i)
        )
    return value


def _joins(value: str, i: int) -> bool:
    """Whether the joiner at ``i`` sits between two visible non-ASCII characters (the
    first may be a variation selector, as in the rainbow flag's U+FE0F U+200D)."""
    before, after = value[i - 1 : i], value[i + 1 : i + 2]
    return bool(
        before
        and after
        and not before.isascii()
        and not after.isascii()
        and not (before.isspace() or before in _JOINERS)
        and _is_base(after)
    )


# -- template syntax -----------------------------------------------------------------

TEMPLATE_DELIMITER = re.compile(r"\{\{|\}\}|\{%|%\}|\*\||\|\*|\[\[|\]\]|<%|%>|\$\{|\{#|#\}|%%")
"""Two-character delimiters: Handlebars, Liquid, Jinja, HubL, Mailchimp, SFMC, …"""
_PERCENT_TAG = re.compile(r"%[A-Za-z][A-Za-z0-9_.\-]*%")
_BRACKET_TAG = re.compile(
    r"\[[A-Za-z][A-Za-z0-9_]*,\s*fallback=[^\]]*\]"
    r"|\[(?:firstname|lastname|fullname|name|email|unsubscribe|webversion|preferences"
    r"|forwardtoafriend|currentday|currentdayname|currentdaynumber|currentmonth"
    r"|currentmonthname|currentyear)\]",
    re.IGNORECASE,
)
_HEX_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_WEB_ADDRESS = re.compile(r"https?://", re.IGNORECASE)


def _percent_tag(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    token_start = max(text.rfind(c, 0, start) for c in " \t\r\n") + 1
    in_address = _WEB_ADDRESS.match(text, token_start) is not None
    if in_address and _HEX_ESCAPE.match(text, start) and _HEX_ESCAPE.match(text, end - 1):
        return match.group()  # two percent-escapes of a web address, not a tag
    return f"% {match.group()[1:-1]} %"


def _bracket_tag(match: re.Match[str]) -> str:
    return f"[ {match.group()[1:-1]} ]"


def neutralise_template_syntax(value: str) -> str:
    """``value`` with no template syntax any email platform would expand.

    Two-character delimiters are split by a space (``{{x}}`` → ``{ {x} }``,
    ``*|FNAME|*`` → ``* |FNAME| *``, ``%%x%%`` → ``% %x% %``); ActiveCampaign
    ``%TAG%`` and Campaign Monitor ``[tag]`` shapes get a space inside each end. Still
    readable, never expanded; repeated until nothing changes, so nested and
    overlapping delimiters (``{{{``, ``%%%%``, ``*|*|``) are broken up as well.
    """
    previous = None
    while previous != value:
        previous = value
        value = TEMPLATE_DELIMITER.sub(lambda m: f"{m.group()[0]} {m.group()[1]}", value)
        value = _PERCENT_TAG.sub(_percent_tag, value)
        value = _BRACKET_TAG.sub(_bracket_tag, value)
    return value


def clean_text(value: str) -> str:
    """The rule for text that reaches an email: nothing invisible, nothing expandable.

    Every subject line, preheader and value in the MJML, HTML and text part has passed
    through it (``escape_text``, ``envelope_text``). Idempotent.
    """
    return neutralise_template_syntax(strip_invisible(value))


# -- where the text goes -------------------------------------------------------------

_BRACES = re.compile(r"[{}|]")
_BRACE_ENTITIES = {"{": "&#123;", "}": "&#125;", "|": "&#124;"}
_MARKUP_TAG = re.compile(r"<(?:[/?]?[A-Za-z]|!)[^<>]*>")
ANGLE_QUOTES = str.maketrans({"<": "\u2039", ">": "\u203a"})
"""Angle brackets shown as look-alike quotes (U+2039, U+203A) in plain-text parts and fields."""


def escape_text(value: str) -> str:
    """Text safe inside an MJML element or attribute: the rule, then no tags, quotes
    or template braces."""
    escaped = html.escape(clean_text(value), quote=True)
    # Braces and pipes are harmless in HTML but are template syntax for ESPs and for us.
    return _BRACES.sub(lambda m: _BRACE_ENTITIES[m.group()], escaped)


def envelope_text(value: str) -> str:
    """A subject line or preheader: the rule, as one line of plain text with no markup.

    ESPs put it into the message's subject or preview field as plain text, but some
    show it as HTML in their preview panes: tag-shaped runs (``<b>``, ``</a>``,
    ``<!-- x -->``) are removed and any other angle bracket is shown as a look-alike quote.
    No HTML escaping: ``&`` and quotes are plain characters here. Idempotent.
    """
    value = strip_invisible(value)
    previous = None
    while previous != value:
        previous, value = value, _MARKUP_TAG.sub("", value)
    value = neutralise_template_syntax(value).translate(ANGLE_QUOTES)
    return " ".join(value.split())
