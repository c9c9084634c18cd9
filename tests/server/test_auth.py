"""Bearer keys: who gets in (401), and what each scope may do (403)."""

from __future__ import annotations

from typing import Any

import pytest

from tailored import Engine

EVENT = {"event_id": "e1", "user_id": "u1", "type": "view", "item_id": "sku-1"}

# (method, path, JSON body, the scope the endpoint needs)
ENDPOINTS: list[tuple[str, str, Any, str]] = [
    ("POST", "/v1/items", [{"id": "sku-1"}], "admin"),
    ("PUT", "/v1/items/sku-1", {"title": "Mug"}, "admin"),
    ("DELETE", "/v1/items/sku-1", None, "admin"),
    ("GET", "/v1/items", None, "serve"),
    ("GET", "/v1/items/sku-1", None, "serve"),
    ("PUT", "/v1/users/u1", {"traits": {"name": "Ann"}}, "ingest"),
    ("PATCH", "/v1/users/u1", {"traits": {"name": "Ann"}}, "ingest"),
    ("GET", "/v1/users/u1", None, "serve"),
    ("GET", "/v1/users", None, "admin"),
    ("GET", "/v1/users/u1/consents", None, "serve"),
    ("PUT", "/v1/users/u1/consents", {"consents": {"analytics": True}}, "ingest"),
    ("POST", "/v1/users/u1/merge", {"anonymous_id": "anon-1"}, "ingest"),
    ("POST", "/v1/events", EVENT, "ingest"),
    ("GET", "/v1/events", None, "admin"),
    ("GET", "/v1/event-types", None, "serve"),
    ("POST", "/v1/event-types", {"name": "wishlist_add"}, "admin"),
    ("GET", "/v1/reactions", None, "admin"),
    ("GET", "/v1/reactions/alerts/dead-letters", None, "admin"),
    ("POST", "/v1/reactions/alerts/dead-letters/retry", None, "admin"),
]
SCOPES = ("admin", "ingest", "serve")


def _call(api: Any, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    return api.client.request(method, path, json=body, headers=headers)


def _assert_unauthorized(response: Any) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"] == "Bearer"
    error = response.json()["error"]
    assert error["code"] == "unauthorized"
    assert isinstance(error["message"], str) and error["message"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": "Bearer tk_deadbeef_thisKeyWasNeverIssuedByTheServer000000000000"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["no-header", "malformed", "unknown", "empty", "basic-scheme"],
)
def test_requests_without_a_valid_key_are_401_and_change_nothing(
    api: Any, engine: Engine, headers: dict[str, str]
) -> None:
    _assert_unauthorized(api.client.post("/v1/events", json=EVENT, headers=headers))
    _assert_unauthorized(api.client.get("/v1/items", headers=headers))
    assert engine.events.count() == 0


def test_a_revoked_key_stops_working(api: Any, engine: Engine) -> None:
    new = engine.keys.create("storefront", scopes=["ingest"])
    headers = {"Authorization": f"Bearer {new.secret}"}
    assert api.client.post("/v1/events", json=EVENT, headers=headers).json()["accepted"] == 1

    engine.keys.revoke(new.key.id)

    later = {**EVENT, "event_id": "e2"}
    _assert_unauthorized(api.client.post("/v1/events", json=later, headers=headers))
    assert engine.events.count() == 1


def test_ingest_key_cannot_upsert_items(api: Any, engine: Engine) -> None:
    response = api.client.post("/v1/items", json=[{"id": "sku-1"}], headers=api.ingest)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "forbidden"
    assert "admin" in error["message"]
    assert engine.items.count() == 0


def test_ingest_key_cannot_list_users(api: Any) -> None:
    api.client.put("/v1/users/u1", json={"traits": {}}, headers=api.ingest)
    response = api.client.get("/v1/users", headers=api.ingest)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert "users" not in response.json()


def test_serve_key_cannot_post_events(api: Any, engine: Engine) -> None:
    response = api.client.post("/v1/events", json=EVENT, headers=api.serve)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "forbidden"
    assert "ingest" in error["message"]
    assert engine.events.count() == 0


@pytest.mark.parametrize(
    ("method", "path", "body", "needed"),
    ENDPOINTS,
    ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS],
)
def test_each_endpoint_admits_its_scope_and_admin_only(
    api: Any, method: str, path: str, body: Any, needed: str
) -> None:
    api.client.put("/v1/items/sku-1", json={}, headers=api.admin)
    for scope in SCOPES:
        response = _call(api, method, path, body, getattr(api, scope))
        if scope in (needed, "admin"):
            assert response.status_code not in (401, 403), (scope, response.text)
        else:
            assert response.status_code == 403, (scope, response.text)
            assert response.json()["error"]["code"] == "forbidden"


def test_a_key_with_several_scopes_has_each_of_them(api: Any, engine: Engine) -> None:
    both = engine.keys.create("pos", scopes=["ingest", "serve"])
    headers = {"Authorization": f"Bearer {both.secret}"}
    assert api.client.post("/v1/events", json=EVENT, headers=headers).status_code == 200
    assert api.client.get("/v1/users/u1", headers=headers).json()["id"] == "u1"
    assert api.client.get("/v1/users", headers=headers).status_code == 403


def test_error_bodies_have_code_and_message_only_where_no_field_applies(api: Any) -> None:
    response = api.client.get("/v1/items/nope", headers=api.serve)
    assert response.status_code == 404
    assert set(response.json()) == {"error"}
    assert set(response.json()["error"]) == {"code", "message"}
