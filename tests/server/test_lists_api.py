"""Favorites, lists, sharing, saved orders, alerts, notifications and the outbox over HTTP."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tailored import Engine

CATALOG = [
    {"id": "mug", "title": "Mug", "attributes": {"price": 8}},
    {"id": "lamp", "title": "Lamp", "attributes": {"price": 30}, "available": False},
    {"id": "tent", "title": "Tent", "attributes": {"price": 200}},
    {"id": "beans", "title": "Beans", "attributes": {"price": 12.5}},
    {"id": "tee", "title": "Tee", "attributes": {"price": 20, "sizes": ["S", "M", "XL"]}},
]
ANN = "/v1/users/ann"


@pytest.fixture
def shop(api: Any) -> Any:
    response = api.client.post("/v1/items", json=CATALOG, headers=api.admin)
    assert response.json()["accepted"] == len(CATALOG)
    return api


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    return error


def _events(engine: Engine, event_type: str) -> list[tuple[str, str | None, float | None]]:
    found = engine.events.query(types=[event_type], newest_first=False).items
    return [(e.user_id, e.item_id, e.value) for e in found]


# --- favorites and lists ----------------------------------------------------------------


def test_favorites_save_read_and_unsave(shop: Any, engine: Engine) -> None:
    client, ingest, serve = shop.client, shop.ingest, shop.serve
    saved = _ok(client.put(f"{ANN}/favorites/mug", headers=ingest), 201)
    assert (saved["item_id"], saved["added"], saved["position"]) == ("mug", True, 0)
    assert (saved["title"], saved["price"], saved["available"]) == ("Mug", 8.0, True)
    again = _ok(client.put(f"{ANN}/favorites/mug", json={"note": "blue"}, headers=ingest))
    assert (again["added"], again["note"]) == (False, "blue")
    _ok(client.put(f"{ANN}/favorites/lamp", headers=ingest), 201)

    favorites = _ok(client.get(f"{ANN}/favorites", headers=serve))
    assert (favorites["kind"], favorites["name"], favorites["size"]) == (
        "favorites",
        "Favorites",
        2,
    )
    assert [(e["item_id"], e["note"]) for e in favorites["entries"]] == [
        ("mug", "blue"),
        ("lamp", ""),
    ]
    assert favorites["entries"][1]["available"] is False
    assert _events(engine, "like") == [("ann", "mug", None), ("ann", "lamp", None)]

    assert _ok(client.delete(f"{ANN}/favorites/mug", headers=ingest), 204) is None
    assert _ok(client.delete(f"{ANN}/favorites/mug", headers=ingest), 204) is None  # idempotent
    assert [
        e["item_id"] for e in _ok(client.get(f"{ANN}/favorites", headers=serve))["entries"]
    ] == ["lamp"]
    empty = _ok(client.get("/v1/users/nobody/favorites", headers=serve))
    assert (empty["id"], empty["entries"]) == (0, [])


def test_saving_an_unknown_item_is_422_naming_item_id_and_writes_nothing(
    shop: Any, engine: Engine
) -> None:
    error = _error(shop.client.put(f"{ANN}/favorites/ghost", headers=shop.ingest), 422)
    assert error["field"] == "item_id" and "ghost" in error["message"]
    bad_note = {"note": "x" * 1001}
    error = _error(shop.client.put(f"{ANN}/favorites/mug", json=bad_note, headers=shop.ingest), 422)
    assert error["field"] == "body.note"
    assert engine.events.count() == 0 and engine.users.count() == 0
    assert _ok(shop.client.get(f"{ANN}/favorites", headers=shop.serve))["id"] == 0


def test_named_lists_crud_items_and_order(shop: Any) -> None:
    client, ingest, serve = shop.client, shop.ingest, shop.serve
    body = {"name": "Birthday", "description": "for Bo"}
    created = _ok(client.post(f"{ANN}/lists", json=body, headers=ingest), 201)
    list_url = f"{ANN}/lists/{created['id']}"
    assert (created["kind"], created["size"], created["shared"]) == ("list", 0, False)
    assert _error(client.post(f"{ANN}/lists", json=body, headers=ingest), 409)["code"] == "conflict"

    _ok(client.put(f"{list_url}/items/mug", headers=ingest), 201)
    _ok(client.put(f"{list_url}/items/tent", headers=ingest), 201)
    moved = _ok(client.put(f"{list_url}/items/tent", json={"position": 0}, headers=ingest))
    assert moved["position"] == 0 and moved["list_id"] == created["id"]
    got = _ok(client.get(list_url, headers=serve))
    assert [e["item_id"] for e in got["entries"]] == ["tent", "mug"] and got["size"] == 2

    patched = _ok(client.patch(list_url, json={"name": "Gifts"}, headers=ingest))
    assert (patched["name"], patched["description"]) == ("Gifts", "for Bo")
    summaries = _ok(client.get(f"{ANN}/lists", headers=serve))
    assert [(s["name"], s["size"]) for s in summaries] == [("Gifts", 2)]

    _ok(client.delete(f"{list_url}/items/mug", headers=ingest), 204)
    assert [e["item_id"] for e in _ok(client.get(list_url, headers=serve))["entries"]] == ["tent"]
    _ok(client.delete(list_url, headers=ingest), 204)
    assert _error(client.get(list_url, headers=serve), 404)["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/lists", {"name": ""}, "body.name"),
        ("post", "/lists", {"name": "x", "colour": "red"}, "body.colour"),
        ("put", "/lists/abc/items/mug", None, "path.list_id"),
        ("put", "/favorites/mug", {"position": -1}, "body.position"),
        ("put", "/favorites/mug", {"position": "first"}, "body.position"),
    ],
)
def test_bad_list_input_is_422_naming_the_field(
    shop: Any, engine: Engine, method: str, path: str, body: Any, field: str
) -> None:
    response = shop.client.request(method, ANN + path, json=body, headers=shop.ingest)
    assert _error(response, 422)["field"] == field
    assert engine.lists.list("ann") == () and engine.events.count() == 0


def test_another_users_list_is_404_for_every_endpoint_and_stays_intact(shop: Any) -> None:
    client, ingest = shop.client, shop.ingest
    created = _ok(client.post(f"{ANN}/lists", json={"name": "Gifts"}, headers=ingest), 201)
    _ok(client.put(f"{ANN}/lists/{created['id']}/items/mug", headers=ingest), 201)
    theirs = f"/v1/users/bo/lists/{created['id']}"
    attempts = [
        ("get", theirs, None, shop.serve),
        ("patch", theirs, {"name": "Mine"}, ingest),
        ("delete", theirs, None, ingest),
        ("put", f"{theirs}/items/tent", None, ingest),
        ("delete", f"{theirs}/items/mug", None, ingest),
        ("post", f"{theirs}/share", None, ingest),
        ("delete", f"{theirs}/share", None, ingest),
    ]
    for method, path, body, headers in attempts:
        response = client.request(method, path, json=body, headers=headers)
        assert _error(response, 404)["message"] == f"list '{created['id']}' not found", path
    kept = _ok(client.get(f"{ANN}/lists/{created['id']}", headers=shop.serve))
    assert (kept["name"], kept["shared"], [e["item_id"] for e in kept["entries"]]) == (
        "Gifts",
        False,
        ["mug"],
    )


def test_sharing_by_link_and_revoking(shop: Any) -> None:
    client, ingest, serve = shop.client, shop.ingest, shop.serve
    created = _ok(client.post(f"{ANN}/lists", json={"name": "Gifts"}, headers=ingest), 201)
    list_url = f"{ANN}/lists/{created['id']}"
    _ok(client.put(f"{list_url}/items/lamp", json={"note": "the red one"}, headers=ingest), 201)

    link = _ok(client.post(f"{list_url}/share", headers=ingest))
    assert link["path"] == f"/v1/shared-lists/{link['token']}" and len(link["token"]) >= 32
    public = _ok(client.get(link["path"], headers=serve))
    assert public["name"] == "Gifts" and "user_id" not in public and "token" not in public
    assert [(e["item_id"], e["note"], e["available"]) for e in public["entries"]] == [
        ("lamp", "the red one", False)
    ]
    assert _ok(client.get(list_url, headers=serve))["share_path"] == link["path"]
    assert client.get(link["path"]).status_code == 401  # a storefront key is still needed

    _ok(client.delete(f"{list_url}/share", headers=ingest), 204)
    assert _error(client.get(link["path"], headers=serve), 404)["code"] == "not_found"
    renewed = _ok(client.post(f"{list_url}/share", headers=ingest))
    assert renewed["token"] != link["token"]


def test_scopes_reads_need_serve_writes_need_ingest(shop: Any) -> None:
    client = shop.client
    assert client.put(f"{ANN}/favorites/mug", headers=shop.serve).status_code == 403
    assert client.post(f"{ANN}/lists", json={"name": "x"}, headers=shop.serve).status_code == 403
    assert client.get(f"{ANN}/favorites", headers=shop.ingest).status_code == 403
    assert client.get("/v1/admin/notifications/outbox", headers=shop.ingest).status_code == 403
    delivered = client.post("/v1/admin/notifications/delivered", json={"ids": [1]},
                            headers=shop.serve)  # fmt: skip
    assert delivered.status_code == 403


# --- saved orders -----------------------------------------------------------------------

USUAL = {"name": "my usual coffee", "lines": [{"item_id": "beans", "quantity": 2},
                                             {"item_id": "mug", "quantity": 1}]}  # fmt: skip


def test_saved_orders_crud(shop: Any) -> None:
    client, ingest, serve = shop.client, shop.ingest, shop.serve
    order = _ok(client.post(f"{ANN}/orders", json=USUAL, headers=ingest), 201)
    url = f"{ANN}/orders/{order['id']}"
    assert (order["name"], order["total"], order["fully_priced"]) == ("my usual coffee", 33.0, True)
    assert [(ln["item_id"], ln["quantity"], ln["line_total"]) for ln in order["lines"]] == [
        ("beans", 2, 25.0),
        ("mug", 1, 8.0),
    ]
    assert _ok(client.get(url, headers=serve)) == order
    assert [o["id"] for o in _ok(client.get(f"{ANN}/orders", headers=serve))] == [order["id"]]
    assert (
        _error(client.post(f"{ANN}/orders", json=USUAL, headers=ingest), 409)["code"] == "conflict"
    )

    replaced = _ok(client.put(url, json={"name": "tea", "lines": [{"item_id": "mug"}]},
                              headers=ingest))  # fmt: skip
    assert (replaced["name"], replaced["total"], replaced["lines"][0]["quantity"]) == (
        "tea",
        8.0,
        1,
    )
    _ok(client.delete(url, headers=ingest), 204)
    assert _error(client.get(url, headers=serve), 404)["code"] == "not_found"


def test_reorder_records_exactly_the_purchase_events(shop: Any, engine: Engine) -> None:
    order = _ok(shop.client.post(f"{ANN}/orders", json=USUAL, headers=shop.ingest), 201)
    url = f"{ANN}/orders/{order['id']}/reorder"

    receipt = _ok(shop.client.post(url, json={"order_id": "o-77"}, headers=shop.ingest))

    assert (receipt["order_id"], receipt["saved_order_id"]) == ("o-77", order["id"])
    assert (receipt["recorded"], receipt["duplicates"], receipt["total"]) == (2, 0, 33.0)
    assert sorted(_events(engine, "purchase")) == [("ann", "beans", 25.0), ("ann", "mug", 8.0)]
    stored = engine.events.query(types=["purchase"], item_id="beans").items[0]
    assert stored.context == {"saved_order_id": order["id"], "order_id": "o-77", "quantity": 2,
                              "unit_price": 12.5}  # fmt: skip
    retry = _ok(shop.client.post(url, json={"order_id": "o-77"}, headers=shop.ingest))
    assert (retry["recorded"], retry["duplicates"]) == (0, 2)
    plain = _ok(shop.client.post(url, headers=shop.ingest))  # no body: a new order id
    assert plain["recorded"] == 2 and plain["order_id"] != "o-77"
    assert len(_events(engine, "purchase")) == 4


def test_reorder_with_an_unavailable_item_is_409_and_records_nothing(
    shop: Any, engine: Engine
) -> None:
    order = _ok(shop.client.post(f"{ANN}/orders", json=USUAL, headers=shop.ingest), 201)
    shop.client.put("/v1/items/mug", json={"title": "Mug", "available": False}, headers=shop.admin)

    error = _error(
        shop.client.post(f"{ANN}/orders/{order['id']}/reorder", headers=shop.ingest), 409
    )

    assert "'mug' is unavailable" in error["message"] and "nothing was ordered" in error["message"]
    assert _events(engine, "purchase") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "lines": []}, "body.lines"),
        ({"name": "x", "lines": [{"item_id": "mug", "quantity": 0}]}, "body.lines.0.quantity"),
        ({"name": "x", "lines": [{"item_id": "mug"}, {"item_id": "ghost"}]}, "lines.1.item_id"),
        ({"name": "x", "lines": [{"item_id": "mug"}, {"item_id": "mug"}]}, "lines.1.item_id"),
        ({"name": "x", "lines": [{"item_id": "tee", "options": {"size": "XXL"}}]},
         "lines.0.options.size"),
        ({"name": "x", "lines": [{"item_id": "tee", "options": {"size": ""}}]},
         "lines.0.options.size"),
        ({"name": "x", "lines": [{"item_id": "tee", "options": {"size": 42}}]},
         "body.lines.0.options.size"),
        ({"name": "x", "lines": [{"item_id": "tee", "options": ["size"]}]},
         "body.lines.0.options"),
        ({"name": "x", "lines": [{"item_id": "tee", "options": {"size": "M"}},
                                 {"item_id": "tee", "options": {"size": "M"}}]}, "lines.1.item_id"),
    ],
)  # fmt: skip
def test_bad_orders_are_422_naming_the_field_and_write_nothing(
    shop: Any, engine: Engine, body: dict[str, Any], field: str
) -> None:
    assert (
        _error(shop.client.post(f"{ANN}/orders", json=body, headers=shop.ingest), 422)["field"]
        == field
    )
    assert engine.orders.list("ann") == () and engine.users.count() == 0


def test_options_make_lines_and_go_with_each_purchase(shop: Any, engine: Engine) -> None:
    lines = [{"item_id": "tee", "quantity": 2, "options": {"size": "xl"}},
             {"item_id": "tee", "options": {"size": "M"}}, {"item_id": "mug"}]  # fmt: skip
    order = _ok(shop.client.post(f"{ANN}/orders", json={"name": "tees", "lines": lines},
                                 headers=shop.ingest), 201)  # fmt: skip
    assert [(ln["item_id"], ln["quantity"], ln["options"]) for ln in order["lines"]] == [
        ("tee", 2, {"size": "XL"}),
        ("tee", 1, {"size": "M"}),
        ("mug", 1, {}),
    ]
    assert order["total"] == 68.0
    url = f"{ANN}/orders/{order['id']}/reorder"
    receipt = _ok(shop.client.post(url, json={"order_id": "o-9"}, headers=shop.ingest))
    assert [ln["options"] for ln in receipt["lines"]] == [{"size": "XL"}, {"size": "M"}, {}]
    tees = engine.events.query(types=["purchase"], item_id="tee", newest_first=False).items
    assert sorted((e.context["options"]["size"], e.context["quantity"]) for e in tees) == [
        ("M", 1),
        ("XL", 2),
    ]
    retry = _ok(shop.client.post(url, json={"order_id": "o-9"}, headers=shop.ingest))
    assert (retry["recorded"], retry["duplicates"]) == (0, 3)


def test_a_taken_name_is_409_naming_the_field_and_value_not_the_user(shop: Any) -> None:
    _ok(shop.client.post(f"{ANN}/orders", json=USUAL, headers=shop.ingest), 201)
    error = _error(shop.client.post(f"{ANN}/orders", json=USUAL, headers=shop.ingest), 409)
    assert error["message"] == (
        "name: an order named 'my usual coffee' exists already; choose another name"
    )


def test_another_users_order_is_404(shop: Any, engine: Engine) -> None:
    order = _ok(shop.client.post(f"{ANN}/orders", json=USUAL, headers=shop.ingest), 201)
    theirs = f"/v1/users/bo/orders/{order['id']}"
    attempts = [
        ("get", theirs, None),
        ("put", theirs, USUAL),
        ("delete", theirs, None),
        ("post", f"{theirs}/reorder", None),
    ]
    for method, path, body in attempts:
        headers = shop.serve if method == "get" else shop.ingest
        assert _error(shop.client.request(method, path, json=body, headers=headers), 404)
    assert (
        engine.events.count() == 0 and engine.orders.get("ann", order["id"]).name == USUAL["name"]
    )


# --- alerts, notifications, outbox ------------------------------------------------------


def test_back_in_stock_fires_through_put_item_and_is_read_and_delivered(shop: Any) -> None:
    client, ingest, serve, admin = shop.client, shop.ingest, shop.serve, shop.admin
    body = {"item_id": "lamp", "kind": "back_in_stock"}
    alert = _ok(client.post(f"{ANN}/subscriptions", json=body, headers=ingest), 201)
    assert (alert["active"], alert["fired_at"]) == (True, None)

    client.put("/v1/items/lamp", json={"title": "Lamp", "available": True}, headers=admin)

    # The server's background runner fires it, woken by the write.
    deadline = time.monotonic() + 10
    while not (page := _ok(client.get(f"{ANN}/notifications?unread=true", headers=serve)))[
        "notifications"
    ]:
        assert time.monotonic() < deadline, "the alert did not fire within 10 s"
        time.sleep(0.02)
    [note] = page["notifications"]
    assert (note["kind"], note["item_id"], note["old_value"], note["new_value"]) == (
        "back_in_stock",
        "lamp",
        False,
        True,
    )
    assert note["message"] == "Lamp is back in stock." and page["next_cursor"] is None
    [fired] = _ok(client.get(f"{ANN}/subscriptions", headers=serve))
    assert fired["active"] is False and fired["fired_at"] is not None
    assert _ok(client.get(f"{ANN}/subscriptions?active=true", headers=serve)) == []

    read = _ok(client.post(f"{ANN}/notifications/{note['id']}/read", headers=ingest))
    assert read["read_at"] is not None
    assert _ok(client.get(f"{ANN}/notifications?unread=true", headers=serve))["notifications"] == []
    assert _error(client.post(f"/v1/users/bo/notifications/{note['id']}/read", headers=ingest), 404)

    outbox = _ok(client.get("/v1/admin/notifications/outbox", headers=admin))
    assert [n["id"] for n in outbox["notifications"]] == [note["id"]]
    marked = _ok(client.post("/v1/admin/notifications/delivered", json={"ids": [note["id"]]},
                             headers=admin))  # fmt: skip
    assert marked == {"delivered": 1}
    assert _ok(client.get("/v1/admin/notifications/outbox", headers=admin))["notifications"] == []


def test_price_drops_fire_through_the_batch_import_and_the_outbox_pages(
    shop: Any, engine: Engine
) -> None:
    client, admin = shop.client, shop.admin
    for user, threshold in (("ann", 150), ("bo", 180), ("cy", 100)):
        body = {"item_id": "tent", "kind": "price_below", "threshold": threshold}
        _ok(client.post(f"/v1/users/{user}/subscriptions", json=body, headers=shop.ingest), 201)
    rows = [{"id": "tent", "title": "Tent", "attributes": {"price": 149}}, {"id": "new"}]
    assert _ok(client.post("/v1/items", json=rows, headers=admin))["accepted"] == 2
    engine.reactions.run()  # catch up now (waits for the background runner if it is at it)

    first = _ok(client.get("/v1/admin/notifications/outbox?limit=1", headers=admin))
    cursor = first["next_cursor"]
    second = _ok(client.get(f"/v1/admin/notifications/outbox?limit=1&cursor={cursor}",
                            headers=admin))  # fmt: skip
    notes = first["notifications"] + second["notifications"]
    assert second["next_cursor"] is None and notes[0]["id"] < notes[1]["id"]
    assert sorted(n["user_id"] for n in notes) == ["ann", "bo"]  # cy waits for 100
    assert {n["old_value"] for n in notes} == {200.0} and {n["new_value"] for n in notes} == {149.0}
    bad = client.get("/v1/admin/notifications/outbox?cursor=nope", headers=admin)
    assert _error(bad, 422)["field"] == "cursor"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"item_id": "tent", "kind": "price_below"}, 422, "threshold"),
        ({"item_id": "tent", "kind": "price_below", "threshold": -5}, 422, "threshold"),
        ({"item_id": "tent", "kind": "restock"}, 422, "body.kind"),
        ({"item_id": "ghost", "kind": "back_in_stock"}, 422, "item_id"),
        ({"item_id": "tent", "kind": "back_in_stock"}, 409, None),
        ({"item_id": "mug", "kind": "price_below", "threshold": 10}, 409, None),
    ],
)
def test_bad_subscriptions_are_refused_and_write_nothing(
    shop: Any, engine: Engine, body: dict[str, Any], status: int, field: str | None
) -> None:
    error = _error(shop.client.post(f"{ANN}/subscriptions", json=body, headers=shop.ingest), status)
    assert error.get("field") == field
    assert engine.subscriptions.list("ann") == ()


def test_deleting_a_subscription_and_another_users_is_404(shop: Any) -> None:
    body = {"item_id": "lamp", "kind": "back_in_stock"}
    alert = _ok(shop.client.post(f"{ANN}/subscriptions", json=body, headers=shop.ingest), 201)
    theirs = f"/v1/users/bo/subscriptions/{alert['id']}"
    assert _error(shop.client.delete(theirs, headers=shop.ingest), 404)
    _ok(shop.client.delete(f"{ANN}/subscriptions/{alert['id']}", headers=shop.ingest), 204)
    assert _ok(shop.client.get(f"{ANN}/subscriptions", headers=shop.serve)) == []
