"""The demo storefront (`/store`): a small shop to try `tailored` as a shopper would.

The shopper is whoever a cookie names, so anyone can act as anyone: only `tailored demo`
mounts it, on a loopback address (`mount`).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from tailored.config import Settings
from tailored.demo.storefront.rendering import STATIC
from tailored.engine import Engine
from tailored.server import create_app


def demo_app(engine: Engine | None = None, *, settings: Settings | None = None) -> FastAPI:
    """The app `tailored demo` serves: `create_app`'s API and console, plus the store."""
    app = create_app(engine, settings=settings)
    mount(app)
    return app


def mount(app: FastAPI) -> None:
    """Add the storefront's pages and assets to `app` (built by `create_app`)."""
    from tailored.demo.storefront import pages

    app.mount("/store/static", StaticFiles(directory=STATIC), name="store-static")
    app.include_router(pages.router, include_in_schema=False)


__all__ = ["demo_app", "mount"]
