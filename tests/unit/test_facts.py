"""The request's facts: stories from the brief's topics, the link behind each button."""

# ruff: noqa: RUF001  # full-width punctuation of Japanese and Chinese text, on purpose

from __future__ import annotations

import pytest

from sbemail.domain import EmailFacts, EmailType, GenerateRequest, brief_topics
from sbemail.domain.layouts import LayoutFacts, positions_for

from samples import sample_body


@pytest.mark.parametrize(
    ("brief", "topics"),
    [
        (
            "Our November letter: the new Ethiopian single origin, a visit to the roastery, "
            "and holiday opening hours.",
            ["The new Ethiopian single origin", "A visit to the roastery", "Holiday opening hours"],
        ),
        ("News:\n- New beans\n- Cupping night on Friday\n- Gift cards", None),
        ("1. Spring menu\n2. Barista course", ["Spring menu", "Barista course"]),
        ("今月のお知らせ：新しいエチオピア産コーヒー、焙煎所見学、年末年始の営業時間", None),
        ("Winter clearance: 30% off all insulated jackets until Sunday. Free returns.", []),
        ("A calm note about salt and pepper.", []),
    ],
)
def test_brief_topics(brief: str, topics: list[str] | None) -> None:
    found = brief_topics(brief)
    if topics is None:
        assert len(found) == 3
    else:
        assert found == topics


def test_a_newsletter_shows_one_story_position_per_topic() -> None:
    request = GenerateRequest.model_validate(sample_body("cedar"))
    facts = EmailFacts.of(request)
    assert len(facts.stories) == 3
    names = [p.name for p in positions_for(EmailType.NEWSLETTER, facts.layout(1))]
    assert names.count("content") == 0
    assert [n for n in names if n.startswith("story_")] == ["story_1", "story_2", "story_3"]


def test_given_stories_win_over_the_briefs_topics() -> None:
    body = sample_body("cedar")
    body["stories"] = [
        {
            "title": "Kochere is back",
            "summary": "Our favourite lot returns.",
            "url": "https://cedarash.example/journal/kochere",
        },
        {"summary": "Roastery doors open on Saturday."},
    ]
    facts = EmailFacts.of(GenerateRequest.model_validate(body))
    assert [s.url for s in facts.stories] == ["https://cedarash.example/journal/kochere", ""]
    assert facts.story_url(1).endswith("/kochere") and facts.story_url(2) == ""


def test_the_cart_is_the_main_link_of_a_cart_reminder() -> None:
    body = {**sample_body("pixelpet"), "cartUrl": "https://pixelpet.example/cart/abc"}
    assert EmailFacts.of(GenerateRequest.model_validate(body)).primary_url.endswith("/cart/abc")


def test_the_offers_page_is_the_main_link_of_a_promotion() -> None:
    body = sample_body("northwind")
    body["offer"] = {"description": "30% off jackets", "url": "https://northwind.example/sale"}
    facts = EmailFacts.of(GenerateRequest.model_validate(body))
    assert facts.primary_url == "https://northwind.example/sale"
    assert facts.has_offer and "offer" in [
        p.name for p in positions_for(EmailType.PROMOTION, facts.layout(4))
    ]


def test_without_facts_there_is_no_offer_greeting_or_story_position() -> None:
    names = [p.name for p in positions_for(EmailType.PROMOTION, LayoutFacts(products=2))]
    assert "offer" not in names and "greeting" not in names
    assert not any(n.startswith("story_") for n in names)
