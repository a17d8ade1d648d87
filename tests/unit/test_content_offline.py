"""The offline writer: true, fitting, non-repeating copy from the request's facts alone.

It is the first email a new user sees, so besides being valid it must read like copy:
written from the structured facts, never the brief (an instruction to a copywriter),
never cut to fit, never saying one sentence twice.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from sbemail.content import OfflineContentModel
from sbemail.domain import VariantBrief, review_copy, validate_copy

from fakes.briefs import briefs_for, sample, sample_names

OFFER = {
    "description": "30% off all insulated jackets",
    "code": "WINTER30",
    "endsAt": "2025-11-30",
    "terms": "Excludes gift cards.",
}
CART_OFFER = {"description": "Free shipping", "endsAt": "2025-12-02T18:00:00Z"}
STORIES = [
    {"title": "A new roast", "summary": "Our Ethiopian single origin lands this week."},
    {"summary": "We opened the roastery doors for a Saturday visit. Forty of you came."},
]
CASES: list[tuple[str, dict[str, Any]]] = [
    *((name, {}) for name in sample_names()),
    ("northwind", {"offer": OFFER}),
    ("northwind", {"offer": OFFER, "emailType": "Productgrid"}),
    ("pixelpet", {"offer": CART_OFFER, "personalization": {"firstName": "*|FNAME|*"}}),
    ("cedar", {"stories": STORIES}),
]
CASE_IDS = [f"{name}-{'-'.join(changes) or 'sample'}" for name, changes in CASES]


def _written(name: str, **changes: Any) -> list[tuple[VariantBrief, dict[str, str]]]:
    model = OfflineContentModel()
    return [
        (b, {k: str(v) for k, v in model.write(b).values.items()})
        for b in briefs_for(sample(name), **changes)
    ]


def _sentences(text: str) -> list[str]:
    """Sentences as a reader compares them: case, punctuation and spacing aside."""
    parts = re.split(r"(?<=[.!?])\s+", text)
    return [" ".join(re.sub(r"[^\w\s]", " ", p).lower().split()) for p in parts if p.strip()]


@pytest.mark.parametrize(("name", "changes"), CASES, ids=CASE_IDS)
def test_every_value_fits_whole_and_passes_the_final_review(
    name: str, changes: dict[str, Any]
) -> None:
    for variant, values in _written(name, **changes):
        for field in variant.written:
            value = values[field.name]
            assert len(value) <= field.max_length, (field.name, value)
            assert not value.endswith(("…", "...")), (field.name, value)
            assert value or field.optional, field.name
        review = review_copy(variant, values, final=True)
        assert review.problems == ()
        assert review.repairs == (), review.repairs  # nothing shortened, defaulted or removed
        assert validate_copy(variant, values)[1] == []


@pytest.mark.parametrize(("name", "changes"), CASES, ids=CASE_IDS)
def test_no_sentence_is_said_twice_in_one_email(name: str, changes: dict[str, Any]) -> None:
    for _, values in _written(name, **changes):
        said = [s for value in values.values() for s in _sentences(value)]
        assert len(said) == len(set(said)), sorted(s for s in said if said.count(s) > 1)


@pytest.mark.parametrize(("name", "changes"), CASES, ids=CASE_IDS)
def test_the_brief_is_never_quoted(name: str, changes: dict[str, Any]) -> None:
    brief = sample(name)["userContext"]
    for _, values in _written(name, **changes):
        text = " ".join(_sentences(" ".join(values.values())))
        for sentence in _sentences(brief):
            assert sentence not in text, sentence


@pytest.mark.parametrize(("name", "changes"), CASES, ids=CASE_IDS)
def test_variants_differ_and_each_is_deterministic(name: str, changes: dict[str, Any]) -> None:
    model = OfflineContentModel()
    variants = briefs_for(sample(name), **changes)
    emails = [model.write(v) for v in variants]
    assert all(model.write(v) == e for v, e in zip(variants, emails, strict=True))
    assert all(e.usage.output_tokens == 0 and e.cost_usd == 0.0 for e in emails)
    assert len({tuple(sorted(e.values.items())) for e in emails}) == len(emails)
    assert len({e.values["subjectLine"] for e in emails}) > 1
    assert model.provider == "offline" and model.prompt_version == "offline-3"


@pytest.mark.parametrize("changes", [{}, {"offer": CART_OFFER}])
def test_a_cart_email_names_what_is_waiting(changes: dict[str, Any]) -> None:
    for _, values in _written("pixelpet", **changes):
        body = " ".join(v for k, v in values.items() if k.endswith("__body"))
        assert "Orthopedic Dog Bed (L)" in body and "Catnip Kicker Toy" in body


def test_a_promotion_states_its_offer_and_when_it_ends() -> None:
    for _, values in _written("northwind", offer=OFFER):
        text = " ".join(values.values())
        assert "30% off all insulated jackets" in text
        assert "30 November" in text and "2025-11-30" not in text
        if "offer__details" in values:  # the box does not restate its own headline
            assert "30% off all insulated jackets" not in values["offer__details"]


def test_nothing_is_promised_that_the_request_does_not_state() -> None:
    for name in sample_names():
        for _, values in _written(name, offer=None):
            text = " ".join(values.values()).lower()
            assert "%" not in text and "discount" not in text
            assert "shipping" not in text and "returns" not in text  # only the briefs say so
            assert "until sunday" not in text
    for _, values in _written("pixelpet", offer=CART_OFFER):
        assert any("2 December" in value for value in values.values())


def test_a_newsletter_writes_one_titled_story_per_topic() -> None:
    topics = {"The new Ethiopian single origin", "A visit to the roastery", "Holiday opening hours"}
    for _, values in _written("cedar"):
        titles = [values[f"story_{n}__title"] for n in (1, 2, 3)]
        assert set(titles) == topics
        bodies = [values[f"story_{n}__body"] for n in (1, 2, 3)]
        assert all(t[1:].lower() in b.lower() for t, b in zip(titles, bodies, strict=True))
        assert "holiday opening hours" in values["hero__intro"]  # mid-sentence, as briefed


def test_caller_stories_are_told_in_their_own_words() -> None:
    for _, values in _written("cedar", stories=STORIES):
        assert values["story_1__title"] == "A new roast"
        assert values["story_1__body"].startswith("Our Ethiopian single origin lands this week.")
        assert values["story_2__title"] == "We opened the roastery doors for a Saturday visit"
        assert values["story_2__body"].startswith("Forty of you came.")


def test_optional_fields_stay_empty_without_anything_true_to_say() -> None:
    notes = [v["cta__note"] for _, v in _written("pixelpet", offer=None) if "cta__note" in v]
    assert notes and all(note == "" for note in notes)  # no terms, no slogan
    # with an offer, its box shows the terms: the closing note does not repeat them
    shown = [v["cta__note"] for _, v in _written("pixelpet", offer=CART_OFFER) if "cta__note" in v]
    assert shown and all(note == "" for note in shown)


def test_another_language_still_gets_english_copy() -> None:
    body = sample("cedar")
    english = briefs_for(body, layout_seed="seed")
    french = briefs_for(body, layout_seed="seed", language="fr")
    model = OfflineContentModel()
    for en, fr in zip(english, french, strict=True):
        assert model.write(fr).values == model.write(en).values


@pytest.mark.parametrize("email_type", ["Newsletter", "Productgrid", "Promotion", "AbandonedCart"])
def test_long_facts_are_phrased_to_fit_not_cut(email_type: str) -> None:
    body = sample("northwind")
    brand = {
        **body["brandData"],
        "store_name": "The Northwind Outfitters Heritage Weatherproof Clothing Company of Maine",
        "slogan": "Built for the long way home, " * 6 + "and back again.",
        "products": [
            {**p, "name": f"{p['name']} with a name far longer than any card shows"}
            for p in body["brandData"]["products"]
        ],
    }
    offer = {**OFFER, "description": "30% off " + "all insulated jackets and parkas, " * 5}
    for variant in briefs_for(body, brandData=brand, emailType=email_type, offer=offer):
        values = OfflineContentModel().write(variant).values
        review = review_copy(variant, values, final=True)
        assert review.problems == () and review.repairs == ()
        for field in variant.written:
            value = str(values[field.name])
            assert len(value) <= field.max_length and not value.endswith("…")
            assert not value.endswith((" and", " the", ",")), (field.name, value)
