"""/v1/admin/keys: create, list, rotate with an overlap, revoke; expiry and rate limits as
every route sees them (401 saying why, 429 with Retry-After)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Api
from tests.server.conftest import Clock


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _create(api: Api, **body: Any) -> dict[str, Any]:
    response = api.client.post(
        "/v1/admin/keys", json={"name": "partner", "scopes": ["serve"], **body}, headers=api.admin
    )
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_create_list_and_get_never_show_a_secret(api: Api) -> None:
    created = _create(
        api,
        expires_at="2099-01-31T00:00:00Z",
        rate_limit={"requests": 600, "per": "minute", "burst": 20},
    )
    key = created["key"]
    assert created["secret"].startswith(f"tk_{key['id']}_")
    assert key["state"] == "active" and key["expires_at"].startswith("2099-01-31T00:00:00")
    assert key["rate_limit"] == {"requests": 600, "per": "minute", "burst": 20}
    listed = api.client.get("/v1/admin/keys", headers=api.admin).json()
    assert key["id"] in [k["id"] for k in listed]
    assert created["secret"] not in str(listed)
    one = api.client.get(f"/v1/admin/keys/{key['id']}", headers=api.admin).json()
    assert one == key
    assert api.client.get("/v1/items", headers=_bearer(created["secret"])).status_code == 200


def test_rotation_with_an_overlap(api: Api) -> None:
    created = _create(api)
    old = created["secret"]
    response = api.client.post(
        f"/v1/admin/keys/{created['key']['id']}/rotate",
        json={"overlap_seconds": 3600},
        headers=api.admin,
    )
    assert response.status_code == 200, response.text
    rotated = response.json()
    assert rotated["key"]["id"] == created["key"]["id"] and rotated["secret"] != old
    assert rotated["key"]["previous_secret_until"] is not None
    for secret in (old, rotated["secret"]):
        assert api.client.get("/v1/items", headers=_bearer(secret)).status_code == 200


def test_rotation_without_an_overlap_ends_the_old_secret(api: Api) -> None:
    created = _create(api)
    key_id = created["key"]["id"]
    response = api.client.post(f"/v1/admin/keys/{key_id}/rotate", json={}, headers=api.admin)
    assert response.status_code == 200, response.text
    refused = api.client.get("/v1/items", headers=_bearer(created["secret"]))
    assert refused.status_code == 401
    fresh = _bearer(response.json()["secret"])
    assert api.client.get("/v1/items", headers=fresh).status_code == 200


@pytest.mark.parametrize(
    ("key_id", "body", "status", "field"),
    [
        ("0badc0de", {"overlap_seconds": 60}, 404, None),
        ("KEY", {"overlap_seconds": 60}, 422, "path.key_id"),
        (None, {"overlap_seconds": -1}, 422, "body.overlap_seconds"),
        (None, {"overlap_seconds": "soon"}, 422, "body.overlap_seconds"),
        (None, {"overlap": 60}, 422, "body.overlap"),
    ],
)
def test_rotation_refuses_bad_input(
    api: Api, key_id: str | None, body: Any, status: int, field: str | None
) -> None:
    key_id = key_id or _create(api)["key"]["id"]
    response = api.client.post(f"/v1/admin/keys/{key_id}/rotate", json=body, headers=api.admin)
    assert response.status_code == status, response.text
    assert response.json()["error"].get("field") == field


def test_a_revoked_key_cannot_be_rotated(api: Api) -> None:
    created = _create(api)
    key_id = created["key"]["id"]
    revoked = api.client.post(f"/v1/admin/keys/{key_id}/revoke", headers=api.admin)
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert api.client.get("/v1/items", headers=_bearer(created["secret"])).status_code == 401
    response = api.client.post(f"/v1/admin/keys/{key_id}/rotate", json={}, headers=api.admin)
    assert response.status_code == 409
    assert "revoked" in response.json()["error"]["message"]
    assert api.client.post("/v1/admin/keys/0badc0de/revoke", headers=api.admin).status_code == 404


def test_an_expired_key_gets_a_401_saying_it_expired(
    api: Api, client_for: Callable[..., TestClient], clock: Clock
) -> None:
    server = client_for(clock=clock)
    admin_secret = api.admin
    created = server.post(
        "/v1/admin/keys",
        json={"name": "trial", "scopes": ["serve"], "expires_at": "2026-03-02T12:00:00Z"},
        headers=admin_secret,
    ).json()
    headers = _bearer(created["secret"])
    assert server.get("/v1/items", headers=headers).status_code == 200
    clock.advance(86400)
    response = server.get("/v1/items", headers=headers)
    assert response.status_code == 401
    assert "expired at 2026-03-02T12:00:00Z" in response.json()["error"]["message"]
    listed = server.get("/v1/admin/keys", headers=admin_secret).json()
    assert {k["id"]: k["state"] for k in listed}[created["key"]["id"]] == "expired"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
        ({"expires_at": "2099-01-01T00:00:00"}, "body.expires_at"),
        ({"scopes": ["root"]}, "body.scopes.0"),
        ({"scopes": []}, "body.scopes"),
        ({"rate_limit": {"requests": 0, "per": "second", "burst": 1}}, "body.rate_limit.requests"),
        ({"rate_limit": {"requests": 5, "per": "hour", "burst": 1}}, "body.rate_limit.per"),
        ({"rate_limit": {"requests": 5, "per": "second"}}, "body.rate_limit.burst"),
    ],
)
def test_creating_a_key_refuses_bad_input(api: Api, body: dict[str, Any], field: str) -> None:
    response = api.client.post(
        "/v1/admin/keys", json={"name": "partner", "scopes": ["serve"], **body}, headers=api.admin
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


def test_a_key_over_its_rate_limit_gets_a_429_with_retry_after(api: Api) -> None:
    created = _create(api, rate_limit={"requests": 2, "per": "minute", "burst": 2})
    headers = _bearer(created["secret"])
    assert [api.client.get("/v1/items", headers=headers).status_code for _ in range(2)] == [
        200,
        200,
    ]
    response = api.client.get("/v1/items", headers=headers)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 30  # a token every 30 s
    assert api.client.get("/v1/items", headers=api.serve).status_code == 200  # others unaffected


@pytest.mark.parametrize("scope", ["ingest", "serve"])
def test_only_admins_manage_keys(api: Api, scope: str) -> None:
    headers = getattr(api, scope)
    assert api.client.get("/v1/admin/keys", headers=headers).status_code == 403
    response = api.client.post(
        "/v1/admin/keys", json={"name": "x", "scopes": ["admin"]}, headers=headers
    )
    assert response.status_code == 403
