"""The client covers the whole REST API: every operation the app documents is declared
by some client operation, and every route the client declares exists. A route added to
the server without a client operation fails here."""

from __future__ import annotations

import functools
import inspect
from typing import Any

from tailored.client import AsyncClient, Client
from tailored.client.calls import Route
from tailored.client.client import RESOURCES
from tailored.client.operations import operations
from tailored.server import create_app

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@functools.cache
def _app_operations() -> frozenset[str]:
    """``METHOD /path/{template}`` of every operation in the app's OpenAPI description:
    the REST API (`/v1`) and the probes, not the console's or docs' pages."""
    paths = create_app().openapi()["paths"]
    return frozenset(
        f"{method.upper()} {path}"
        for path, methods in paths.items()
        for method in methods
        if method in HTTP_METHODS
    )


def _declared() -> dict[str, list[str]]:
    """Route template -> the client operations declaring it."""
    declared: dict[str, list[str]] = {}
    for resource in RESOURCES:
        for name, op in operations(resource).items():
            for route in op.routes:
                declared.setdefault(route.template, []).append(f"{resource.__name__}.{name}")
    return declared


def test_every_route_of_the_app_has_a_client_operation() -> None:
    app = _app_operations()
    assert len(app) >= 71 and all(t.split()[1].startswith(("/v1/", "/healthz", "/readyz"))
                                  for t in app)  # fmt: skip
    missing = sorted(app - set(_declared()))
    assert missing == [], f"routes without a client operation: {missing}"


def test_every_route_the_client_declares_exists() -> None:
    stale = sorted(set(_declared()) - _app_operations())
    assert stale == [], f"client operations for routes the app does not have: {stale}"


def test_each_route_is_declared_by_one_operation() -> None:
    shared = {t: ops for t, ops in _declared().items() if len(ops) > 1}
    # Events.record and Events.record_many both post to /v1/events (one row or a batch).
    assert shared == {"POST /v1/events": ["Events.record", "Events.record_many"]}


def test_only_creating_writes_are_never_retried() -> None:
    once = sorted(
        route.template
        for resource in RESOURCES
        for op in operations(resource).values()
        for route in op.routes
        if not route.idempotent
    )
    assert once == [
        "POST /v1/admin/keys",  # a new key, and a new secret: twice would make two
        "POST /v1/admin/keys/{key_id}/rotate",
        "POST /v1/admin/training",
        "POST /v1/users/{user_id}/designs",
        "POST /v1/users/{user_id}/lists",
        "POST /v1/users/{user_id}/orders",
    ]
    reads = [
        route
        for resource in RESOURCES
        for op in operations(resource).values()
        for route in op.routes
        if route.method == "GET"
    ]
    assert all(isinstance(r, Route) and r.idempotent for r in reads)


def test_both_clients_offer_the_same_resources_and_operations() -> None:
    sync = Client("http://shop.test", api_key="tk_x")
    asynchronous = AsyncClient("http://shop.test", api_key="tk_x")
    names = {name for name in vars(sync) if not name.startswith("_")}
    assert names == {name for name in vars(asynchronous) if not name.startswith("_")}
    assert {type(getattr(sync, name)) for name in names} == set(RESOURCES)
    for name in names:
        for op_name in operations(type(getattr(sync, name))):
            bound: Any = getattr(getattr(asynchronous, name), op_name)
            assert inspect.signature(bound) == inspect.signature(
                getattr(getattr(sync, name), op_name)
            )
    sync.close()
