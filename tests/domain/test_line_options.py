"""The options of an order line: checked as text, checked against what the item offers,
and part of what makes a line (and its purchase event) one line."""

from __future__ import annotations

import pytest

from tailored.domain.catalog import Item
from tailored.domain.line_options import check_item_options, check_options, offered_values
from tailored.domain.orders import OrderLine, check_lines, purchase_event_id
from tailored.errors import InvalidInput

SHOE = Item("shoe", attributes={"sizes": [41, 42.0, 42.5], "colour": "Black", "size": "ignored"})


def test_the_plural_attribute_lists_the_values_and_a_single_value_is_the_only_one() -> None:
    assert offered_values(SHOE, "size") == ("41", "42", "42.5")  # plural first
    assert offered_values(SHOE, "colour") == ("Black",)
    assert offered_values(SHOE, "engraving") is None  # nothing listed: any text
    assert offered_values(Item("x", attributes={"sizes": []}), "size") is None


def test_values_take_the_catalogs_spelling_and_a_value_not_offered_is_named() -> None:
    chosen = check_options("options", {" size ": " 42 ", "colour": "black", "engraving": "A.B."})
    assert chosen == {"colour": "black", "engraving": "A.B.", "size": "42"}
    assert check_item_options("options", SHOE, chosen) == {
        "colour": "Black",
        "engraving": "A.B.",
        "size": "42",
    }
    with pytest.raises(InvalidInput) as refused:
        check_item_options("lines.3.options", SHOE, {"size": "43"})
    assert refused.value.field == "lines.3.options.size"
    assert refused.value.problem == "must be one of 41, 42, 42.5 (the item's sizes), not '43'"


def test_names_given_twice_after_trimming_are_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_options("options", {"size": "M", "size ": "L"})
    assert (refused.value.field, refused.value.problem) == ("options.size", "is given twice")


def test_an_item_on_two_lines_with_other_options_is_two_lines_and_two_purchase_events() -> None:
    lines = check_lines([("tee", 1, {"size": "M"}), ("tee", 1, {"size": "XL"}), ("tee", 1)])
    assert len({line.key for line in lines}) == 3
    ids = {purchase_event_id("o-1", line.item_id, line.options) for line in lines}
    assert len(ids) == 3 and purchase_event_id("o-1", "tee") == "order:o-1:tee"
    # Options never spell out the id of another item's line of the same order.
    assert purchase_event_id("o-1", "tee", {"size": "XL"}) != purchase_event_id(
        "o-1", "tee:size=XL"
    )
    slash = purchase_event_id("o-1", "tee", {"size": "M/L"})
    assert "/" not in slash and slash != purchase_event_id("o-1", "tee", {"size": "M-L"})
    long = purchase_event_id("o" * 250, "tee", {"size": "M"})
    assert len(long) <= 256 and long != purchase_event_id("o" * 250, "tee", {"size": "L"})


def test_a_line_read_back_goes_in_again_as_it_is() -> None:
    read = OrderLine("tee", 2, Item("tee"), {"size": "M"})
    assert check_lines([read]) == [OrderLine("tee", 2, options={"size": "M"})]


def test_an_option_name_in_another_case_is_still_checked_and_spelled_as_the_catalog() -> None:
    assert check_item_options("options", SHOE, {"SIZE": "41", "Colour": "BLACK"}) == {
        "colour": "Black",
        "size": "41",
    }
    with pytest.raises(InvalidInput) as refused:
        check_item_options("options", SHOE, {"Size": "XXL"})
    assert refused.value.field == "options.Size"
    with pytest.raises(InvalidInput) as twice:
        check_item_options("options", SHOE, {"Size": "41", "size": "42"})
    assert twice.value.problem == "is given twice (as 'size' too)"
