"""/v1/items: upsert (batch and single), read, filter, page, delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tailored import Engine

CATALOG = [
    {
        "id": "a",
        "title": "Trail runner",
        "categories": ["shoes"],
        "attributes": {"brand": "Acme", "price": 89.0, "sizes": [42, 43], "gift": True},
    },
    {
        "id": "b",
        "title": "Road runner",
        "categories": ["shoes", "running"],
        "attributes": {"brand": "Zed", "price": 120, "sizes": [44], "gift": False},
    },
    {
        "id": "c",
        "title": "Tote",
        "categories": ["bags"],
        "attributes": {"brand": "Acme", "price": 45.5},
        "available": False,
    },
    {"id": "d", "title": "Cap", "categories": ["hats"], "attributes": {"brand": "Other"}},
]


def _ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def _seed(api: Any, rows: list[dict[str, Any]] = CATALOG) -> None:
    response = api.client.post("/v1/items", json=rows, headers=api.admin)
    assert response.json() == {"accepted": len(rows), "duplicates": 0, "rejected": []}


@pytest.mark.parametrize(
    "wrap",
    [lambda rows: rows, lambda rows: {"items": rows}],
    ids=["array", "items-object"],
)
def test_batch_upsert_stores_every_row(api: Any, engine: Engine, wrap: Callable) -> None:
    response = api.client.post("/v1/items", json=wrap(CATALOG), headers=api.admin)

    assert response.status_code == 200
    assert response.json() == {"accepted": 4, "duplicates": 0, "rejected": []}
    assert engine.items.count() == 4
    stored = api.client.get("/v1/items/b", headers=api.serve).json()
    assert stored["title"] == "Road runner"
    assert stored["categories"] == ["shoes", "running"]
    assert stored["attributes"] == {"brand": "Zed", "price": 120, "sizes": [44], "gift": False}
    assert stored["available"] is True


def test_a_single_object_is_upserted(api: Any) -> None:
    response = api.client.post("/v1/items", json=CATALOG[2], headers=api.admin)

    assert response.json() == {"accepted": 1, "duplicates": 0, "rejected": []}
    stored = api.client.get("/v1/items/c", headers=api.serve).json()
    assert (stored["title"], stored["available"]) == ("Tote", False)


def test_within_one_batch_the_later_row_for_an_id_wins(api: Any, engine: Engine) -> None:
    rows = [{"id": "a", "title": "First"}, {"id": "b"}, {"id": "a", "title": "Second"}]

    response = api.client.post("/v1/items", json=rows, headers=api.admin)

    assert response.json()["rejected"] == []
    assert engine.items.count() == 2
    assert api.client.get("/v1/items/a", headers=api.serve).json()["title"] == "Second"


def test_upsert_replaces_the_whole_item(
    api: Any, client_for: Callable[..., TestClient], clock: Any
) -> None:
    client = client_for(clock=clock)
    first = {
        "id": "a",
        "title": "Trail runner",
        "description": "Grippy",
        "categories": ["shoes", "sale"],
        "attributes": {"brand": "Acme", "colour": "red"},
    }
    started = clock.now
    client.post("/v1/items", json=[first], headers=api.admin)
    created = client.get("/v1/items/a", headers=api.serve).json()
    clock.advance(60)

    client.post("/v1/items", json=[{"id": "a", "title": "Trail runner 2"}], headers=api.admin)

    item = client.get("/v1/items/a", headers=api.serve).json()
    assert item["title"] == "Trail runner 2"
    assert item["description"] == ""
    assert item["categories"] == []
    assert item["attributes"] == {}
    assert item["created_at"] == created["created_at"]
    assert datetime.fromisoformat(item["created_at"]) == started
    assert datetime.fromisoformat(item["updated_at"]) == clock.now
    # The old category and attribute no longer find it.
    assert _ids(client.get("/v1/items?category=sale", headers=api.serve)) == []
    assert _ids(client.get("/v1/items?attr=colour:red", headers=api.serve)) == []


def test_put_creates_then_replaces_one_item(api: Any) -> None:
    body = {"title": "Mug", "categories": ["kitchen"], "attributes": {"volume_ml": 350}}
    created = api.client.put("/v1/items/mug-1", json=body, headers=api.admin)
    assert created.status_code == 200
    assert created.json()["id"] == "mug-1"
    assert created.json()["attributes"] == {"volume_ml": 350}

    replaced = api.client.put("/v1/items/mug-1", json={"title": "Big mug"}, headers=api.admin)

    assert replaced.json()["title"] == "Big mug"
    assert replaced.json()["attributes"] == {}
    assert replaced.json()["created_at"] == created.json()["created_at"]
    fetched = api.client.get("/v1/items/mug-1", headers=api.serve).json()
    assert fetched == replaced.json()


def test_an_id_with_a_slash_is_refused_or_readable_by_id(api: Any) -> None:
    # Ids like "shoes/sku-1" are common; storing one that GET and DELETE cannot reach
    # would leave an item nobody can remove through the API.
    stored = api.client.post("/v1/items", json=[{"id": "shoes/sku-1"}], headers=api.admin)

    if stored.json()["accepted"] == 0:
        assert [r["field"] for r in stored.json()["rejected"]] == ["id"]
        return
    path = "/v1/items/" + quote("shoes/sku-1", safe="")
    fetched = api.client.get(path, headers=api.serve)
    assert fetched.status_code == 200, fetched.text
    assert fetched.json()["id"] == "shoes/sku-1"
    assert api.client.delete(path, headers=api.admin).status_code == 204


def test_put_rejects_a_bad_field_naming_it(api: Any, engine: Engine) -> None:
    response = api.client.put("/v1/items/x", json={"categories": "shoes"}, headers=api.admin)
    assert response.status_code == 422
    assert "categories" in response.json()["error"]["field"]
    assert engine.items.count() == 0


def test_get_unknown_item_is_404_naming_the_id(api: Any) -> None:
    response = api.client.get("/v1/items/sku-missing-42", headers=api.serve)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "sku-missing-42" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=shoes", ["a", "b"]),
        ("category=bags&category=hats", ["c", "d"]),
        ("category=running&category=shoes", ["a", "b"]),
        ("attr=brand:Acme", ["a", "c"]),
        ("attr=brand:Acme&attr=brand:Zed", ["a", "b", "c"]),
        ("attr=brand:Acme&attr=price:89", ["a"]),
        ("attr=brand:Zed&attr=price:89", []),
        ("attr=price:89", ["a"]),
        ("attr=price:45.5", ["c"]),
        ("attr=sizes:43", ["a"]),
        ("attr=sizes:44&attr=sizes:43", ["a", "b"]),
        ("attr=gift:true", ["a"]),
        ("attr=gift:false", ["b"]),
        ("available=false", ["c"]),
        ("available=true", ["a", "b", "d"]),
        ("category=shoes&attr=brand:Acme", ["a"]),
        ("category=bags&available=true", []),
        ("category=nothing", []),
    ],
)
def test_list_filters(api: Any, query: str, expected: list[str]) -> None:
    _seed(api)
    assert _ids(api.client.get(f"/v1/items?{query}", headers=api.serve)) == expected


def test_cursor_pages_visit_every_item_exactly_once(api: Any) -> None:
    ids = [f"sku-{n:02d}" for n in range(7)]
    _seed(api, [{"id": i} for i in reversed(ids)])

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.client.get("/v1/items", params=params, headers=api.serve).json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert pages < 10, "pagination does not end"

    assert seen == ids
    assert pages == 4


def test_filters_hold_on_every_page(api: Any) -> None:
    _seed(api)
    first = api.client.get("/v1/items?category=shoes&limit=1", headers=api.serve).json()
    assert [i["id"] for i in first["items"]] == ["a"]
    second = api.client.get(
        "/v1/items",
        params={"category": "shoes", "limit": 1, "cursor": first["next_cursor"]},
        headers=api.serve,
    ).json()
    assert [i["id"] for i in second["items"]] == ["b"]
    assert second["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["garbage", "!!!", "eDpzb21ldGhpbmc"])
def test_bad_cursor_is_422_naming_cursor(api: Any, cursor: str) -> None:
    response = api.client.get("/v1/items", params={"cursor": cursor}, headers=api.serve)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert response.json()["error"]["field"].endswith("cursor")


@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_limit_out_of_range_is_422_naming_query_limit(api: Any, limit: int) -> None:
    response = api.client.get("/v1/items", params={"limit": limit}, headers=api.serve)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "query.limit"


@pytest.mark.parametrize("attr", ["brand", ":Acme", "brand:"])
def test_malformed_attr_is_422(api: Any, attr: str) -> None:
    response = api.client.get("/v1/items", params={"attr": attr}, headers=api.serve)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "query.attr"
    assert "name:value" in error["message"]


def test_delete_removes_the_item(api: Any, engine: Engine) -> None:
    _seed(api)

    response = api.client.delete("/v1/items/a", headers=api.admin)

    assert response.status_code == 204
    assert response.content == b""
    assert api.client.get("/v1/items/a", headers=api.serve).status_code == 404
    assert _ids(api.client.get("/v1/items?attr=brand:Acme", headers=api.serve)) == ["c"]
    assert engine.items.count() == 3
    again = api.client.delete("/v1/items/a", headers=api.admin)
    assert again.status_code == 404
    assert "'a'" in again.json()["error"]["message"]


def test_a_batch_with_bad_rows_stores_the_good_ones(api: Any, engine: Engine) -> None:
    rows = [
        {"id": "good-1", "title": "Kept"},
        {"title": "no id"},
        {"id": "bad-categories", "categories": "shoes"},
        {"id": "bad-attributes", "attributes": [1, 2]},
        "not an object",
        {"id": "good-2", "categories": ["bags"]},
    ]

    response = api.client.post("/v1/items", json=rows, headers=api.admin)

    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 2
    assert [(r["index"], r["field"]) for r in body["rejected"]] == [
        (1, "id"),
        (2, "categories"),
        (3, "attributes"),
        (4, ""),
    ]
    assert all(r["reason"] for r in body["rejected"])
    assert engine.items.count() == 2
    assert _ids(api.client.get("/v1/items", headers=api.serve)) == ["good-1", "good-2"]


def test_a_batch_over_max_batch_items_is_413_and_stores_nothing(
    api: Any, engine: Engine, client_for: Callable[..., TestClient]
) -> None:
    client = client_for(max_batch_items=5)

    too_many = client.post("/v1/items", json=[{"id": f"i{n}"} for n in range(6)], headers=api.admin)

    assert too_many.status_code == 413
    assert too_many.json()["error"]["code"] == "payload_too_large"
    assert "5" in too_many.json()["error"]["message"]
    assert engine.items.count() == 0
    at_limit = client.post("/v1/items", json=[{"id": f"i{n}"} for n in range(5)], headers=api.admin)
    assert at_limit.json()["accepted"] == 5


def test_a_body_over_max_body_bytes_is_413(
    api: Any, engine: Engine, client_for: Callable[..., TestClient]
) -> None:
    client = client_for(max_body_bytes=1024)
    rows = [{"id": "big", "description": "x" * 2000}]

    response = client.post("/v1/items", json=rows, headers=api.admin)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert engine.items.count() == 0


def test_put_with_a_body_over_max_body_bytes_is_413(
    api: Any, engine: Engine, client_for: Callable[..., TestClient]
) -> None:
    # Settings.max_body_bytes is documented as "Largest request body", for every endpoint.
    client = client_for(max_body_bytes=1024)

    response = client.put("/v1/items/big", json={"description": "x" * 2000}, headers=api.admin)

    assert response.status_code == 413
    assert engine.items.count() == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [(b"{not json", "malformed_json"), (b"", "malformed_json")],
    ids=["malformed", "empty"],
)
def test_unreadable_bodies_are_400(api: Any, body: bytes, code: str) -> None:
    response = api.client.post(
        "/v1/items", content=body, headers={**api.admin, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
