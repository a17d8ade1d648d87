"""The optional facts of a request: offer, cart, stories, language, personalization.

Each is checked once, when the request is read, and every mistake is a 400 naming the
field as the caller spells it; links a caller gives must stay on the store's hosts.
"""

from __future__ import annotations

from typing import Any

import pytest

from sbemail.config import Settings
from sbemail.domain import GenerateRequest, store_hosts
from sbemail.local.embedded import read_template
from sbemail.service import InvalidRequestError, parse_request
from sbemail.service.requests import request_seed

from samples import ROOT, sample_body

STORE = "https://northwind.example/"  # the northwind sample's store_url

FULL_FACTS: dict[str, Any] = {
    "offer": {
        "description": "30% off all insulated jackets",
        "code": "WINTER-30",
        "endsAt": "2026-01-31T23:59:00+01:00",
        "terms": "Not combinable with other offers.",
        "url": "https://northwind.example/sale",
    },
    "cartUrl": "https://www.northwind.example/cart?id=42",
    "stories": [
        {"title": "New jackets", "summary": "Our warmest shell yet.", "url": STORE + "new"},
        {"summary": "Free repairs, for life."},
    ],
    "language": "pt-br",
    "personalization": {"firstName": "*|FNAME|*", "fallback": "friend"},
}


FACT_FIELDS = ("offer", "cartUrl", "stories", "language", "personalization")


def body(**facts: Any) -> dict[str, Any]:
    """The northwind sample without any facts it may ship with, plus ``facts``."""
    plain = {k: v for k, v in sample_body("northwind").items() if k not in FACT_FIELDS}
    return {**plain, **facts}


def error_of(request_body: Any) -> InvalidRequestError:
    with pytest.raises(InvalidRequestError) as caught:
        parse_request(request_body)
    return caught.value


def fields_of(request_body: Any) -> set[str]:
    return {detail["field"] for detail in error_of(request_body).details}


def test_a_request_without_facts_has_none() -> None:
    request = parse_request(body())
    assert request.offer is None and request.cart_url is None and request.stories is None
    assert request.language is None and request.personalization is None


def test_every_fact_is_read_with_its_helpers() -> None:
    request = parse_request(body(**FULL_FACTS))
    assert request.offer is not None
    assert request.offer.description == "30% off all insulated jackets"
    assert request.offer.code == "WINTER-30"
    assert request.offer.ends_at == "2026-01-31T23:59:00+01:00"  # the caller's own string
    assert request.offer.terms == "Not combinable with other offers."
    assert request.offer.url == "https://northwind.example/sale"
    assert request.cart_url == "https://www.northwind.example/cart?id=42"
    assert request.stories is not None
    assert [s.title for s in request.stories] == ["New jackets", None]
    assert request.stories[0].url == STORE + "new"
    assert request.language == "pt-BR"  # conventional case
    assert request.writing_language == "pt-BR"
    assert request.personalization is not None
    assert request.personalization.first_name == "*|FNAME|*"
    assert request.personalization.fallback == "friend"


def test_facts_survive_the_stored_round_trip() -> None:
    """The worker re-reads a stored request from its JSON dump with aliases."""
    request = parse_request(body(**FULL_FACTS))
    dump = request.model_dump(mode="json", by_alias=True)
    assert dump["cartUrl"] == FULL_FACTS["cartUrl"]
    assert dump["offer"]["endsAt"] == FULL_FACTS["offer"]["endsAt"]
    assert dump["personalization"]["firstName"] == "*|FNAME|*"
    again = GenerateRequest.model_validate(dump)
    assert again == request
    assert again.model_dump(mode="json", by_alias=True) == dump
    assert request_seed(again) == request_seed(request)


