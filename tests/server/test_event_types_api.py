"""/v1/event-types: the built-ins, registering custom types and changing their meaning."""

from __future__ import annotations

from typing import Any

import pytest

from tailored.domain.events import BUILTIN_EVENT_TYPES

WISHLIST = {"name": "wishlist_add", "requires_item": True, "description": "Saved for later."}


def _types(api: Any) -> dict[str, dict[str, Any]]:
    response = api.client.get("/v1/event-types", headers=api.serve)
    assert response.status_code == 200
    return {t["name"]: t for t in response.json()}


def test_the_list_holds_every_builtin(api: Any) -> None:
    types = _types(api)

    assert set(types) == set(BUILTIN_EVENT_TYPES)
    assert all(t["builtin"] is True for t in types.values())
    assert (types["rate"]["requires_item"], types["rate"]["requires_value"]) == (True, True)
    assert (types["search"]["requires_item"], types["search"]["requires_value"]) == (False, False)
    assert all(t["description"] for t in types.values())


def test_the_builtins_say_what_they_mean(api: Any) -> None:
    types = _types(api)

    weights = {name: t["weight"] for name, t in types.items() if t["weight"] > 0}
    assert weights == {
        "purchase": 5.0, "add_to_cart": 3.0, "like": 2.0, "share": 2.0,
        "click": 2.0, "rate": 1.0, "view": 1.0,
    }  # fmt: skip
    meanings = {name: t["meaning"] for name, t in types.items() if t["meaning"]}
    assert meanings == {
        "impression": "exposure", "click": "click", "view": "view", "purchase": "conversion",
        "dismiss": "negative", "remove_from_cart": "negative",
    }  # fmt: skip
    assert types["purchase"]["phrase"] == "bought {item}"


def test_register_a_custom_type(api: Any) -> None:
    response = api.client.post("/v1/event-types", json=WISHLIST, headers=api.admin)

    assert response.status_code == 201
    assert response.json() == {
        "name": "wishlist_add",
        "requires_item": True,
        "requires_value": False,
        "description": "Saved for later.",
        "builtin": False,
        "weight": 0.0,  # not an interaction unless given one
        "meaning": None,
        "phrase": "interacted with {item}",
    }
    types = _types(api)
    assert types["wishlist_add"] == response.json()
    assert set(types) == {*BUILTIN_EVENT_TYPES, "wishlist_add"}


def test_registering_the_same_type_again_is_fine(api: Any) -> None:
    first = api.client.post("/v1/event-types", json=WISHLIST, headers=api.admin)
    again = api.client.post("/v1/event-types", json=WISHLIST, headers=api.admin)

    assert again.status_code in (200, 201)
    assert again.json() == first.json()
    assert list(_types(api)).count("wishlist_add") == 1


