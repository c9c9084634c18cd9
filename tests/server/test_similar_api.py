"""Similar items over HTTP with the default settings: the similar_blend model, trained by
a job, answers for an item nobody has interacted with yet, with items of its kind."""

from __future__ import annotations

import time
from typing import Any

from tailored import Engine


def _trained(api: Any, model: str) -> dict[str, Any]:
    response = api.client.post("/v1/admin/training", json={"model": model}, headers=api.admin)
    assert response.status_code == 202, response.text
    deadline = time.monotonic() + 60
    while True:
        job: dict[str, Any] = api.client.get(
            f"/v1/admin/training/{response.json()['id']}", headers=api.admin
        ).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        assert time.monotonic() < deadline, f"job still {job['status']}"
        time.sleep(0.05)


def test_a_new_item_gets_similar_items_of_its_kind_from_the_default_model(
    api: Any, shop: Engine
) -> None:
    job = _trained(api, "similar_blend")
    assert job["status"] == "succeeded", job
    body = api.client.get("/v1/items/new-lamp/similar?n=3", headers=api.serve).json()
    assert body["source"] == "similar_blend" and body["personalized"] is False
    assert len(body["items"]) == 3
    for item in body["items"]:
        assert "camping" in shop.items.get(item["id"]).categories
        assert item["reason"]["text"] == "similar to New lamp"


def test_training_a_model_that_reads_the_catalog_names_its_parameters(api: Any) -> None:
    response = api.client.post(
        "/v1/admin/training",
        json={"model": "content", "params": {"category_weight": "high"}},
        headers=api.admin,
    )
    assert response.status_code == 422
    assert "params.category_weight" in response.text