def test_a_request_without_facts_keeps_its_seed() -> None:
    """Absent facts are left out of the seed: layouts chosen before facts existed stay."""
    request = parse_request(body())
    assert request_seed(request) == request_seed(GenerateRequest.model_validate(body()))
    assert request_seed(parse_request(body(language="en"))) != request_seed(request)


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_blank_optional_facts_mean_absent(blank: Any) -> None:
    request = parse_request(body(cartUrl=blank, language=blank, offer=None, stories=[]))
    assert request.cart_url is None and request.language is None
    assert request.offer is None and request.stories is None


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"offer": {"code": "X"}}, "offer.description"),
        ({"offer": {"description": ""}}, "offer.description"),
        ({"offer": {"description": "x" * 301}}, "offer.description"),
        ({"offer": {"description": "Sale", "code": "WIN 30"}}, "offer.code"),
        ({"offer": {"description": "Sale", "code": "<b>"}}, "offer.code"),
        ({"offer": {"description": "Sale", "code": "A" * 41}}, "offer.code"),
        ({"offer": {"description": "Sale", "endsAt": "next Sunday"}}, "offer.endsAt"),
        ({"offer": {"description": "Sale", "endsAt": "2026-02-30"}}, "offer.endsAt"),
        ({"offer": {"description": "Sale", "endsAt": "2026-01-31T25:00"}}, "offer.endsAt"),
        ({"offer": {"description": "Sale", "terms": "x" * 301}}, "offer.terms"),
        ({"offer": {"description": "Sale", "url": "javascript:alert(1)"}}, "offer.url"),
        ({"offer": "30% off"}, "offer"),
        ({"cartUrl": "/cart"}, "cartUrl"),
        ({"cartUrl": "ftp://northwind.example/cart"}, "cartUrl"),
        ({"stories": [{"title": "No summary"}]}, "stories.0.summary"),
        ({"stories": [{"summary": "ok"}, {"summary": ""}]}, "stories.1.summary"),
        ({"stories": [{"summary": "ok"}, {"summary": "x" * 1001}]}, "stories.1.summary"),
        ({"stories": [{"summary": "ok", "title": "t" * 121}]}, "stories.0.title"),
        ({"stories": [{"summary": f"s{n}"} for n in range(5)]}, "stories"),
        ({"stories": [{"summary": "ok", "url": "data:text/html,x"}]}, "stories.0.url"),
        ({"language": "english please"}, "language"),
        ({"language": "pt_BR"}, "language"),
        ({"language": "e"}, "language"),
        ({"language": "en-" + "a" * 40}, "language"),
        ({"personalization": {"fallback": "friend"}}, "personalization.firstName"),
        ({"personalization": {"firstName": "Dear {{x}}"}}, "personalization.firstName"),
        ({"personalization": {"firstName": "{{ unsubscribe_link }}"}}, "personalization.firstName"),
        (
            {"personalization": {"firstName": "*|FNAME|*", "fallback": "<b>you</b>"}},
            "personalization.fallback",
        ),
        (
            {"personalization": {"firstName": "*|FNAME|*", "fallback": "{{ x }}"}},
            "personalization.fallback",
        ),
        (
            {"personalization": {"firstName": "*|FNAME|*", "fallback": "x" * 41}},
            "personalization.fallback",
        ),
    ],
)
def test_an_invalid_fact_is_named(facts: dict[str, Any], field: str) -> None:
    assert fields_of(body(**facts)) == {field}


@pytest.mark.parametrize(
    "ends_at",
    [
        "2026-01-31",
        "2026-01-31T23:59",
        "2026-01-31T23:59:59",
        "2026-01-31T23:59:59Z",
        "2026-01-31T23:59:59.250+01:00",
        "2026-01-31 23:59:59-0500",
    ],
)
def test_an_offer_may_end_on_an_iso_8601_date_or_date_time(ends_at: str) -> None:
    request = parse_request(body(offer={"description": "Sale", "endsAt": ends_at}))
    assert request.offer is not None and request.offer.ends_at == ends_at


