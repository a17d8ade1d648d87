# ruff: noqa: RUF001 - the corpus is multilingual text, written as readers see it
"""No URL, domain or email address reaches an email's text unless it is the store's.

Mail clients link bare ``evil.example`` and ``x@evil.example``, so addresses in text
are links. The corpus below is what a hostile brief or a misled model would write;
every foreign address must go, every address of the store must stay, and ordinary
text (decimals, abbreviations, prices, versions) must come back unchanged.
"""

from __future__ import annotations

import random
import time

import pytest

from sbemail.domain.addresses import strip_foreign_addresses

STORE = frozenset({"northwind.example", "www.northwind.example"})

# (as written in the text, what the removal reports, a part that must not survive)
FOREIGN = [
    ("http://evil.example/phish", "http://evil.example/phish", "evil.example"),
    ("https://evil.example", "https://evil.example", "evil.example"),
    ("HTTPS://EVIL.EXAMPLE/X?a=1&b=2#top", "HTTPS://EVIL.EXAMPLE/X?a=1&b=2#top", "EVIL"),
    ("ftp://files.evil.example/x.zip", "ftp://files.evil.example/x.zip", "evil.example"),
    ("ftp://northwind.example/x", "ftp://northwind.example/x", "ftp:"),
    ("https://northwind.example@evil.example/", "https://northwind.example@evil.example/", "evil"),
    (
        "https://northwind.example.evil.example/x",
        "https://northwind.example.evil.example/x",
        "evil",
    ),
    ("http://192.168.0.1/admin", "http://192.168.0.1/admin", "192.168"),
    ("http://[2001:db8::1]/x", "http://[2001:db8::1]/x", "2001:db8"),
    ("203.0.113.9:8080/login", "203.0.113.9:8080/login", "203.0.113"),
    ("//evil.example/x", "evil.example/x", "evil.example"),
    ("www.evil.example", "www.evil.example", "evil.example"),
    ("www.evil-shop.zzz/deal", "www.evil-shop.zzz/deal", "evil-shop"),
    ("evil.example", "evil.example", "evil.example"),
    ("EVIL.COM", "EVIL.COM", "EVIL"),
    ("shop.evil.co.uk", "shop.evil.co.uk", "evil.co"),
    ("bücher.example", "bücher.example", "bücher"),
    ("xn--bcher-kva.example", "xn--bcher-kva.example", "xn--"),
    ("evil.com/path/to?x=1", "evil.com/path/to?x=1", "evil.com"),
    ("evil.shop", "evil.shop", "evil.shop"),
    ("evil.store:8443", "evil.store:8443", "evil.store"),
    ("evil.io", "evil.io", "evil.io"),
    ("t.co/abc", "t.co/abc", "t.co"),
    ("x.com", "x.com", "x.com"),
    ("evilnorthwind.example", "evilnorthwind.example", "evilnorthwind"),
    ("northwind.example.evil.example", "northwind.example.evil.example", "evil.example"),
    ("x@evil.example", "x@evil.example", "evil.example"),
    ("first.last+tag@mail.evil.example", "first.last+tag@mail.evil.example", "evil"),
    ("mailto:x@evil.example", "mailto:x@evil.example", "evil.example"),
    ("sales@northwind.example.evil.example", "sales@northwind.example.evil.example", "evil"),
    ("@evil.example", "evil.example", "evil.example"),
]
ON_HOST = [
    "https://northwind.example/sale",
    "http://northwind.example",
    "https://www.northwind.example/cart?id=1&x=2",
    "https://shop.northwind.example/jackets#warm",
    "northwind.example",
    "NORTHWIND.EXAMPLE",
    "www.northwind.example/cart",
    "blog.northwind.example",
    "hello@northwind.example",
    "mailto:care@support.northwind.example",
]
BENIGN = [
    "2.5 kg",
    "e.g. jackets",
    "made in the U.S.",
    "U.S.A.",
    "9 a.m. to 5 p.m.",
    "i.e. tomorrow",
    "Node.js",
    "Vue.js and Next.js",
    "at 9.30",
    "v1.2.3",
    "version 10.4.2.1",
    "Mr.Smith",
    "$21.50",
    "€9,99",
    "Ph.D.",
    "M.Sc.",
    "opens 10.AM",
    "No.1 seller",
    "3.5mm jack",
    "Q&A",
    "24/7",
    "50% off",
    "1.5x faster",
    "and/or",
    "C++",
    "#winter",
    "@northwind",
    "Fig. 2",
    "etc.",
    "Jan. 5",
    "St. Louis",
    "ca. 30 min",
    "Wait...what?",
    "Sale!!!",
    "p.s. love",
    "vs. last year",
    "100 % Baumwolle",
    "お届けは3〜5営業日です。",
    "价格：¥199.00",
    "1,299.99 USD",
    "30–50% off",
    "sizes S/M/L",
    "file_name",
    "a.b",
]
TEMPLATES = [
    "{}",
    "Visit {} today.",
    "Shop now at {}!",
    "(see {})",
    "Email {} with questions",
    "Go to {}, then pick a size.",
    '"{}"',
    "'{}'",
    "<{}>",
    "詳しくは{}まで。",
    "→{}←",
    "Line one\n{}\nLine three",
]


