"""Repair before reject: normalised, then measured; modest overruns cut, labels defaulted."""

from __future__ import annotations

import pytest

from sbemail.domain import CopyForm, fit, review_copy

from fakes.briefs import brief
from fakes.hostile import PAYLOADS, foreign_in


def _answer(variant, **overrides: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A valid answer for every written field (half its limit), with overrides."""
    values = {}
    for field in variant.written:
        words = "Warm layers for the trail ahead and the long way home"
        values[field.name] = (words * 10)[: max(1, field.max_length // 2)].strip()
    return {**values, **overrides}


def _field(variant, form: CopyForm, with_default: bool = False):  # type: ignore[no-untyped-def]
    return next(
        f
        for f in variant.written
        if f.form is form and bool(f.default) is with_default and f.max_length >= 20
    )


def test_whitespace_is_normalised_before_measuring() -> None:
    variant = brief("northwind")
    field = _field(variant, CopyForm.HEADLINE)
    at_limit = ("word " * 40)[: field.max_length].strip()
    at_limit += "x" * (field.max_length - len(at_limit))
    noisy = "  " + at_limit.replace(" ", "  ", 1) + "\n"
    review = review_copy(variant, _answer(variant, **{field.name: noisy}))
    assert review.problems == ()
    assert review.values[field.name] == at_limit
    assert review.repairs == ()


def test_a_modest_overrun_of_a_headline_is_cut_at_a_word_without_an_ellipsis() -> None:
    variant = brief("northwind")
    field = _field(variant, CopyForm.HEADLINE)
    long = ("Winter clearance on every insulated jacket and parka " * 3)[
        : int(field.max_length * 1.2)
    ]
    review = review_copy(variant, _answer(variant, **{field.name: long}))
    value = review.values[field.name]
    assert len(value) <= field.max_length
    assert not value.endswith("…") and long.startswith(value)
    assert long[len(value)] == " "  # never mid-word
    assert [r.action for r in review.repairs] == ["shortened"]


def test_a_sentence_is_cut_at_a_sentence_boundary_when_one_keeps_enough() -> None:
    text = "Through Sunday every jacket is 30% off. Free returns on every order placed online."
    assert fit(text, 60, CopyForm.SENTENCE) == "Through Sunday every jacket is 30% off."


def test_a_sentence_without_a_boundary_is_cut_at_a_word_with_an_ellipsis() -> None:
    text = "Every insulated jacket in the store is thirty percent off until the end of Sunday"
    cut = fit(text, 50, CopyForm.SENTENCE)
    assert cut.endswith("…") and len(cut) <= 50
    assert text.startswith(cut[:-1])


def test_text_without_spaces_is_cut_at_a_clause_mark() -> None:
    text = "冬のセール開催中、人気のジャケットがすべて三割引き、日曜日まで"
    cut = fit(text, 27, CopyForm.HEADLINE)
    assert cut == "冬のセール開催中、人気のジャケットがすべて三割引き"
    assert fit(text, 20, CopyForm.HEADLINE) == text[:20]  # no mark far enough: the limit


def test_an_over_long_label_takes_the_blocks_default() -> None:
    variant = brief("northwind")
    field = _field(variant, CopyForm.LABEL, with_default=True)
    review = review_copy(variant, _answer(variant, **{field.name: "x " * field.max_length}))
    assert review.values[field.name] == field.default
    assert review.repairs[0].action == "default"


def test_a_large_overrun_is_a_problem_with_its_lengths_until_the_final_review() -> None:
    variant = brief("northwind")
    field = _field(variant, CopyForm.HEADLINE)
    long = "Jackets " * field.max_length
    first = review_copy(variant, _answer(variant, **{field.name: long}))
    (problem,) = first.problems
    assert (problem.field, problem.length, problem.limit) == (
        field.name,
        len(long.strip()),
        field.max_length,
    )
    final = review_copy(variant, _answer(variant, **{field.name: long}), final=True)
    assert final.problems == () and len(final.values[field.name]) <= field.max_length


@pytest.mark.parametrize("address", PAYLOADS)
def test_foreign_addresses_are_removed_and_listed(address: str) -> None:
    variant = brief("northwind")
    field = _field(variant, CopyForm.SENTENCE)
    review = review_copy(variant, _answer(variant, **{field.name: f"Visit {address} today."}))
    assert foreign_in(review.values[field.name]) == []
    assert any(r.action == "address_removed" for r in review.repairs)


def test_the_stores_own_address_stays() -> None:
    variant = brief("northwind")
    field = _field(variant, CopyForm.SENTENCE)
    text = "Everything is at northwind.example today."
    review = review_copy(variant, _answer(variant, **{field.name: text}))
    assert review.values[field.name] == text


def test_fields_the_layout_does_not_show_are_ignored() -> None:
    variant = brief("northwind")
    hidden = next(f.name for f in variant.fields if f.name not in variant.used)
    review = review_copy(variant, _answer(variant, **{hidden: "x" * 5000}))
    assert hidden not in review.values and review.problems == ()


def test_a_missing_headline_is_a_problem_but_a_missing_optional_field_is_not() -> None:
    variant = brief("northwind")
    headline = _field(variant, CopyForm.HEADLINE)
    answer = _answer(variant)
    del answer[headline.name]
    optional = [f.name for f in variant.written if f.optional]
    for name in optional:
        answer[name] = ""
    review = review_copy(variant, answer)
    assert [p.field for p in review.problems] == [headline.name]
