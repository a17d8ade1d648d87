"""The block library: coverage of every email type, strict loading, true stats."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import pytest

from sbemail.domain import BlockLibrary, BlockLibraryError, BrandData, render, resolve_theme
from sbemail.domain.blocks import PLACEHOLDER, split_template
from sbemail.domain.facts import EmailFacts
from sbemail.domain.layouts import Layout

from samples import BLOCKS_DIR, library

TYPES = ("newsletter", "productgrid", "promotion", "abandonedcart")


@pytest.mark.parametrize("namespace", TYPES)
@pytest.mark.parametrize("section", ["hero", "content", "cta"])
def test_each_email_type_has_three_blocks_per_section(namespace, section):
    own = [b for b in library() if b.namespace == namespace and b.section == section]
    assert len(own) >= 3


@pytest.mark.parametrize(("section", "minimum"), [("divider", 4), ("header", 2), ("footer", 2)])
def test_shared_sections_have_alternatives(section, minimum):
    assert len(library().candidates("shared", section)) >= minimum


@pytest.mark.parametrize("count", range(1, 7))
def test_product_sections_exist_for_every_count_from_one_to_six(count):
    blocks = [b for b in library().candidates("shared", "products") if b.products == count]
    assert len(blocks) >= 2, f"only {len(blocks)} product sections for {count} products"


def test_product_sections_come_as_grid_list_and_feature_plus_grid():
    names = {b.id.rsplit("/", 1)[1].split("-")[0] for b in library() if b.section == "products"}
    assert {"grid", "list", "feature"} <= names


def test_footers_carry_social_address_and_unsubscribe_pieces():
    for footer in library().candidates("shared", "footer"):
        assert {
            "brand.social_markup",
            "brand.address_markup",
            "brand.unsubscribe_markup",
        } <= footer.context_keys


def test_headers_show_the_logo():
    for header in library().candidates("shared", "header"):
        assert header.context_keys & {"brand.logo_markup", "brand.logo_left_markup"}


def test_blocks_are_found_by_namespaced_id_only():
    lib = library()
    block = lib.get("shared/footer/centered")
    assert block.namespace == "shared" and block.section == "footer"
    for hostile in ("../shared/footer/centered", "shared/footer/../../x", "/etc/passwd"):
        with pytest.raises(KeyError):
            lib.get(hostile)


def test_stats_are_true():
    files = sorted(BLOCKS_DIR.glob("*/*/*.mjml"))
    stats = library().stats().as_dict(ttl_minutes=30)
    total = sum(len(p.read_text(encoding="utf-8").strip().encode()) for p in files)
    assert stats == {
        "blockCount": len(files),
        "totalSize": total,
        "cacheSizeMB": round(total / (1024 * 1024), 4),
        "ttlMinutes": 30,
        "initialized": True,
    }
    assert len(library()) == len(files) == len(list(library()))
    assert BlockLibrary([]).stats().as_dict(30)["initialized"] is False


def test_templates_are_split_once_and_rebuild_the_fragment():
    for block in library():
        rebuilt = "".join(lit + (f"{{{{ {key} }}}}" if key else "") for lit, key in block.template)
        assert split_template(rebuilt) == block.template
        assert [k for _, k in block.template if k] == [
            k for _, k in split_template(block.mjml) if k
        ]


def test_version_changes_with_content(tmp_path):
    _write(tmp_path, "shared/divider/gap", _GOOD)
    first = BlockLibrary.load(tmp_path).version
    _write(tmp_path, "shared/divider/gap", _GOOD.replace("20px", "24px"))
    assert BlockLibrary.load(tmp_path).version != first


def test_every_block_has_a_unique_id():
    ids = Counter(b.id for b in library())
    assert max(ids.values()) == 1


# -- stories, offers, greetings --------------------------------------------------------


def _fragment(block) -> ElementTree.Element:
    return ElementTree.fromstring(f"<fragment>{block.mjml}</fragment>")


def _texts(block) -> list[str]:
    """The full inner markup of each ``mj-text`` of a block, placeholders kept."""
    found = []
    for text in _fragment(block).iter("mj-text"):
        inner = (text.text or "") + "".join(
            ElementTree.tostring(child, encoding="unicode") for child in text
        )
        found.append(inner.strip())
    return found


@pytest.mark.parametrize(
    ("namespace", "section", "minimum"),
    [("newsletter", "story", 3), ("shared", "offer", 3), ("shared", "greeting", 2)],
)
def test_stories_offers_and_greetings_have_alternatives(namespace, section, minimum):
    own = [b for b in library() if b.namespace == namespace and b.section == section]
    assert len(own) >= minimum


def test_story_blocks_share_one_vocabulary():
    stories = library().candidates("newsletter", "story")
    vocabulary = library().vocabulary("newsletter", "story")
    assert {s.name for s in vocabulary} == {"kicker", "title", "body", "link_label"}
    for story in stories:
        assert story.slots == vocabulary, f"{story.id} speaks its own vocabulary"
        assert "link.url" in story.context_keys, f"{story.id} links nowhere"
        assert not _fragment(story).findall(".//mj-image"), f"{story.id} shows an image"
        assert not story.requires


def test_every_coupon_block_shows_the_code_and_requires_it():
    offers = library().candidates("shared", "offer")
    coupons = [b for b in offers if "offer.code" in b.requires]
    assert len(coupons) >= 2 and len(offers) > len(coupons), "coupons and a summary"
    for block in offers:
        shows = "offer.code" in block.context_keys
        assert shows == ("offer.code" in block.requires), block.id
        assert ("code_label" in {s.name for s in block.slots}) == shows, block.id
        assert "offer.terms" in block.context_keys, f"{block.id} hides the terms"
        assert not _fragment(block).findall(".//mj-button"), f"{block.id}: the CTA claims it"
    for coupon in coupons:
        assert any("{{ offer.code }}" in text for text in _texts(coupon)), coupon.id


def test_the_greeting_blocks_use_the_first_name_only_in_text():
    greetings = library().candidates("shared", "greeting")
    assert greetings
    for greeting in greetings:
        assert _texts(greeting) == ["{{ salutation }} {{ reader.first_name }},"], greeting.id
        for element in _fragment(greeting).iter():
            assert not any("reader." in value for value in element.attrib.values())


def test_optional_copy_and_offer_terms_stand_alone_in_their_text():
    """The renderer drops an ``mj-text`` left empty: an optional value must be its whole
    content, or the element would stay behind around an empty value."""
    for block in library():
        optional = {s.name for s in block.slots if s.optional} | (
            {"offer.terms"} & block.context_keys
        )
        for text in _texts(block):
            keys = set(PLACEHOLDER.findall(text)) & optional
            if keys:
                assert PLACEHOLDER.fullmatch(text), f"{block.id}: {keys} share their text"


_BRAND = BrandData.model_validate({"store_name": "Shop", "store_url": "https://shop.example/"})


@pytest.mark.parametrize("terms", ["Ends Sunday; one use per customer.", ""])
def test_a_coupon_shows_the_code_and_leaves_out_missing_terms(terms):
    theme, _ = resolve_theme(_BRAND, "minimal_clean")
    facts = EmailFacts(has_offer=True, offer_code="AUTUMN30", offer_terms=terms)
    for coupon in library().candidates("shared", "offer"):
        copy = {f"offer__{s.name}": f"{s.name} copy" for s in coupon.slots}
        email = render(Layout((("offer", coupon),)), theme, _BRAND, copy, facts=facts)
        assert ("AUTUMN30" in email.html) == ("offer.code" in coupon.requires), coupon.id
        assert ("one use per customer" in email.html) == bool(terms), coupon.id
        assert not re.search(r"<mj-text\b[^>]*>\s*</mj-text>", email.mjml), coupon.id


# -- strict loading --------------------------------------------------------------------

_GOOD = """<mj-section background-color="{{ theme.surface }}">
  <mj-column><mj-spacer height="20px" /></mj-column>