def test_registering_a_type_with_other_rules_is_409(api: Any) -> None:
    api.client.post("/v1/event-types", json=WISHLIST, headers=api.admin)

    response = api.client.post(
        "/v1/event-types", json={**WISHLIST, "requires_value": True}, headers=api.admin
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "wishlist_add" in response.json()["error"]["message"]
    assert _types(api)["wishlist_add"]["requires_value"] is False


def test_a_custom_types_rules_apply_to_events(api: Any) -> None:
    api.client.post(
        "/v1/event-types", json={"name": "donation", "requires_value": True}, headers=api.admin
    )

    without = api.client.post(
        "/v1/events", json={"user_id": "u1", "type": "donation"}, headers=api.ingest
    )
    with_value = api.client.post(
        "/v1/events", json={"user_id": "u1", "type": "donation", "value": 10}, headers=api.ingest
    )

    assert without.status_code == 422
    assert without.json()["error"]["field"] == "value"
    assert with_value.json()["accepted"] == 1


@pytest.mark.parametrize("name", ["view", "purchase"])
def test_redefining_a_builtin_is_409(api: Any, name: str) -> None:
    response = api.client.post(
        "/v1/event-types", json={"name": name, "requires_value": True}, headers=api.admin
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert _types(api)[name]["builtin"] is True
    assert _types(api)[name]["requires_value"] is False


@pytest.mark.parametrize("name", ["Bad Name", "WishList", "1st", "", "x" * 65, "wish-list"])
def test_a_bad_name_is_422_naming_name(api: Any, name: str) -> None:
    response = api.client.post("/v1/event-types", json={"name": name}, headers=api.admin)

    assert response.status_code == 422
    assert response.json()["error"]["field"].endswith("name")
    assert set(_types(api)) == set(BUILTIN_EVENT_TYPES)


def test_register_a_type_with_its_meaning(api: Any) -> None:
    body = {"name": "subscription_start", "requires_item": True, "weight": 4,
            "meaning": "conversion", "phrase": "subscribed to {item}"}  # fmt: skip
    response = api.client.post("/v1/event-types", json=body, headers=api.admin)

    assert response.status_code == 201
    assert response.json() | body == response.json()
    assert _types(api)["subscription_start"]["meaning"] == "conversion"


def test_registering_again_with_another_meaning_is_409_and_points_to_patch(api: Any) -> None:
    api.client.post("/v1/event-types", json={**WISHLIST, "weight": 2}, headers=api.admin)

    response = api.client.post("/v1/event-types", json={**WISHLIST, "weight": 3}, headers=api.admin)

    assert response.status_code == 409
    assert "PATCH /v1/event-types/wishlist_add" in response.json()["error"]["message"]
    assert _types(api)["wishlist_add"]["weight"] == 2.0


def test_patch_changes_a_custom_types_meaning_and_keeps_the_rest(api: Any) -> None:
    api.client.post("/v1/event-types", json=WISHLIST, headers=api.admin)

    response = api.client.patch(
        "/v1/event-types/wishlist_add",
        json={"weight": 2, "phrase": "saved {item} for later"},
        headers=api.admin,
    )
    assert response.status_code == 200
    assert response.json() == {
        **_types(api)["wishlist_add"],
        "weight": 2.0,
        "phrase": "saved {item} for later",
    }
    assert response.json()["description"] == "Saved for later."

    as_conversion = api.client.patch(
        "/v1/event-types/wishlist_add", json={"meaning": "conversion"}, headers=api.admin
    )
    assert as_conversion.json()["meaning"] == "conversion"
    assert as_conversion.json()["weight"] == 2.0  # left out: kept
    cleared = api.client.patch(
        "/v1/event-types/wishlist_add", json={"meaning": None}, headers=api.admin
    )
    assert cleared.json()["meaning"] is None and _types(api)["wishlist_add"]["meaning"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weight": -1}, "weight"),
        ({"weight": 1e300}, "weight"),
        ({"weight": "heavy"}, "weight"),
        ({"weight": None}, "weight"),  # null is only for meaning
        ({"phrase": None}, "phrase"),
        ({"meaning": "delight"}, "meaning"),
        ({"phrase": "wished for it"}, "phrase"),  # no {item}
        ({"phrase": "{item} and {item}"}, "phrase"),
        ({"phrase": "saw {title}: {item}"}, "phrase"),
        ({"phrase": "x" * 81 + "{item}"}, "phrase"),
        ({"meaning": "negative", "weight": 1}, "weight"),  # a signal against is no interaction
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_meaning_is_422_naming_the_field(api: Any, body: dict[str, Any], field: str) -> None:
    api.client.post("/v1/event-types", json={**WISHLIST, "weight": 2}, headers=api.admin)

    patched = api.client.patch("/v1/event-types/wishlist_add", json=body, headers=api.admin)
    registered = api.client.post(
        "/v1/event-types", json={**body, "name": "return"}, headers=api.admin
    )

    for response in (patched, registered):
        assert response.status_code == 422, response.json()
        assert response.json()["error"]["field"].split(".")[-1] == field
    assert _types(api)["wishlist_add"]["weight"] == 2.0 and "return" not in _types(api)


def test_a_negative_type_is_registered_with_weight_0(api: Any) -> None:
    response = api.client.post(
        "/v1/event-types",
        json={"name": "return", "requires_item": True, "meaning": "negative"},
        headers=api.admin,
    )
    assert response.status_code == 201 and response.json()["weight"] == 0.0


def test_a_builtins_meaning_cannot_be_patched(api: Any) -> None:
    response = api.client.patch("/v1/event-types/purchase", json={"weight": 1}, headers=api.admin)

    assert response.status_code == 409
    assert "TAILORED_EVENT_WEIGHTS" in response.json()["error"]["message"]
    assert _types(api)["purchase"]["weight"] == 5.0


def test_patching_an_unknown_type_is_404_and_needs_admin(api: Any) -> None:
    missing = api.client.patch("/v1/event-types/teleport", json={"weight": 1}, headers=api.admin)
    assert missing.status_code == 404
    api.client.post("/v1/event-types", json=WISHLIST, headers=api.admin)
    ingest = api.client.patch(
        "/v1/event-types/wishlist_add", json={"weight": 1}, headers=api.ingest
    )
    assert ingest.status_code == 403
    assert _types(api)["wishlist_add"]["weight"] == 0.0
