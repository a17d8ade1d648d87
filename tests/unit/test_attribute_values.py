"""Our DynamoDB attribute values match boto3's, so dropping boto3 changes no item."""

from __future__ import annotations

from decimal import Decimal

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer

from sbemail.storage.attribute_values import deserialize, serialize

VALUES = [
    None,
    True,
    False,
    0,
    -17,
    2**62,
    Decimal("3.25"),
    "",
    "déjà vu ✉",
    b"\x00\xffzlib",
    {1, 2, 3},
    {"a", "b"},
    {b"x", b"y"},
    {"nested": {"list": [1, "two", None, {"deep": True}], "n": Decimal("1.5")}},
    [1, [2, [3]]],
    ("a", 1),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_serialized_like_boto3(value: object) -> None:
    ours, theirs = serialize(value), TypeSerializer().serialize(value)
    assert set(ours) == set(theirs)
    kind = next(iter(ours))
    if kind in ("NS", "SS", "BS"):  # sets have no order
        assert sorted(ours[kind]) == sorted(theirs[kind])
    else:
        assert ours == _plain(theirs)


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_round_trips_to_what_boto3_reads(value: object) -> None:
    attribute = serialize(value)
    assert _plain(deserialize(attribute)) == _plain(TypeDeserializer().deserialize(attribute))


def test_floats_and_unknown_types_are_refused() -> None:
    with pytest.raises(TypeError):
        serialize(1.5)
    with pytest.raises(TypeError):
        serialize(object())
    with pytest.raises(TypeError):
        serialize({1, "mixed"})
    with pytest.raises(TypeError):
        deserialize({"XX": "?"})


def _plain(value: object) -> object:
    """boto3 wraps binary values in ``Binary``; compare the bytes."""
    if isinstance(value, Binary):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return {_plain(v) for v in value}
    return value
