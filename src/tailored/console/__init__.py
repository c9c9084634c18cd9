"""The admin console (`/console`): server-rendered pages over the engine.

Server-rendered (Jinja2) with a little vanilla JavaScript; every asset is served from
the package (`/static`), nothing from the internet, and no page runs inline code (the
server sends a strict Content-Security-Policy). Pages call the engine directly, as the
REST routes do. The console asks for an admin API key once and keeps a server-side
session (`tailored.console.sessions`). The demo's storefront (`tailored.demo.storefront`)
lays its pages out on the same `base.html` and assets.
"""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from tailored.console.guards import Refused
from tailored.console.paths import STATIC

FRONT_PAGE = "/console"  # where `/` leads; the demo points it at its storefront


def mount(app: FastAPI) -> None:
    """Add the console and its assets to `app` (the pages stay out of the OpenAPI
    schema), and make `/` lead to the console."""
    from tailored.console.pages import home

    app.state.front_page = FRONT_PAGE
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(Refused, _refused)
    app.include_router(home.router, include_in_schema=False)


def _refused(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return exc.response


__all__ = ["FRONT_PAGE", "mount"]
