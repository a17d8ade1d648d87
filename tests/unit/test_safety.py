"""Hostile copy and brand data never become markup, links or live template syntax.

The proof compares structure: an email rendered from hostile text must have exactly
the elements and attributes (and link targets) of the same layout rendered from
harmless text, in MJML and in HTML; and no payload may survive as markup, a link or a
merge tag in the MJML, the HTML or the plain text.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest

from sbemail.domain import BrandData, EmailType, choose_layouts, render, resolve_theme
from sbemail.domain.merge_tags import (
    MAX_MERGE_TAG_CHARS,
    MERGE_TAG_PATTERNS,
    is_merge_tag,
    is_plain_text,
    merge_tag_platform,
    with_fallback,
)
from sbemail.domain.rendering import UNSUBSCRIBE_MERGE_TAG, LinkPolicy
from sbemail.domain.safety import clean_text, envelope_text, escape_text, neutralise_template_syntax
from sbemail.domain.web_addresses import host_allowed, safe_url

from samples import library

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "</mj-text><mj-raw><script>alert(1)</script></mj-raw><mj-text>",
    '<mj-button href="https://evil.example">Win</mj-button>',
    "<a href='https://evil.example'>click</a>",
    "{{ brand.unsubscribe_markup }}",
    "{{x}} {% if 1 %}y{% endif %} ${z}",
    "*|MERGE|* *|UNSUB|* [[name]] <%= x %>",
    'style="background:url(javascript:alert(1))"',
    "\x00\x1b[31m\u202eevil",
    "%%FirstName%% %%[SET @x=1]%% %%=v(@x)=%% %FIRSTNAME% [email,fallback=you] [email]",
    "\u2066\u2069\u061c\ufeff\u180e\U000e0041\U000e0042 hidden",
]
HOSTILE = " ".join(PAYLOADS)
FORBIDDEN = [
    # markup a payload would need; the same words as escaped text are inert, and the
    # structure comparison proves no element or attribute was added
    "<script",
    "<img src=x",
    "<mj-raw",
    '<mj-button href="https://evil',
    "<a href='https://evil",
    # live template syntax for us or an email platform
    "{{",
    "}}",
    "{%",
    "%}",
    "*|",
    "|*",
    "[[",
    "<%",
    "${",
    # control and direction-override characters
    "\u202e",
    "\x1b",
    "\x00",
    "\u2066",
    "\u2069",
    "\u061c",
    "\ufeff",
    "\u180e",
    "\U000e0041",
    # Salesforce Marketing Cloud, ActiveCampaign and Campaign Monitor tags
    "%%",
    "%FIRSTNAME%",
    "[email,fallback=",
    "[email]",
]


def brand_with(text: str, url: str) -> BrandData:
    return BrandData.model_validate(
        {
            "store_name": f"Shop {text}"[:120],
            "store_url": "https://shop.example/",
            "logo_url": url,
            "banner_url": url,
            "slogan": text[:200],
            "social_links": {"instagram": url, "facebook": "https://facebook.com/shop"},
            "address": {"street": text[:200], "city": "Town"},
            "products": [
                {
                    "name": f"Item {n} {text}"[:120],
                    "url": url,
                    "image_url": url,
                    "description": text[:600],
                    "price": text[:40],
                }
                for n in range(1, 4)
            ],
        }
    )


class _Structure(HTMLParser):
    """Tags, attribute names and URL values, in order: what text must not change."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[str, tuple[str, ...], tuple[str | None, ...]]] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        names = tuple(sorted(name for name, _ in attrs))
        urls = tuple(value for name, value in sorted(attrs) if name in ("href", "src"))
        self.items.append((tag, names, urls))


def structure(markup: str) -> list[tuple[str, tuple[str, ...], tuple[str | None, ...]]]:
    parser = _Structure()
    parser.feed(markup)
    return parser.items


def _render_pair(email_type: EmailType, aesthetic: str, seed: str):  # type: ignore[no-untyped-def]
    layouts = choose_layouts(library(), email_type, 3, 3, seed)
    theme_brand = brand_with("Plain words", "https://shop.example/p")
    theme, _ = resolve_theme(theme_brand, aesthetic)
    for layout in layouts:
        fields = {"subjectLine": 60, "preheader": 110}
        for position, block in layout.positions:
            for slot in block.slots:
                fields[f"{position}__{slot.name}"] = slot.max_length
        plain = {name: "Plain words" for name in fields}
        hostile = {name: HOSTILE for name in fields}
        yield (
            render(layout, theme, theme_brand, plain),
            render(layout, theme, brand_with(HOSTILE, "https://shop.example/p"), hostile),
            render(layout, theme, brand_with(HOSTILE, "javascript:alert(1)"), hostile),
        )


