"""Properties of reading a request and of its response-cache key, over generated input.

The cache answers a request with another caller's emails when their keys match, so the
key must ignore exactly what the parser ignores (key order, unknown fields, the
whitespace it strips, a default spelled out) and must see everything else that decides
the emails; the store always partitions it. Parsing must be a fixed point (a parsed
request written back reads the same) and must answer any JSON with our own 400 error.
"""

from __future__ import annotations

import copy
import json
import random
import string
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sbemail.domain import GenerateRequest
from sbemail.service import InvalidRequestError, parse_request
from sbemail.service.requests import output_digest
from sbemail.storage import entry_key

from samples import sample_body, sample_names

PRODUCER = {"model": "gpt-test", "provider": "openai", "blocks": "b1", "prompt": "p1"}
SAMPLES = st.sampled_from(sample_names())
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Keys the brand reader maps from profile services (``brand_profiles``): not "unknown".
_PROFILE_KEYS = {"title", "domain", "fonts", "colors", "logos", "backdrops", "socials"}
_UNKNOWN_KEY = st.text(string.ascii_letters, min_size=1, max_size=12).map(lambda s: "zz" + s)
_WHITESPACE = st.text(" \t\n\r\u00a0\u2003", max_size=3)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def key_of(body: Any) -> str:
    request = parse_request(copy.deepcopy(body))
    return entry_key(request.store_id, 0, output_digest(request, PRODUCER))


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same JSON with every object's keys in another order."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {key: shuffled(item, rng) for key, item in items}
    if isinstance(value, list):
        return [shuffled(item, rng) for item in value]
    return value


