"""Event types carry their meaning; `EventMeanings` is where code asks for it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tailored.domain.events import (
    BUILTIN_EVENT_TYPES,
    MEANINGS,
    EventMeanings,
    EventType,
    check_event_type,
)
from tailored.errors import InvalidInput


def test_every_builtin_is_a_valid_definition() -> None:
    for event_type in BUILTIN_EVENT_TYPES.values():
        check_event_type(event_type)
        assert event_type.builtin and event_type.description


def test_meanings_answer_by_meaning_not_by_name() -> None:
    custom = {
        "wishlist_add": EventType("wishlist_add", weight=2.0, phrase="saved {item} for later"),
        "subscription_start": EventType("subscription_start", weight=4.0, meaning="conversion"),
        "return": EventType("return", meaning="negative"),
        "banner_shown": EventType("banner_shown", meaning="exposure"),
    }
    meanings = EventMeanings({**BUILTIN_EVENT_TYPES, **custom})
    assert meanings.named("conversion") == ("purchase", "subscription_start")
    assert meanings.named("exposure") == ("banner_shown", "impression")
    assert meanings.named("negative") == ("dismiss", "remove_from_cart", "return")
    assert meanings.named("click") == ("click",) and meanings.named("view") == ("view",)
    assert meanings.weights["wishlist_add"] == 2.0 and "return" not in meanings.weights
    assert set(meanings.history) == {*meanings.weights, "dismiss", "remove_from_cart", "return"}
    assert meanings.says("wishlist_add", "Tent") == "saved Tent for later"
    assert meanings.says("subscription_start", "Pro") == "interacted with Pro"


def test_a_title_with_braces_is_only_text() -> None:
    assert BUILTIN_EVENT_TYPES["purchase"].says("{item} mug") == "bought {item} mug"


GOOD = EventType("wishlist_add", weight=2.0, phrase="saved {item} for later")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "Wish List"}, "name"),
        ({"weight": -0.5}, "weight"),
        ({"weight": float("inf")}, "weight"),
        ({"weight": 1000.5}, "weight"),
        ({"weight": True}, "weight"),
        ({"meaning": "delight"}, "meaning"),
        ({"meaning": "negative"}, "weight"),  # weight 2 on a signal against the item
        ({"phrase": "saved it"}, "phrase"),
        ({"phrase": "saved {item} and {item}"}, "phrase"),
        ({"phrase": "saved {title}"}, "phrase"),
        ({"phrase": "saved {item"}, "phrase"),
        ({"phrase": " saved {item}"}, "phrase"),
        ({"phrase": "saved {item}\n"}, "phrase"),
        ({"phrase": "x" * 75 + " {item}"}, "phrase"),
    ],
)
def test_a_definition_that_cannot_work_names_the_field(
    changes: dict[str, object], field: str
) -> None:
    check_event_type(GOOD)
    with pytest.raises(InvalidInput) as error:
        check_event_type(replace(GOOD, **changes))  # type: ignore[arg-type]
    assert error.value.field == field


def test_every_meaning_is_accepted() -> None:
    for meaning in MEANINGS:
        check_event_type(replace(GOOD, meaning=meaning, weight=0.0))