@pytest.mark.parametrize(("written", "reported", "trace"), FOREIGN)
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_foreign_address_is_removed(
    written: str, reported: str, trace: str, template: str
) -> None:
    text = template.format(written)
    cleaned, removed = strip_foreign_addresses(text, STORE)
    assert removed == [reported]
    assert trace.lower() not in cleaned.lower()


@pytest.mark.parametrize("address", ON_HOST)
@pytest.mark.parametrize("template", TEMPLATES)
def test_the_stores_addresses_are_kept(address: str, template: str) -> None:
    text = template.format(address)
    assert strip_foreign_addresses(text, STORE) == (text, [])


@pytest.mark.parametrize("text", BENIGN)
def test_ordinary_text_is_unchanged(text: str) -> None:
    for template in TEMPLATES:
        written = template.format(text)
        assert strip_foreign_addresses(written, STORE) == (written, [])


def test_without_allowed_hosts_every_address_goes() -> None:
    cleaned, removed = strip_foreign_addresses("Visit northwind.example now", frozenset())
    assert (cleaned, removed) == ("Visit now", ["northwind.example"])


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("visit http://evil.example/phish today", "visit today"),
        ("(see evil.example)", "(see)"),
        ("Shop (evil.example) now", "Shop now"),
        ("Shop now (evil.example).", "Shop now."),
        ("Email us at x@evil.example.", "Email us at."),
        ("Visit: evil.example.", "Visit."),
        ("a, evil.example, b", "a, b"),
        ("Links: evil.example, x@evil.example and www.evil.example.", "Links."),
        ("evil.example, then more", "then more"),
        ("Go to http://evil.example/x!", "Go to!"),
        ("We ship fast.\nevil.example\nThanks!", "We ship fast.\n\nThanks!"),
        ("詳しくはshop.evil.comへ。", "詳しくはへ。"),
        ("お問い合わせは info@evil.com まで", "お問い合わせは まで"),
        ("Sale at northwind.example and evil.example!", "Sale at northwind.example and!"),
        ("(more at https://evil.example/a), then", "(more at), then"),
        ("(https://evil.example/a_(b))", ""),
    ],
)
def test_the_gap_an_address_leaves_is_tidied(text: str, cleaned: str) -> None:
    assert strip_foreign_addresses(text, STORE)[0] == cleaned


def test_a_mixed_corpus_loses_exactly_the_foreign_addresses() -> None:
    """Random texts from the three corpora, joined by spaces, punctuation and CJK text."""
    generator = random.Random(20260704)
    separators = [" ", ", ", "; ", " and ", "\n", " — ", ". ", " / ", "。"]
    corpora = {"foreign": [(w, t) for w, _, t in FOREIGN if t != "ftp:"]}
    corpora["on_host"] = [(a, "") for a in ON_HOST]
    corpora["benign"] = [(b, "") for b in BENIGN]
    kinds = ["foreign", "on_host", "benign", "benign"]
    for _ in range(400):
        pieces = [
            (kind, *generator.choice(corpora[kind]))
            for kind in (generator.choice(kinds) for _ in range(generator.randint(1, 12)))
        ]
        text = "".join(piece + generator.choice(separators) for _, piece, _ in pieces)
        cleaned, removed = strip_foreign_addresses(text, STORE)
        assert len(removed) == sum(kind == "foreign" for kind, _, _ in pieces), text
        for kind, piece, trace in pieces:
            if kind == "foreign":
                assert trace.lower() not in cleaned.lower(), (piece, text, cleaned)
            else:
                assert piece in cleaned, (piece, text, cleaned)


def test_text_holding_a_nul_character_is_tidied_all_the_same() -> None:
    assert strip_foreign_addresses("a\x00 evil.example b", STORE) == ("a\x00 b", ["evil.example"])


def test_text_without_addresses_is_returned_as_is() -> None:
    text = "  Plain   words,\tkept exactly. \n"
    cleaned, removed = strip_foreign_addresses(text, STORE)
    assert cleaned is text and removed == []


@pytest.mark.parametrize(
    "hostile",
    [
        "a." * 50_000,
        "a" * 100_000,
        "a@" * 50_000,
        "x@" + "a." * 50_000,
        "http://" + "a" * 100_000,
        "1." * 50_000,
        "www." * 25_000,
        "a-" * 50_000,
        ".a" * 50_000,
        ("a" * 63 + ".") * 1_560,
        "a." * 30_000 + "com" + "-" * 40_000,
        "evil.example " * 7_700,
        "x@evil.example, " * 6_000,
        "(" * 50_000 + "evil.example" + ")" * 50_000,
        "mailto:" * 14_000,
    ],
)
def test_hostile_input_of_100_kb_is_handled_in_linear_time(hostile: str) -> None:
    start = time.perf_counter()
    strip_foreign_addresses(hostile, STORE)
    assert time.perf_counter() - start < 2.0