@pytest.mark.parametrize("aesthetic", ["minimal_clean", "luxe_mono"])
@pytest.mark.parametrize("email_type", list(EmailType))
def test_hostile_text_changes_no_structure_and_survives_nowhere(email_type, aesthetic):
    renders = _render_pair(email_type, aesthetic, f"{email_type}-{aesthetic}")
    for plain, hostile, hostile_urls in renders:
        hostile_mjml_structure = structure(hostile.mjml)
        assert [(t, a) for t, a, _ in hostile_mjml_structure] == [
            (t, a) for t, a, _ in structure(plain.mjml)
        ]
        assert [(t, a) for t, a, _ in structure(hostile.html)] == [
            (t, a) for t, a, _ in structure(plain.html)
        ]
        for output in (*_outputs(hostile), *_outputs(hostile_urls)):
            cleaned = output.replace(UNSUBSCRIBE_MERGE_TAG, "")
            for forbidden in FORBIDDEN:
                assert forbidden not in cleaned, forbidden
        for _tag, _names, urls in structure(hostile.html) + structure(hostile_urls.html):
            for url in urls:
                assert url == UNSUBSCRIBE_MERGE_TAG or (url or "").startswith("https://")


def _outputs(email) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    return email.mjml, email.html, email.text


def test_links_only_reach_the_store_its_socials_and_its_products():
    brand = BrandData.model_validate(
        {
            "store_name": "Shop",
            "store_url": "https://www.shop.example/",
            "social_links": {"instagram": "https://instagram.com/shop"},
            "products": [{"name": "A", "url": "https://shop.example/a"}],
        }
    )
    policy = LinkPolicy.for_brand(brand)
    fallback = "https://www.shop.example/"
    assert policy.link("https://shop.example/sale", fallback) == "https://shop.example/sale"
    assert policy.link("https://blog.shop.example/x", fallback) == "https://blog.shop.example/x"
    assert policy.link("https://instagram.com/shop", fallback) == "https://instagram.com/shop"
    for hostile in (
        "https://evil.example/",
        "https://shop.example.evil.example/",
        "https://evil.example/?https://shop.example",
        "javascript:alert(1)",
        "//evil.example",
    ):
        assert policy.link(hostile, fallback) == fallback


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>",
        "vbscript:x",
        "//evil.example/x",
        "/relative",
        "https://user:pw@shop.example/",
        'https://shop.example/"onmouseover="x',
        "https://shop.example/<script>",
        "https://shop.example/a b",
        "https://shop.example/\u0000",
        "https://shop.example/{{x}}",
        "https://shop.example:99999/",
        "ftp://shop.example/",
        "",
    ],
)
def test_only_clean_absolute_http_urls_pass(url):
    assert safe_url(url) is None


def test_plain_http_and_https_urls_pass():
    assert safe_url("https://shop.example/p?a=1&b=2") == "https://shop.example/p?a=1&b=2"
    assert safe_url("http://shop.example") == "http://shop.example"


def test_escaping_leaves_no_markup_quotes_or_template_braces():
    escaped = escape_text("<b>\"x\" & 'y' {{z}} *|A|*")
    assert not any(ch in escaped for ch in "<>\"'{}|")
    assert neutralise_template_syntax("{{{x}}}") == "{ { {x} } }"
    assert neutralise_template_syntax("*|FNAME|*") == "* |FNAME| *"
    assert neutralise_template_syntax("%%[SET @x=1]%%") == "% %[SET @x=1]% %"
    assert (
        neutralise_template_syntax("%FIRSTNAME% [email] [sic]") == "% FIRSTNAME % [ email ] [sic]"
    )


def test_escaping_and_the_subject_rule_are_the_same_text_rule():
    hostile = "<b>Hi</b> *|FNAME|* %%[SET @x=1]%% \u202e\u2066x\ufeff"
    assert html.unescape(escape_text(hostile)) == clean_text(hostile)
    assert envelope_text(hostile) == "Hi * |FNAME| * % %[SET @x=1]% % x"


