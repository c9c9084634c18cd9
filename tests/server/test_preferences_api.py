"""The preference center and onboarding over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tailored import Engine


@pytest.fixture
def client(shop: Engine, client_for: Callable[..., TestClient]) -> TestClient:
    shop.training.train("item_knn", tune=False)
    return client_for(recommend_model="item_knn")


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    return error


def test_the_preference_center_reads_writes_and_logs(api: Any, client: TestClient) -> None:
    url = "/v1/users/ann/preferences"
    assert _ok(client.get(url, headers=api.serve)) == {"user_id": "ann", "preferences": {}}
    body = {"brands": ["Acme"], "theme": "dark"}
    assert _ok(client.put(url, json=body, headers=api.ingest))["preferences"] == body
    patched = _ok(client.patch(url, json={"theme": None, "layout": "list"}, headers=api.ingest))
    assert patched["preferences"] == {"brands": ["Acme"], "layout": "list"}
    assert _ok(client.get(url, headers=api.serve))["preferences"] == patched["preferences"]
    history = _ok(client.get(url + "/history?limit=2", headers=api.serve))
    assert [(c["field"], c["old"], c["new"]) for c in history] == [
        ("layout", None, "list"),
        ("theme", "dark", None),
    ]
    assert history[0]["changed_by"] and history[0]["changed_at"]


def test_bad_preferences_name_the_field_and_change_nothing(api: Any, client: TestClient) -> None:
    url = "/v1/users/bo/preferences"
    _ok(client.put(url, json={"theme": "dark"}, headers=api.ingest))
    cases = [
        ({"theme": "blue"}, "preferences.theme"),
        ({"brands": ["Nope"]}, "preferences.brands[0]"),
        ({"shoe_size": 42}, "preferences.shoe_size"),
        ({"price_range": {"min": "cheap"}}, "preferences.price_range.min"),
    ]
    for body, field in cases:
        error = _error(client.patch(url, json={"layout": "grid", **body}, headers=api.ingest), 422)
        assert error["field"] == field, body
    assert _error(client.put(url, json=["theme"], headers=api.ingest), 422)["field"]
    assert _ok(client.get(url, headers=api.serve))["preferences"] == {"theme": "dark"}
    assert _error(client.put(url, json={"theme": "light"}, headers=api.serve), 403)


def test_a_category_both_favoured_and_blocked_is_a_422_naming_both(
    api: Any, client: TestClient
) -> None:
    url = "/v1/users/di/preferences"
    both = {"favourite_categories": ["camping"], "blocked_categories": ["camping"]}
    for send in (client.put, client.patch):
        error = _error(send(url, json=both, headers=api.ingest), 422)
        assert error["code"] == "invalid_input"
        assert error["field"] == "preferences.blocked_categories"
        assert "preferences.favourite_categories" in error["message"]
    _ok(client.patch(url, json={"favourite_categories": ["camping"]}, headers=api.ingest))
    error = _error(client.patch(url, json={"blocked_categories": ["camping", "shoes"]},
                                headers=api.ingest), 422)  # fmt: skip
    assert error["field"] == "preferences.blocked_categories"
    assert error["message"] == (
        "preferences.blocked_categories: 'camping' is also in preferences.favourite_categories "
        "(Favourite categories): a value cannot be both favoured and blocked, remove it from "
        "one of the two"
    )
    kept = _ok(client.get(url, headers=api.serve))["preferences"]
    assert kept == {"favourite_categories": ["camping"]}


def test_the_business_defines_the_schema(api: Any, client: TestClient) -> None:
    schema = _ok(client.get("/v1/preferences/schema", headers=api.serve))
    assert "blocked_categories" in [f["name"] for f in schema["fields"]]
    fields = [{"name": "diet", "kind": "choice", "choices": ["vegan", "none"],
               "question": "Any diet?"}]  # fmt: skip
    put = "/v1/admin/preferences/schema"
    assert _error(client.put(put, json={"fields": fields}, headers=api.ingest), 403)
    stored = _ok(client.put(put, json={"fields": fields}, headers=api.admin))
    assert stored["fields"][0]["name"] == "diet" and stored["fields"][0]["label"] == "Diet"
    bad = [{"name": "diet", "kind": "choices", "effect": "boost"}]
    assert _error(client.put(put, json={"fields": bad}, headers=api.admin), 422)["field"] == (
        "fields[0].choices"
    )
    assert (
        _ok(client.get("/v1/preferences/schema", headers=api.serve))["fields"] == (stored["fields"])
    )


def test_onboarding_over_http_changes_the_first_recommendations(
    api: Any, client: TestClient
) -> None:
    onboarding = _ok(client.get("/v1/users/cy/onboarding", headers=api.serve))
    questions = {q["field"]: q for q in onboarding["questions"]}
    assert questions["favourite_categories"]["options"][0] == "camping"
    assert questions["favourite_categories"]["kind"] == "choices"
    answers = {"favourite_categories": ["kitchen"]}
    saved = _ok(client.post("/v1/users/cy/onboarding", json=answers, headers=api.ingest))
    assert saved["preferences"] == answers
    left = _ok(client.get("/v1/users/cy/onboarding", headers=api.serve))["questions"]
    assert "favourite_categories" not in [q["field"] for q in left]
    recs = _ok(client.get("/v1/users/cy/recommendations?n=3", headers=api.serve))
    assert {i["id"] for i in recs["items"]} == {"pan", "knife", "mug"}
    assert recs["items"][0]["reason"]["kind"] == "preference"
    error = _error(client.post("/v1/users/cy/onboarding", json={"theme": "dark"},
                               headers=api.ingest), 422)  # fmt: skip
    assert error["field"] == "answers.theme"


def test_item_pages_leave_out_what_the_viewer_blocked(api: Any, client: TestClient) -> None:
    blocked = {"blocked_categories": ["kitchen"]}
    _ok(client.put("/v1/users/dee/preferences", json=blocked, headers=api.ingest))
    for path in ("/v1/items/boots/similar", "/v1/items/boots/bought-together"):
        everyone = _ok(client.get(f"{path}?n=20", headers=api.serve))
        mine = _ok(client.get(f"{path}?n=20&user_id=dee", headers=api.serve))
        kitchen = {"pan", "knife", "mug"}
        assert kitchen & {i["id"] for i in everyone["items"]}
        assert not kitchen & {i["id"] for i in mine["items"]}
