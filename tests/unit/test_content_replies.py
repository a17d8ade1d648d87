"""Reading answers: strict JSON for OpenAI, a narrow repair for compatible servers."""

from __future__ import annotations

import pytest

from sbemail.content.replies import check_reply, parse_json

from fakes.briefs import brief


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "b"}',
        '```json\n{"a": "b"}\n```',
        '```\n{"a": "b"}\n```',
        'Sure! Here is the JSON:\n{"a": "b"}\nHope it helps.',
        '{"a": "b",}',
        '```json\n{"a": "b",}\n```',
    ],
)
def test_repair_reads_wrapped_json(text: str) -> None:
    assert parse_json(text, repair=True) == {"a": "b"}


@pytest.mark.parametrize("text", ['{"a": "b"', "no json here", "", "```json\n```"])
def test_unrepairable_answers_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_json(text, repair=True)


def test_without_repair_only_exact_json_is_read() -> None:
    with pytest.raises(ValueError):
        parse_json('```json\n{"a": "b"}\n```')


def test_check_reply_names_what_is_wrong() -> None:
    variant = brief("northwind")
    clean, problems = check_reply(variant, "{not json")
    assert clean == {} and [p.field for p in problems] == ["$"]
    values = {f.name: "ok" for f in variant.fields}
    values["subjectLine"] = "s" * 61
    clean, problems = check_reply(variant, __import__("json").dumps(values))
    assert [(p.field, p.problem) for p in problems] == [
        ("subjectLine", "61 characters, at most 60")
    ]
