"""What a user blocked never appears in any list they can be shown, over HTTP, on every
backend: recommendations (GET and POST, with and without a placement that boosts what
they blocked), similar items and bought together of every item, and the catalog listed
for them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi.testclient import TestClient

from tailored import Engine
from tailored.domain.preferences import default_schema
from tailored.engine.preferences.inputs import schema_document

BLOCKED_CATEGORY = "kitchen"  # pan, knife, mug
BLOCKED_BRAND = "Acme"  # tent, stove, boots, laces
NEVER = {"pan", "knife", "mug", "tent", "stove", "boots", "laces"}


def _blocked_user(api: Any, client: TestClient) -> str:
    """`ann`, who views and buys like a cook and a camper, and blocked the kitchen and
    the brand Acme: her history points straight at what she blocked."""
    fields = [
        *schema_document(default_schema()),
        {"name": "blocked_brands", "kind": "choices", "label": "Never these brands",
         "attribute": "brand", "effect": "block"},
    ]  # fmt: skip
    put = client.put("/v1/admin/preferences/schema", json={"fields": fields}, headers=api.admin)
    assert put.status_code == 200, put.text
    events = [
        {"user_id": "ann", "type": kind, "item_id": item}
        for item in ("pan", "knife", "tent", "lamp")
        for kind in ("view", "purchase")
    ]
    assert client.post("/v1/events", json=events, headers=api.ingest).status_code == 200
    chosen = {"blocked_categories": [BLOCKED_CATEGORY], "blocked_brands": [BLOCKED_BRAND]}
    put = client.put("/v1/users/ann/preferences", json=chosen, headers=api.ingest)
    assert put.status_code == 200, put.text
    # A campaign on the home placement that pushes exactly what she blocked.
    campaign = {
        "strategy": {
            "boosts": {
                "rules": [
                    {"category": BLOCKED_CATEGORY, "factor": 50},
                    {"attribute": "brand", "value": BLOCKED_BRAND, "factor": 50},
                ]
            }
        }
    }
    assert client.put("/v1/placements/home", json=campaign, headers=api.admin).status_code == 200
    return "ann"


def _lists(api: Any, client: TestClient, user: str, items: list[str]) -> Iterator[tuple[str, Any]]:
    """Every list `user` can be shown, by the request that gives it."""
    for placement in ("", "&placement=home"):
        url = f"/v1/users/{user}/recommendations?n=100{placement}"
        yield url, client.get(url, headers=api.serve)
    for context in ({}, {"session_items": ["pan"], "cart_items": ["boots"]}):
        body = {"user_id": user, "n": 100, "placement": "home", "context": context}
        yield f"POST {body}", client.post("/v1/recommendations", json=body, headers=api.serve)
    for item in items:
        for endpoint in ("similar", "bought-together"):
            for placement in ("", "&placement=home"):
                url = f"/v1/items/{item}/{endpoint}?n=100&user_id={user}{placement}"
                yield url, client.get(url, headers=api.serve)
    for category in ("", f"&category={BLOCKED_CATEGORY}"):
        url = f"/v1/items?limit=1000&user_id={user}{category}"
        yield url, client.get(url, headers=api.serve)
    url = f"/v1/items?limit=2&user_id={user}"  # page by page, each page full
    while url:
        page = client.get(url, headers=api.serve)
        yield url, page
        cursor = page.json()["next_cursor"]
        assert cursor is None or len(page.json()["items"]) == 2
        url = f"/v1/items?limit=2&user_id={user}&cursor={cursor}" if cursor else ""


def test_nothing_a_user_blocked_appears_in_any_list_they_can_see(
    api: Any, shop: Engine, client_for: Callable[..., TestClient]
) -> None:
    for model in ("item_knn", "cooccurrence", "seq_blend"):
        shop.training.train(model, tune=False)
    client = client_for(recommend_model="seq_blend")
    user = _blocked_user(api, client)
    catalog = [i.id for i in shop.items.list(limit=1000).items]
    walked = 0
    for request, response in _lists(api, client, user, catalog):
        assert response.status_code == 200, (request, response.text)
        shown = {item["id"] for item in response.json()["items"]}
        assert not shown & NEVER, (request, sorted(shown & NEVER))
        # Nor does a reason point at it: what fills in for it is not "popular in kitchen".
        texts = [item["reason"]["text"] for item in response.json()["items"] if "reason" in item]
        assert not [t for t in texts if BLOCKED_CATEGORY in t], (request, texts)
        walked += 1
    assert walked > 4 * len(catalog)
    # The lists are not empty for want of items: the rest of the catalog is offered.
    everything = client.get(f"/v1/items?limit=1000&user_id={user}", headers=api.serve).json()
    assert {i["id"] for i in everything["items"]} == set(catalog) - NEVER
    paged: list[str] = []
    for request, response in _lists(api, client, user, []):
        if request.startswith("/v1/items?limit=2"):
            paged += [item["id"] for item in response.json()["items"]]
    assert sorted(paged) == sorted(set(catalog) - NEVER)  # every page, each item once
    home = client.get(f"/v1/users/{user}/recommendations?n=100", headers=api.serve).json()
    assert {i["id"] for i in home["items"]} >= {"socks", "mat"}
