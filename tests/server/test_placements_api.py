"""/v1/placements over HTTP: versions, rollback, the admin scope, 422s naming the field,
and recommendation answers naming the placement version that ranked them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tailored import Engine
from tailored.config import PlacementSettings

HOME = {
    "description": "Home page top picks",
    "strategy": {
        "diversity": {"strength": 0.9},
        "boosts": {"rules": [{"category": "shoes", "factor": 50, "when": {"device": "mobile"}}]},
        "top_n": {"limit": 3},
    },
}


@pytest.fixture
def client(shop: Engine, client_for: Callable[..., TestClient]) -> TestClient:
    shop.training.train("item_knn", tune=False)
    shop.events.record_many(
        [{"user_id": "hu", "type": "view", "item_id": i} for i in ("tent", "stove", "boots")]
    )
    settings = {"recommend_model": "item_knn", "placements": {"email": PlacementSettings()}}
    return client_for(**settings)


def test_put_versions_rollback_and_read(api: Any, client: TestClient) -> None:
    put = client.put("/v1/placements/home", json=HOME, headers=api.admin)
    assert put.status_code == 200, put.text
    first = put.json()
    assert (first["id"], first["origin"], first["version"], first["latest_version"]) == (
        "home", "stored", 1, 1,
    )  # fmt: skip
    assert first["description"] == "Home page top picks"
    assert first["strategy"]["diversity"] == {"strength": 0.9}
    assert first["strategy"]["boosts"]["rules"][0]["factor"] == 50.0
    assert first["strategy"]["candidates"] == {"model": None, "depth_per_slot": 10,
                                               "min_depth": 100}  # fmt: skip
    again = client.put("/v1/placements/home", json=HOME, headers=api.admin).json()
    assert again["version"] == 1  # the same again: no new version
    second = client.put("/v1/placements/home", json={"strategy": {}}, headers=api.admin).json()
    assert second["version"] == 2 and second["strategy"]["diversity"] == {"strength": 0.0}
    versions = client.get("/v1/placements/home/versions", headers=api.admin).json()
    assert [(v["version"], v["active"]) for v in versions] == [(2, True), (1, False)]
    assert versions[1]["strategy"] == first["strategy"]
    back = client.post("/v1/placements/home/versions/1/activate", headers=api.admin)
    assert back.status_code == 200
    assert (back.json()["version"], back.json()["latest_version"]) == (1, 2)
    assert client.get("/v1/placements/home", headers=api.admin).json()["version"] == 1
    listed = client.get("/v1/placements", headers=api.admin).json()
    assert [(p["id"], p["origin"], p["version"]) for p in listed] == [
        ("email", "settings", None),
        ("home", "stored", 1),
    ]


def test_recommendations_say_which_placement_version_ranked_them(
    api: Any, client: TestClient
) -> None:
    url = "/v1/users/hu/recommendations?n=10&placement=home"
    before = client.get(url, headers=api.serve).json()
    assert before["strategy"] == {"placement": None, "version": None, "origin": "built_in"}
    assert len(before["items"]) > 3
    client.put("/v1/placements/home", json=HOME, headers=api.admin)
    after = client.get(url, headers=api.serve).json()
    assert after["strategy"] == {"placement": "home", "version": 1, "origin": "stored"}
    assert len(after["items"]) == 3  # the placement's limit
    body = {"user_id": "hu", "n": 2, "placement": "home", "context": {"device": "mobile"}}
    mobile = client.post("/v1/recommendations", json=body, headers=api.serve).json()
    assert {i["id"] for i in mobile["items"]} == {"socks", "laces"}
    assert all(i["boosted"] for i in mobile["items"])
    similar = client.get("/v1/items/boots/similar?placement=email", headers=api.serve).json()
    assert similar["strategy"] == {"placement": "email", "version": None, "origin": "settings"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"strategy": {"diversity": {"strength": 2}}}, "strategy.diversity.strength"),
        ({"strategy": {"boosts": {"rules": [{"factor": 2}]}}}, "strategy.boosts.rules[0]"),
        ({"strategy": {"candidates": {"model": "deep"}}}, "strategy.candidates.model"),
        ({"strategy": {"filters": {"ranges": {"price": {"min": 5, "max": 1}}}}},
         "strategy.filters.ranges.price.min"),
        ({"id": "cart", "strategy": {}}, "id"),
        ({"strategy": {"diversity": {"strength": "a lot"}}}, "body.strategy.diversity.strength"),
        ({"strategy": {"diversity": {"strenght": 0.5}}}, "body.strategy.diversity.strenght"),
        ({"strategy": {"boosts": {"rules": [{"category": "x"}]}}},
         "body.strategy.boosts.rules.0.factor"),
        ({"description": "x"}, "body.strategy"),
    ],
)  # fmt: skip
def test_a_bad_placement_is_a_422_naming_the_field(
    api: Any, client: TestClient, body: dict[str, Any], field: str
) -> None:
    response = client.put("/v1/placements/home", json=body, headers=api.admin)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and error["field"] == field
    assert client.get("/v1/placements/home", headers=api.admin).status_code == 404


def test_placements_take_the_admin_scope_and_unknown_ones_are_404(
    api: Any, client: TestClient
) -> None:
    for key in (api.serve, api.ingest):
        assert client.get("/v1/placements", headers=key).status_code == 403
        assert client.put("/v1/placements/home", json=HOME, headers=key).status_code == 403
    assert client.get("/v1/placements/home", headers=api.admin).status_code == 404
    assert client.get("/v1/placements/home/versions", headers=api.admin).status_code == 404
    client.put("/v1/placements/home", json=HOME, headers=api.admin)
    missing = client.post("/v1/placements/home/versions/7/activate", headers=api.admin)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    huge = client.post(f"/v1/placements/home/versions/{2**40}/activate", headers=api.admin)
    assert huge.status_code == 422 and huge.json()["error"]["field"] == "path.version"
    assert client.get("/v1/placements/email/versions", headers=api.admin).json() == []
