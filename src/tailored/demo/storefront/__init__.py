"""The demo storefront (`/store`): a small shop to try `tailored` as a shopper would.

It is a reference integration: every page reads and writes through the Python client
(`tailored.client.Client`) with an API key of its own, as a shop's backend would, and
never touches the engine. The shopper is whoever a cookie names, so anyone can act as
anyone: only `tailored demo` mounts it, on a loopback address (`tailored.demo.app`).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from tailored.demo.storefront.rendering import STATIC
from tailored.demo.storefront.shop import Storefront


def mount(app: FastAPI, store: Storefront) -> None:
    """Add the storefront's pages and assets to `app`; the pages talk to tailored
    through `store.client`."""
    from tailored.demo.storefront import pages

    app.state.storefront = store
    app.state.front_page = "/store"  # the demo's visitors come to shop
    app.mount("/store/static", StaticFiles(directory=STATIC), name="store-static")
    app.include_router(pages.router, include_in_schema=False)


__all__ = ["Storefront", "mount"]
