"""A production server has no storefront: the demo store lets whoever reaches it act as
any user (a cookie names the shopper), so only `tailored demo` serves it. `tailored
serve`, `app_from_env` and `create_app` by default answer 404 on `/store` and below,
and the shopper-cookie exploit records nothing (both backends)."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from tailored import Engine
from tailored.demo.app import demo_app
from tailored.server import create_app
from tailored.server.app import app_from_env
from tailored.testing.server_process import ServerProcess

STORE_PATHS = [
    ("GET", "/store"),
    ("GET", "/store/"),
    ("GET", "/store/home"),
    ("GET", "/store/items/sku-1"),
    ("GET", "/store/orders"),
    ("GET", "/store/preferences"),
    ("GET", "/store/images/sku-1.svg"),
    ("POST", "/store/as"),
    ("POST", "/store/items/sku-1/buy"),
    ("POST", "/store/cart/add"),
    ("POST", "/store/preferences"),
    ("POST", "/store/orders/1/delete"),
    ("POST", "/store/consent"),
]


def _shop(engine: Engine) -> None:
    engine.items.upsert({"id": "sku-1", "title": "Trail runner", "attributes": {"price": 89.0}})
    engine.users.upsert("u2", {"name": "Ann"})


def _probe(client: httpx.Client | TestClient) -> None:
    """Every storefront path is a 404, with the shopper cookie set as the exploit did."""
    client.cookies.set("tailored_shopper", "u2")
    for method, path in STORE_PATHS:
        response = client.request(method, path, data={"user_id": "u2", "quantity": "3"})
        assert response.status_code == 404, (method, path, response.status_code)
    # curl -b tailored_shopper=u2 -X POST $API/store/items/sku-1/buy -d quantity=3
    bought = client.post("/store/items/sku-1/buy", data={"quantity": "3"})
    assert bought.status_code == 404


def test_create_app_serves_no_storefront_by_default(engine: Engine) -> None:
    _shop(engine)
    with TestClient(create_app(engine)) as client:
        _probe(client)
        assert client.get("/console/login").status_code == 200  # the console stays
    assert engine.events.count() == 0
    assert engine.users.get("u2").activity.events_total == 0  # type: ignore[union-attr]


def test_app_from_env_serves_no_storefront(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _shop(engine)
    monkeypatch.setenv("TAILORED_DATABASE_URL", database_url)
    with TestClient(app_from_env()) as client:
        _probe(client)
    assert engine.events.count() == 0


@pytest.mark.slow
def test_tailored_serve_answers_404_to_the_shopper_cookie_exploit(fresh_url: str) -> None:
    with Engine.open(fresh_url) as engine:
        _shop(engine)
    with ServerProcess(fresh_url) as server, httpx.Client(base_url=server.base_url) as client:
        _probe(client)
        assert client.get("/healthz").status_code == 200
    with Engine.open(fresh_url, migrate=False) as engine:
        assert engine.events.count() == 0
        assert not engine.orders.list("u2")


def test_the_demo_app_serves_it(engine: Engine) -> None:
    _shop(engine)
    with TestClient(demo_app(engine)) as client:
        assert client.get("/store").status_code == 200
