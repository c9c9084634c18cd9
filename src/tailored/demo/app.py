"""The app `tailored demo` serves: `create_app`'s API and console, plus the storefront,
whose pages reach the same server through the Python client with a key of their own.

`tailored demo` points the storefront's client at the server's own loopback address;
`demo_app(engine)` without a store binds it to the app in-process (a starlette
`TestClient` as its `http`), so tests and notebooks need no port.
"""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tailored.client import Client
from tailored.config import Settings
from tailored.demo.storefront import Storefront, mount
from tailored.engine import Engine
from tailored.errors import InvalidInput
from tailored.server import create_app

STORE_KEY_NAME = "storefront"  # also who changed a preference, in its history
STORE_SCOPES = ["ingest", "serve"]  # a shop backend's: records and reads, never admin
SHOPPERS_SHOWN = 12
IN_PROCESS_URL = "http://testserver"


def demo_app(
    engine: Engine | None = None,
    *,
    settings: Settings | None = None,
    store: Storefront | None = None,
) -> FastAPI:
    """`create_app(engine, settings=settings)` with the storefront mounted. Without a
    `store`, the storefront gets a fresh key on `engine` and reaches this very app
    in-process."""
    app = create_app(engine, settings=settings)
    if store is None:
        if engine is None:
            raise InvalidInput(
                "store", "give the storefront's store, or an engine to serve it in-process"
            )
        from fastapi.testclient import TestClient  # in-process only: no port, no server

        store = storefront_for(engine, IN_PROCESS_URL, http=TestClient(app))
    mount(app, store)
    return app


def storefront_for(
    engine: Engine, base_url: str, *, http: httpx.Client | None = None
) -> Storefront:
    """The storefront's client for the server at `base_url` (through `http`, if given),
    with a new ingest + serve key; the shoppers its door offers; the engine's consent
    policy."""
    secret = engine.keys.create(STORE_KEY_NAME, scopes=STORE_SCOPES).secret
    client = Client(base_url, api_key=secret, http=http)
    shoppers = tuple(
        (user.id, str(user.traits.get("name") or user.id))
        for user in engine.users.list(limit=SHOPPERS_SHOWN).items
    )
    opt_out = engine.settings.personalization_consent == "opt_out"
    return Storefront(client, shoppers, personalizes_by_default=opt_out)


__all__ = ["STORE_KEY_NAME", "demo_app", "storefront_for"]