FIRST_NAME_TAGS = {
    "*|FNAME|*": "mailchimp",
    "{{ first_name }}": "klaviyo",
    "{{ person.first_name }}": "klaviyo",
    "{{ first_name|default:'there' }}": "klaviyo",
    "{{ person.first_name|default:'Friend' }}": "klaviyo",
    "{{ contact.firstname }}": "hubspot",
    "%%FirstName%%": "salesforce",
    "%%First_Name%%": "salesforce",
    "{{${first_name}}}": "braze",
    "{{${first_name} | default: 'there'}}": "braze",
    "{{firstName}}": "iterable",
    "{{first_name}}": "klaviyo",  # SendGrid's Handlebars form reads the same
    "-first_name-": "sendgrid",
    "{{ customer.first_name }}": "customerio",
    "{{ contact.FIRSTNAME }}": "brevo",
    "%FIRSTNAME%": "activecampaign",
    "[firstname]": "campaignmonitor",
    "[firstname,fallback=there]": "campaignmonitor",
}


@pytest.mark.parametrize(("tag", "platform"), FIRST_NAME_TAGS.items())
def test_each_platforms_first_name_merge_tag_is_known(tag: str, platform: str) -> None:
    assert merge_tag_platform(tag) == platform and is_merge_tag(tag)
    assert len(tag) <= MAX_MERGE_TAG_CHARS
    assert not any(ch in tag for ch in '<>"&\n')  # safe to insert into markup as is


@pytest.mark.parametrize(
    "tag",
    [
        "",
        "FNAME",
        "*|UNSUB|*",
        "*|LNAME|*",
        "*|FNAME|* *|UNSUB|*",
        "{{ first_name }}{{ unsubscribe }}",
        "{{ first_name }} ",
        " {{first_name}}x",
        "{{  first_name  }}",
        "{{ first_name | upcase }}",
        "{{ first_name|default:'<b>x</b>' }}",
        '{{ first_name|default:"there" }}',
        "{{ first_name|default:'{{x}}' }}",
        "{{ first_name|default:'" + "x" * 40 + "' }}",
        "{{ first_name\n}}",
        "{% if first_name %}{{ first_name }}{% endif %}",
        "%%=v(@FirstName)=%%",
        "%%[SET @x = 1]%%",
        "{{ contact.email }}",
        "{{${last_name}}}",
        "[firstname,fallback=<b>]",
        "<%= first_name %>",
        "${first_name}",
        "{{first_name}}\u202e",
    ],
)
def test_anything_else_is_not_a_merge_tag(tag: str) -> None:
    assert merge_tag_platform(tag) is None and not is_merge_tag(tag)


def test_every_platform_in_the_merge_tag_table_is_exercised() -> None:
    assert set(FIRST_NAME_TAGS.values()) == set(MERGE_TAG_PATTERNS)


@pytest.mark.parametrize("value", ["there", "Friend", "chère cliente", "お客様", "valued guest!"])
def test_plain_text_fallbacks_pass(value: str) -> None:
    assert is_plain_text(value)


@pytest.mark.parametrize(
    "value",
    ["<b>you</b>", "{{ x }}", "*|FNAME|*", "%%x%%", "${x}", "a & b", 'say "hi"', "[x]", "\x00"],
)
def test_fallbacks_with_markup_or_template_syntax_fail(value: str) -> None:
    assert not is_plain_text(value)


def test_host_matching_takes_the_www_twin_and_subdomains_only() -> None:
    hosts = frozenset({"www.shop.example"})
    assert host_allowed("shop.example", hosts)
    assert host_allowed("WWW.SHOP.EXAMPLE", hosts)
    assert host_allowed("blog.shop.example", hosts)
    assert host_allowed("shop.example.", hosts)
    assert not host_allowed("evilshop.example", hosts)
    assert not host_allowed("shop.example.evil.example", hosts)
    assert not host_allowed("example", hosts)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("*|FNAME|*", "*|IF:FNAME|**|FNAME|**|ELSE:|*there*|END:IF|*"),
        ("{{ first_name }}", "{{ first_name|default:'there' }}"),
        ("{{ person.first_name|default:'friend' }}", "{{ person.first_name|default:'friend' }}"),
        ("{{${first_name}}}", "{{${first_name} | default: 'there'}}"),
        ("[firstname]", "[firstname,fallback=there]"),
        ("%%FirstName%%", "%%FirstName%%"),  # its default lives in the account settings
        ("{{ evil }}", ""),  # not a merge tag: nothing reaches the email
    ],
)
def test_the_fallback_is_written_in_each_platforms_own_syntax(tag: str, expected: str) -> None:
    assert with_fallback(tag, "there") == expected


def test_a_fallback_that_is_not_plain_words_is_left_out() -> None:
    assert with_fallback("{{ first_name }}", "th'ere }}") == "{{ first_name }}"