@pytest.mark.parametrize(
    ("tag", "canonical"),
    [
        ("en", "en"),
        ("ja", "ja"),
        ("pt-BR", "pt-BR"),
        ("zh-Hant", "zh-Hant"),
        ("ZH-hant-tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("sr-Latn-RS", "sr-Latn-RS"),
        ("de-CH-1996", "de-CH-1996"),
        ("en-US-x-twain", "en-US-x-twain"),
        ("fil", "fil"),
    ],
)
def test_language_is_a_bcp_47_tag_in_conventional_case(tag: str, canonical: str) -> None:
    assert parse_request(body(language=tag)).language == canonical


@pytest.mark.parametrize(
    ("location", "facts"),
    [
        ("cartUrl", {"cartUrl": "https://evil.example/cart"}),
        ("cartUrl", {"cartUrl": "https://northwind.example.evil.example/cart"}),
        ("cartUrl", {"cartUrl": "https://evilnorthwind.example/"}),
        ("cartUrl", {"cartUrl": "https://northwind.example@evil.example/"}),
        ("offer.url", {"offer": {"description": "Sale", "url": "https://instagram.com/nw"}}),
        (
            "stories.1.url",
            {"stories": [{"summary": "a"}, {"summary": "b", "url": "http://evil.example/"}]},
        ),
    ],
)
def test_a_link_off_the_store_is_refused_and_named(location: str, facts: dict) -> None:
    error = error_of(body(**facts))
    assert [d["field"] for d in error.details] == [location]


def test_the_refusal_says_where_links_may_point() -> None:
    error = error_of(body(cartUrl="https://evil.example/cart"))
    assert "northwind.example" in error.details[0]["message"]


def test_links_on_the_store_its_www_form_and_subdomains_are_accepted() -> None:
    request = parse_request(
        body(
            cartUrl="https://www.northwind.example/cart",
            offer={"description": "Sale", "url": "http://shop.northwind.example/sale"},
            stories=[{"summary": "x", "url": "https://NORTHWIND.example/blog"}],
        )
    )
    assert request.cart_url == "https://www.northwind.example/cart"


def test_every_foreign_link_is_named_at_once() -> None:
    facts = {
        "cartUrl": "https://evil.example/",
        "offer": {"description": "Sale", "url": "https://evil.example/"},
        "stories": [{"summary": "x", "url": "https://evil.example/"}],
    }
    assert fields_of(body(**facts)) == {"cartUrl", "offer.url", "stories.0.url"}


def test_the_store_hosts_are_its_host_and_www_twin() -> None:
    request = parse_request(body())
    assert store_hosts(request.brand) == {"northwind.example", "www.northwind.example"}
    www = parse_request(sample_body("cedar"))
    www.brand.store_url = "https://www.cedarash.example/shop"
    assert store_hosts(www.brand) == {"cedarash.example", "www.cedarash.example"}


@pytest.mark.parametrize(
    "tag",
    [
        "*|FNAME|*",
        "{{ first_name }}",
        "{{ person.first_name|default:'there' }}",
        "{{ contact.firstname }}",
        "%%FirstName%%",
        "%%First_Name%%",
        "{{${first_name}}}",
        "{{firstName}}",
        "{{first_name}}",
        "-first_name-",
    ],
)
def test_personalization_takes_the_platforms_first_name_merge_tags(tag: str) -> None:
    facts = {"personalization": {"firstName": tag, "fallback": "there"}}
    request = parse_request(body(**facts))
    assert request.personalization is not None
    assert request.personalization.first_name == tag


def test_the_writing_language_is_given_or_read_from_the_brief() -> None:
    japanese = "冬のセールです。人気のジャケットが30%オフ。週末だけの特別価格です。"
    assert parse_request(body(userContext=japanese)).writing_language == "ja"
    assert parse_request(body(userContext=japanese, language="en")).writing_language == "en"
    assert parse_request(body()).writing_language is None  # English: the brief's own


def test_the_brief_cap_flows_from_template_to_settings() -> None:
    template = read_template(ROOT / "template.yaml")
    assert template["Parameters"]["MaxBriefChars"]["Default"] == 4000
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["MAX_BRIEF_CHARS"] in ("MaxBriefChars", {"Ref": "MaxBriefChars"})
    assert Settings.from_env({}).max_brief_chars == 4000
    assert Settings.from_env({"MAX_BRIEF_CHARS": "6000"}).max_brief_chars == 6000
