"""Layout selection: every product shown, variety across variants, repeatable."""

from __future__ import annotations

import pytest

from sbemail.domain import EmailType, choose_layouts
from sbemail.domain.layouts import positions_for

from samples import library

TYPES = list(EmailType)


@pytest.mark.parametrize("email_type", TYPES)
@pytest.mark.parametrize("count", range(1, 6))
def test_count_layouts_in_reading_order(email_type, count):
    layouts = choose_layouts(library(), email_type, 2, count, "seed")
    assert len(layouts) == count
    for layout in layouts:
        names = [name for name, _ in layout.positions]
        assert names[:3] == ["header", "hero", "divider_top"]
        assert names[-3:] == ["divider_bottom", "cta", "footer"]
        for name, block in layout.positions:
            assert block.section == name.removesuffix("_top").removesuffix("_bottom")


@pytest.mark.parametrize("email_type", TYPES)
def test_no_block_repeats_in_a_position_while_alternatives_remain(email_type):
    layouts = choose_layouts(library(), email_type, 3, 5, "variety")
    for index, (name, _) in enumerate(layouts[0].positions):
        chosen = [layout.positions[index][1].id for layout in layouts]
        section = layouts[0].positions[index][1].section
        options = library().candidates(email_type.namespace, section)
        if section == "products":
            options = [b for b in options if b.products == 3]
        distinct_possible = min(len(options), len(layouts))
        assert len(set(chosen)) == distinct_possible, (name, chosen)


@pytest.mark.parametrize("email_type", TYPES)
def test_identical_requests_get_identical_layouts(email_type):
    first = choose_layouts(library(), email_type, 4, 3, "same-seed")
    again = choose_layouts(library(), email_type, 4, 3, "same-seed")
    assert [layout.id for layout in first] == [layout.id for layout in again]
    others = {
        tuple(layout.id for layout in choose_layouts(library(), email_type, 4, 3, f"seed-{n}"))
        for n in range(8)
    }
    assert len(others) > 1, "the seed should matter"


@pytest.mark.parametrize(
    "email_type", [EmailType.PRODUCT_GRID, EmailType.PROMOTION, EmailType.ABANDONED_CART]
)
@pytest.mark.parametrize("products", range(1, 7))
def test_every_product_is_shown_for_one_to_six_products(email_type, products):
    for layout in choose_layouts(library(), email_type, products, 5, "p"):
        (section,) = [block for name, block in layout.positions if name == "products"]
        assert section.products == products
        shown = {key.split(".")[1] for key in section.context_keys if key.startswith("product.")}
        assert shown == {str(n) for n in range(1, products + 1)}


def test_five_products_get_a_five_product_section():
    layouts = choose_layouts(library(), EmailType.PRODUCT_GRID, 5, 2, "five")
    assert {dict(layout.positions)["products"].products for layout in layouts} == {5}


def test_without_products_there_is_no_product_section():
    for email_type in TYPES:
        names = [p.name for p in positions_for(email_type, 0)]
        assert "products" not in names and "content" in names


def test_newsletters_have_no_product_section_even_with_products():
    assert "products" not in [p.name for p in positions_for(EmailType.NEWSLETTER, 3)]
