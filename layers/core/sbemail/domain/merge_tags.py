"""The reader's first-name merge tag: the one template syntax that may reach an email.

Everything else that looks like template syntax is broken up
(``safety.neutralise_template_syntax``), because the sending platform would expand it.
A first-name tag of a known email platform, exactly as that platform writes it, is the
exception: the renderer inserts it as is, after checking it here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .safety import CONTROL_CHARACTERS, TEMPLATE_DELIMITER

# The one place that says which template syntax may reach an email: a first-name merge
# tag of a known email platform, exactly as that platform writes it. Everything else that
# looks like template syntax is broken up (``neutralise_template_syntax``). Each pattern
# is anchored, admits no markup characters, no nested tags and no spaces beyond the
# tag's own syntax; a default value (where the platform has one) is short plain text.

MAX_MERGE_TAG_CHARS = 60
_DEFAULT_VALUE = r"'[A-Za-z0-9\u00C0-\u024F .,!-]{0,20}'"
MERGE_TAG_PATTERNS: Mapping[str, re.Pattern[str]] = {
    # Mailchimp merge field
    "mailchimp": re.compile(r"\*\|FNAME\|\*"),
    # Klaviyo (Django-style): {{ first_name }}, {{ person.first_name|default:'there' }}
    "klaviyo": re.compile(
        r"\{\{ ?(?:person\.)?first_name(?: ?\| ?default: ?" + _DEFAULT_VALUE + r")? ?\}\}"
    ),
    # HubSpot HubL
    "hubspot": re.compile(r"\{\{ ?contact\.firstname ?\}\}"),
    # Salesforce Marketing Cloud personalization string
    "salesforce": re.compile(r"%%(?:FirstName|First_Name|firstname|first_name)%%"),
    # Braze Liquid: {{${first_name}}}, {{${first_name} | default: 'there'}}
    "braze": re.compile(r"\{\{\$\{first_name\}(?: ?\| ?default: ?" + _DEFAULT_VALUE + r")?\}\}"),
    # Iterable Handlebars
    "iterable": re.compile(r"\{\{ ?firstName ?\}\}"),
    # SendGrid: dynamic templates (Handlebars) and legacy substitution tags
    "sendgrid": re.compile(r"\{\{ ?first_name ?\}\}|-first_name-|-firstName-"),
    # Customer.io Liquid
    "customerio": re.compile(r"\{\{ ?customer\.first_name ?\}\}"),
    # Brevo (Sendinblue)
    "brevo": re.compile(r"\{\{ ?contact\.FIRSTNAME ?\}\}"),
    # ActiveCampaign personalization tag
    "activecampaign": re.compile(r"%FIRSTNAME%"),
    # Campaign Monitor: [firstname], [firstname,fallback=there]
    "campaignmonitor": re.compile(
        r"\[firstname(?:,fallback=[A-Za-z0-9\u00C0-\u024F .!-]{0,20})?\]"
    ),
}
_MARKUP_OR_TEMPLATE = re.compile(r"[<>&\"'`\\{}\[\]|%$*]")


def merge_tag_platform(tag: str) -> str | None:
    """The email platform whose first-name merge tag ``tag`` is exactly, else ``None``."""
    if not isinstance(tag, str) or len(tag) > MAX_MERGE_TAG_CHARS or CONTROL_CHARACTERS.search(tag):
        return None
    for platform, pattern in MERGE_TAG_PATTERNS.items():
        if pattern.fullmatch(tag):
            return platform
    return None


def is_merge_tag(tag: str) -> bool:
    """Whether ``tag`` is a known first-name merge tag: the only template syntax we emit."""
    return merge_tag_platform(tag) is not None


def is_plain_text(value: str) -> bool:
    """No markup characters, template syntax or control characters: safe anywhere as is.

    Used for values that sit next to a merge tag (its fallback), where the sending
    platform, not us, decides what is expanded.
    """
    return not (
        _MARKUP_OR_TEMPLATE.search(value)
        or CONTROL_CHARACTERS.search(value)
        or TEMPLATE_DELIMITER.search(value)
    )


_FALLBACK = re.compile(r"[A-Za-z0-9\u00C0-\u024F .,!-]{1,20}")


def with_fallback(tag: str, fallback: str) -> str:
    """``tag`` written so the platform shows ``fallback`` for readers without a name.

    Only in each platform's own syntax for a default, and only when ``tag`` carries
    none yet: Mailchimp's conditional merge tags, Klaviyo's and Braze's ``default``
    filter, Campaign Monitor's ``fallback``. Other platforms set defaults in their own
    account settings, so their tag is returned as it is; so is any ``fallback`` outside
    the short plain words a default may hold. Returns ``""`` for an unknown ``tag``.
    """
    platform = merge_tag_platform(tag)
    if platform is None:
        return ""
    if not fallback or not _FALLBACK.fullmatch(fallback) or "default" in tag:
        return tag
    if platform == "mailchimp":
        return f"*|IF:FNAME|*{tag}*|ELSE:|*{fallback}*|END:IF|*"
    if platform == "klaviyo":
        return tag.rstrip("} ").rstrip() + f"|default:'{fallback}' }}}}"
    if platform == "braze":
        return tag[: -len("}}")] + f" | default: '{fallback}'}}}}"
    if platform == "campaignmonitor" and "fallback" not in tag:
        return tag[:-1] + f",fallback={fallback}]"
    return tag
