"""The web pages: the demo storefront (`/store`) and the console (`/console`).

Server-rendered (Jinja2) with a little vanilla JavaScript; every asset is served from
the package (`/static`), nothing from the internet. Pages call the engine directly, as
the REST routes do; the storefront keeps the shopper in a cookie, the console asks for
an admin API key once and keeps it in an HTTP-only cookie.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from tailored.console.paths import STATIC


def mount(app: FastAPI) -> None:
    """Add the pages and their assets to `app` (they stay out of the OpenAPI schema)."""
    from tailored.console import console_pages, store_pages

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(store_pages.router, include_in_schema=False)
    app.include_router(console_pages.router, include_in_schema=False)


__all__ = ["mount"]
