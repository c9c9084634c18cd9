"""/v1/event-types: the built-ins and registering custom types."""

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


def test_register_a_custom_type(api: Any) -> None:
    response = api.client.post("/v1/event-types", json=WISHLIST, headers=api.admin)

    assert response.status_code == 201
    assert response.json() == {
        "name": "wishlist_add",
        "requires_item": True,
        "requires_value": False,
        "description": "Saved for later.",
        "builtin": False,
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