def padded(value: Any, pad: Callable[[], str], path: tuple[str, ...] = ()) -> Any:
    """The same JSON with whitespace around every free string (enums are names, not text)."""
    if isinstance(value, dict):
        return {key: padded(item, pad, (*path, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [padded(item, pad, path) for item in value]
    if isinstance(value, str) and path != ("emailType",):
        return pad() + value + pad()
    return value


# -- what must not change the key ----------------------------------------------------------


@PROPERTY
@given(name=SAMPLES, seed=st.integers())
def test_key_order_changes_neither_the_request_nor_its_key(name: str, seed: int) -> None:
    body = sample_body(name)
    other = shuffled(body, random.Random(seed))
    assert parse_request(other) == parse_request(body)
    assert key_of(other) == key_of(body)


@PROPERTY
@given(name=SAMPLES, data=st.data())
def test_unknown_fields_change_neither_the_request_nor_its_key(name: str, data: Any) -> None:
    body = sample_body(name)
    extra = data.draw(st.dictionaries(_UNKNOWN_KEY, JSON, min_size=1, max_size=3))
    brand_extra = data.draw(
        st.dictionaries(_UNKNOWN_KEY.filter(lambda k: k not in _PROFILE_KEYS), JSON, max_size=3)
    )
    other = {**body, **extra, "brandData": {**body["brandData"], **brand_extra}}
    assert parse_request(other) == parse_request(body)
    assert key_of(other) == key_of(body)


@PROPERTY
@given(name=SAMPLES, pads=st.lists(_WHITESPACE, min_size=1, max_size=50))
def test_surrounding_whitespace_changes_neither_the_request_nor_its_key(
    name: str, pads: list[str]
) -> None:
    body = sample_body(name)
    spaces = iter(pads * 200)
    other = padded(body, lambda: next(spaces))
    assert parse_request(other) == parse_request(body)
    assert key_of(other) == key_of(body)


@PROPERTY
@given(name=SAMPLES)
def test_a_default_spelled_out_and_the_theme_alias_share_a_key(name: str) -> None:
    body = {
        key: value
        for key, value in sample_body(name).items()
        if key not in {"variants", "designAesthetic", "styleId"}
    }
    assert key_of({**body, "variants": 3}) == key_of(body)
    assert key_of({**body, "styleId": "luxe_mono"}) == key_of(
        {**body, "designAesthetic": "luxe_mono"}
    )


# -- what must change it --------------------------------------------------------------------

_TEXT = st.text(string.ascii_letters + " ", min_size=1, max_size=40).map(str.strip).filter(bool)


def _set(path: tuple[str, ...]) -> Callable[[dict[str, Any], Any], None]:
    def apply(body: dict[str, Any], value: Any) -> None:
        target = body
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value

    return apply


# Every field of a request that decides the emails, with values it may take. A field
# added to ``GenerateRequest`` must be listed here or among the ignored ones below.
OUTPUT_FIELDS: dict[str, tuple[Callable[[dict[str, Any], Any], None], st.SearchStrategy[Any]]] = {
    "brand": (_set(("brandData", "store_name")), _TEXT),
    "email_type": (
        _set(("emailType",)),
        st.sampled_from(["Newsletter", "Productgrid", "Promotion", "AbandonedCart"]),
    ),
    "user_context": (_set(("userContext",)), _TEXT),
    "tone": (_set(("tone",)), _TEXT),
    "image_context": (_set(("imageContext",)), _TEXT),
    "design_aesthetic": (
        _set(("designAesthetic",)),
        st.sampled_from(["luxe_mono", "bold_pop", "minimal_clean"]),
    ),
    "variants": (_set(("variants",)), st.integers(1, 5)),
    "offer": (_set(("offer",)), _TEXT.map(lambda text: {"description": text})),
    "cart_url": (_set(("cartUrl",)), st.none()),  # filled from the store's own host below
    "stories": (_set(("stories",)), _TEXT.map(lambda text: [{"summary": text}])),
    "language": (_set(("language",)), st.sampled_from(["en", "de", "pt-BR", "ja"])),
    "personalization": (
        _set(("personalization",)),
        st.sampled_from(["*|FNAME|*", "{{ first_name }}"]).map(lambda tag: {"firstName": tag}),
    ),
}
IGNORED_FIELDS = {"store_id": "partitions the key", "style_id": "alias of designAesthetic"}


def test_every_request_field_is_either_in_the_key_or_knowingly_left_out() -> None:
    assert set(GenerateRequest.model_fields) == set(OUTPUT_FIELDS) | set(IGNORED_FIELDS)


@PROPERTY
@given(name=SAMPLES, field=st.sampled_from(sorted(OUTPUT_FIELDS)), data=st.data())
def test_every_output_field_changes_the_key(name: str, field: str, data: Any) -> None:
    body = sample_body(name)
    apply, values = OUTPUT_FIELDS[field]
    other = copy.deepcopy(body)
    value = data.draw(values)
    if field == "cart_url":
        value = parse_request(body).brand.store_url.rstrip("/") + "/cart/" + data.draw(_TEXT)
        value = value.replace(" ", "-")
    apply(other, value)
    try:
        before, after = parse_request(body), parse_request(other)
    except InvalidRequestError:
        return  # e.g. a theme the brand cannot use: nothing to key
    if before == after:
        return  # the drawn value was the sample's own
    if field == "design_aesthetic":
        from sbemail.domain import resolve_theme

        if resolve_theme(before.brand, before.aesthetic) == resolve_theme(
            after.brand, after.aesthetic
        ):
            return  # another spelling of the same theme: same emails, same key
    assert key_of(other) != key_of(body)


@PROPERTY
@given(
    name=SAMPLES,
    stores=st.lists(
        st.from_regex(r"[A-Za-z0-9_.:-]{1,40}", fullmatch=True), min_size=2, max_size=2
    ),
)
def test_the_store_always_partitions_the_key(name: str, stores: list[str]) -> None:
    body = sample_body(name)
    first, second = (key_of({**body, "storeId": store}) for store in stores)
    assert (first == second) == (stores[0] == stores[1])
    assert first.split("#")[1] == stores[0]


# -- parsing is a fixed point and fails only with our error --------------------------------


@PROPERTY
@given(name=SAMPLES, pads=st.lists(_WHITESPACE, min_size=1, max_size=20), seed=st.integers())
def test_a_parsed_request_written_back_parses_to_itself(
    name: str, pads: list[str], seed: int
) -> None:
    spaces = iter(pads * 200)
    request = parse_request(
        shuffled(padded(sample_body(name), lambda: next(spaces)), random.Random(seed))
    )
    for written in (
        request.model_dump(mode="json", by_alias=True),
        request.model_dump(mode="json"),
        json.loads(request.model_dump_json(by_alias=True)),
    ):
        again = parse_request(written)
        assert again == request
        assert key_of(written) == entry_key(request.store_id, 0, output_digest(request, PRODUCER))


def _mutations(body: dict[str, Any], data: Any) -> dict[str, Any]:
    """``body`` with a few of its values, anywhere, replaced by arbitrary JSON."""
    mutated = copy.deepcopy(body)
    for _ in range(data.draw(st.integers(1, 4))):
        target: Any = mutated
        while isinstance(target, dict | list) and target:
            keys = list(target) if isinstance(target, dict) else list(range(len(target)))
            key = data.draw(st.sampled_from(keys))
            if not isinstance(target[key], dict | list) or data.draw(st.booleans()):
                target[key] = data.draw(JSON)
                break
            target = target[key]
    return mutated


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=JSON)
def test_any_json_is_read_or_refused_with_our_error(body: Any) -> None:
    try:
        parse_request(body)
    except InvalidRequestError as error:
        assert error.details and all(detail["field"] for detail in error.details)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=SAMPLES, data=st.data())
def test_a_sample_with_arbitrary_values_is_read_or_refused_with_our_error(
    name: str, data: Any
) -> None:
    body = _mutations(sample_body(name), data)
    try:
        request = parse_request(body)
    except InvalidRequestError as error:
        assert error.details and all(detail["field"] for detail in error.details)
    else:
        assert parse_request(request.model_dump(mode="json", by_alias=True)) == request


@pytest.mark.parametrize("name", sample_names())
def test_the_samples_are_read_as_given(name: str) -> None:
    """The generators above start from these; they must be valid as shipped."""
    parse_request(sample_body(name))
