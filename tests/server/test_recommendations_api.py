"""The recommendation endpoints over HTTP: every endpoint, filter, fallback and error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tailored import Engine
from tailored.server.schemas.recommendations import RecommendationsOut


@pytest.fixture
def client(shop: Engine, client_for: Callable[..., TestClient]) -> TestClient:
    shop.training.train("item_knn", tune=False)
    shop.training.train("cooccurrence", tune=False)
    return client_for(recommend_model="item_knn")


def _ok(response: Any) -> dict[str, Any]:
    """A 200 whose body is exactly the documented `RecommendationsOut` (the endpoints
    write their JSON directly)."""
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    if "items" in body:
        assert response.headers["content-type"] == "application/json"
        assert RecommendationsOut.model_validate(body).model_dump(mode="json") == body
    return body


def _ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["items"]]


def test_an_event_sent_through_the_api_changes_the_next_recommendations(
    api: Any, client: TestClient
) -> None:
    url = "/v1/users/ivy/recommendations?n=2"
    before = _ok(client.get(url, headers=api.serve))
    assert before["personalized"] is False and before["source"] == "trending"
    assert before["notice"] == "not personalized yet: no activity"
    event = {"user_id": "ivy", "type": "view", "item_id": "boots"}
    assert client.post("/v1/events", json=event, headers=api.ingest).status_code == 200
    after = _ok(client.get(url, headers=api.serve))
    assert after["personalized"] is True and after["source"] == "item_knn"
    assert set(_ids(after)) == {"socks", "laces"}
    first = after["items"][0]
    assert first["reason"] == {
        "kind": "history",
        "text": "because you viewed Boots",
        "item_id": "boots",
        "category": None,
    }
    assert first["title"] in {"Wool socks", "Laces"} and isinstance(first["score"], float)


def test_query_filters(api: Any, client: TestClient) -> None:
    event = {"user_id": "jo", "type": "view", "item_id": "tent"}
    client.post("/v1/events", json=event, headers=api.ingest)
    base = "/v1/users/jo/recommendations?n=20"
    assert set(_ids(_ok(client.get(base + "&attr=brand:Zeta", headers=api.serve)))) == {
        "lamp",
        "mat",
        "socks",
    }
    lighting = _ok(client.get(base + "&category=lighting", headers=api.serve))
    assert _ids(lighting) == ["lamp"]
    rest = _ids(_ok(client.get(base + "&exclude_category=camping&exclude=mug", headers=api.serve)))
    assert rest and not {"stove", "lamp", "mat", "new-lamp", "mug", "old-tent"} & set(rest)


def test_post_with_context_for_an_anonymous_session(api: Any, client: TestClient) -> None:
    body = {
        "n": 1,
        "placement": "cart_page",
        "filters": {"attributes": {"brand": ["Chef"]}},
        "context": {"session_items": ["pan"], "cart_items": ["knife"], "device": "mobile"},
    }
    answer = _ok(client.post("/v1/recommendations", json=body, headers=api.serve))
    assert answer["personalized"] is True and answer["placement"] == "cart_page"
    assert _ids(answer) == ["mug"]
    assert answer["items"][0]["reason"]["kind"] == "session"


def test_body_filters_exclude_attribute_values_and_keep_ranges(
    api: Any, client: TestClient
) -> None:
    # What a shopper's "never show me" and price range become for an anonymous list.
    filters = {"exclude_attributes": {"brand": ["Zeta", "Chef"]}, "ranges": {"price": {"max": 150}}}
    body = {"n": 20, "filters": filters}
    answer = _ok(client.post("/v1/recommendations", json=body, headers=api.serve))
    # Acme at 150 or less, and new-lamp, which has neither a brand nor a price
    assert set(_ids(answer)) == {"stove", "boots", "laces", "new-lamp"}
    open_below = {"n": 20, "filters": {"ranges": {"price": {"min": 100}}}}
    answer = _ok(client.post("/v1/recommendations", json=open_below, headers=api.serve))
    assert set(_ids(answer)) == {"tent", "boots", "new-lamp"}


def test_similar_and_bought_together(api: Any, client: TestClient) -> None:
    similar = _ok(client.get("/v1/items/boots/similar?n=2", headers=api.serve))
    assert set(_ids(similar)) == {"socks", "laces"}
    assert similar["items"][0]["reason"]["text"] == "similar to Boots"
    together = _ok(client.get("/v1/items/pan/bought-together?n=2", headers=api.serve))
    assert together["source"] == "cooccurrence" and "knife" in _ids(together)
    zeta = _ok(client.get("/v1/items/boots/similar?attr=brand:Zeta", headers=api.serve))
    assert _ids(zeta)[0] == "socks"  # the similar one, then other Zeta items: popular ones
    assert _ids(zeta)[1:] == ["lamp", "mat"] and zeta["items"][1]["reason"]["kind"] != "similar"
    fallback = _ok(client.get("/v1/items/new-lamp/similar?n=2", headers=api.serve))
    assert fallback["source"] == "trending"
    assert fallback["items"][0]["reason"]["text"] == "popular in camping this week"
    unknown = _ok(client.get("/v1/items/ghost/bought-together", headers=api.serve))
    assert unknown["source"] == "trending" and "ghost" in unknown["notice"]


def test_consent_withdrawn_over_the_api(api: Any, client: TestClient) -> None:
    client.post(
        "/v1/events", json={"user_id": "kim", "type": "view", "item_id": "pan"}, headers=api.ingest
    )
    consent = {"consents": {"personalization": False}}
    response = client.put("/v1/users/kim/consents", json=consent, headers=api.ingest)
    assert response.status_code == 200, response.text
    answer = _ok(client.get("/v1/users/kim/recommendations?n=3", headers=api.serve))
    assert answer["personalized"] is False
    assert answer["notice"] == "not personalized: consent to personalization was withdrawn"
    assert all("not personalized" in item["reason"]["text"] for item in answer["items"])


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("get", "/v1/users/u/recommendations?n=0", None, "query.n"),
        ("get", "/v1/users/u/recommendations?n=101", None, "query.n"),
        ("get", "/v1/users/u/recommendations?attr=brand", None, "query.attr"),
        ("get", "/v1/items/boots/similar?n=abc", None, "query.n"),
        ("post", "/v1/recommendations", {"n": 0}, "body.n"),
        ("post", "/v1/recommendations", {"colour": "red"}, "body.colour"),
        ("post", "/v1/recommendations", {"context": {"time": "yesterday"}}, "body.context.time"),
        ("post", "/v1/recommendations", {"filters": {"categories": "shoes"}}, "body.filters"),
        ("post", "/v1/recommendations", {"user_id": ""}, "body.user_id"),
        (
            "post",
            "/v1/recommendations",
            {"filters": {"ranges": {"price": {"min": 50, "max": 10}}}},
            "body.filters.ranges.price",
        ),
        (
            "post",
            "/v1/recommendations",
            {"filters": {"ranges": {"price": {"low": 5}}}},
            "body.filters.ranges.price.low",
        ),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(
    api: Any, client: TestClient, method: str, url: str, body: Any, field: str
) -> None:
    response = client.request(method.upper(), url, json=body, headers=api.serve)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"].startswith(field), error


def test_the_serve_scope_is_required(api: Any, client: TestClient) -> None:
    assert client.get("/v1/users/u/recommendations").status_code == 401
    assert client.get("/v1/items/boots/similar", headers=api.ingest).status_code == 403
    assert client.get("/v1/items/boots/similar", headers=api.admin).status_code == 200