</mj-section>"""


def _write(root: Path, block_id: str, mjml: str, manifest: dict | None = None) -> None:
    path = root / f"{block_id}.mjml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(mjml, encoding="utf-8")
    manifest = {"description": "test block", "slots": {}} if manifest is None else manifest
    path.with_suffix(".json").write_text(json.dumps(manifest), encoding="utf-8")


def _text_block(inner: str, attributes: str = "") -> str:
    return f"<mj-section><mj-column><mj-text{attributes}>{inner}</mj-text></mj-column></mj-section>"


BAD_FRAGMENTS = {
    "unknown tag": "<mj-section><mj-column><mj-raw>x</mj-raw></mj-column></mj-section>",
    "script": _text_block("<script>alert(1)</script>"),
    "unknown attribute": _text_block("x", ' onclick="alert(1)"'),
    "literal link": _text_block('<a href="https://evil.example">x</a>'),
    "javascript link": _text_block('<a href="javascript:alert(1)">x</a>'),
    "copy as link": _text_block('<a href="{{ brand.name }}">x</a>'),
    "style with url": _text_block('<span style="background: url(https://x)">x</span>'),
    "not well-formed": "<mj-section><mj-column><mj-text>x</mj-column></mj-section>",
    "undeclared slot": _text_block("{{ headline }}"),
    "unknown context key": _text_block("{{ brand.secret }}"),
    "unknown theme key": _text_block("x", ' color="{{ theme.nope }}"'),
    "raw markup in attribute": _text_block("x", ' color="{{ brand.social_markup }}"'),
    "raw markup inside text": _text_block("hello {{ brand.social_markup }}"),
    "copy in a style attribute": _text_block("x", ' color="{{ brand.name }}"'),
    "top level is not a section": "<mj-column><mj-text>x</mj-text></mj-column>",
    "product in a non-product block": _text_block("{{ product.1.name }}"),
    "text outside a column": "<mj-section><mj-text>x</mj-text></mj-section>",
    "section inside a column": (
        "<mj-section><mj-column><mj-section><mj-column /></mj-section></mj-column></mj-section>"
    ),
    "stray text in a column": "<mj-section><mj-column>hello</mj-column></mj-section>",
    "link inside a link": _text_block(
        '<a href="{{ brand.url }}"><a href="{{ brand.url }}">x</a></a>'
    ),
    "empty fragment": "",
    "merge tag in an attribute": (
        '<mj-section><mj-column><mj-image src="{{ brand.logo_url }}" '
        'alt="{{ reader.first_name }}" /></mj-column></mj-section>'
    ),
}


@pytest.mark.parametrize("fragment", BAD_FRAGMENTS.values(), ids=BAD_FRAGMENTS.keys())
def test_loading_rejects_unsafe_or_unknown_markup(tmp_path, fragment):
    _write(tmp_path, "shared/content/bad", fragment)
    with pytest.raises(BlockLibraryError):
        BlockLibrary.load(tmp_path)


BAD_MANIFESTS = {
    "unknown key": {"description": "x", "slots": {}, "colour": "red"},
    "no description": {"slots": {}},
    "slot without maxLength": {"description": "x", "slots": {"title": {"kind": "text"}}},
    "slot of unknown kind": {
        "description": "x",
        "slots": {"title": {"kind": "html", "maxLength": 9, "hint": "x"}},
    },
    "text slot without hint": {"description": "x", "slots": {"title": {"maxLength": 9}}},
    "unused slot": {
        "description": "x",
        "slots": {
            "title": {"kind": "text", "maxLength": 9, "hint": "x"},
            "extra": {"kind": "text", "maxLength": 9, "hint": "x"},
        },
    },
    "raw slot name": {
        "description": "x",
        "slots": {"title_markup": {"kind": "text", "maxLength": 9, "hint": "x"}},
    },
}


@pytest.mark.parametrize("manifest", BAD_MANIFESTS.values(), ids=BAD_MANIFESTS.keys())
def test_loading_rejects_invalid_manifests(tmp_path, manifest):
    fragment = _text_block("{{ title }}").replace("title_markup", "title")
    _write(tmp_path, "shared/content/bad", fragment, manifest)
    with pytest.raises(BlockLibraryError):
        BlockLibrary.load(tmp_path)


def test_loading_compiles_each_block(tmp_path, monkeypatch):
    _write(tmp_path, "shared/divider/gap", _GOOD)

    def engine_rejects(document: str, **options: object) -> str:
        raise ValueError("unexpected token")

    monkeypatch.setattr("sbemail.domain.block_loading.mjml2html", engine_rejects)
    with pytest.raises(BlockLibraryError, match="does not compile"):
        BlockLibrary.load(tmp_path)


def test_products_block_must_show_each_of_its_products(tmp_path):
    card = '<mj-image src="{{ product.N.image_url }}" alt="{{ product.N.name }}" />'
    two = "".join(card.replace("N", str(n)) for n in (1, 2))
    fragment = f"<mj-section><mj-column>{two}</mj-column></mj-section>"
    _write(tmp_path, "shared/products/three", fragment, {"description": "x", "products": 3})
    with pytest.raises(BlockLibraryError, match=r"not 1\.\.3"):
        BlockLibrary.load(tmp_path)


def test_loading_rejects_unknown_places_and_orphans(tmp_path):
    _write(tmp_path, "marketing/content/x", _GOOD)
    with pytest.raises(BlockLibraryError, match="namespace"):
        BlockLibrary.load(tmp_path)
    (tmp_path / "marketing/content/x.mjml").unlink()
    with pytest.raises(BlockLibraryError, match="without a fragment"):
        BlockLibrary.load(tmp_path)


def test_a_valid_block_loads(tmp_path):
    _write(tmp_path, "shared/divider/gap", _GOOD)
    lib = BlockLibrary.load(tmp_path)
    assert lib.get("shared/divider/gap").context_keys == {"theme.surface"}
