"""The console: log in with an admin API key, then see what the engine does and why.

This module holds the login, the logout and the dashboard, and gathers the other
pages' routers (catalog, users, models, configurators) under `/console`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from tailored.console.guards import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    STALE_FORM,
    acting_admin,
    double_submit_ok,
    double_submit_token,
)
from tailored.console.pages import audit as console_audit
from tailored.console.pages import catalog as console_catalog
from tailored.console.pages import configurators as console_configurators
from tailored.console.pages import models as console_models
from tailored.console.pages import users as console_users
from tailored.console.pages.common import choice
from tailored.console.paths import STATIC
from tailored.console.rendering import engine_of, page
from tailored.console.sessions import end_session, remember_session
from tailored.domain.analytics import Overview
from tailored.domain.audit import Actor
from tailored.engine.audit import acting_as
from tailored.errors import AuthenticationError

LOGIN_PATH = "/console/login"
FAVICON = STATIC / "favicon.svg"  # linked by base.html as /static/favicon.svg
router = APIRouter()  # the login: open to everyone
pages = APIRouter(prefix="/console", dependencies=[Depends(acting_admin)])  # the rest: a session
WINDOWS = (1, 7, 14, 30, 90)  # days the dashboard offers
DEFAULT_WINDOW = 14
TOP_ITEMS = 10


@router.get("/", response_model=None)
def front_page(request: Request) -> RedirectResponse:
    """`/` (the brand link, a bare host name typed in) leads to the app's front page:
    the console, or the storefront where `tailored demo` mounts one."""
    return RedirectResponse(request.app.state.front_page, status_code=307)


@router.get("/favicon.ico", response_model=None)
def favicon() -> FileResponse:
    """The icon the pages link, also where browsers look for one unasked (an SVG: every
    current browser shows one, whatever the path is called)."""
    return FileResponse(FAVICON, media_type="image/svg+xml")


@router.get(LOGIN_PATH, response_class=HTMLResponse)
def login_form(request: Request, next: str = "/console") -> HTMLResponse:
    double_submit_token(request, LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    return page(request, "console/login.html", next=_local(next), error=None)


@router.post(LOGIN_PATH, response_model=None)
def login(
    request: Request,
    key: Annotated[str, Form()] = "",  # none sent: the same page as a wrong key
    next: Annotated[str, Form()] = "/console",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> Response:
    fresh = double_submit_ok(request, {CSRF_FIELD: csrf_token}, LOGIN_CSRF_COOKIE)
    double_submit_token(request, LOGIN_CSRF_COOKIE, path=LOGIN_PATH)  # for a page again
    if not fresh:
        return page(
            request, "console/login.html", next=_local(next), error=STALE_FORM, status_code=403
        )
    engine = engine_of(request)
    try:
        found = engine.keys.authenticate(key.strip())
    except AuthenticationError:
        found = None
    if found is None or not found.allows("admin"):
        error = "That is not an active admin key."
        return page(request, "console/login.html", next=_local(next), error=error, status_code=401)
    response = RedirectResponse(_local(next), status_code=303)
    host = request.client.host if request.client else None
    with acting_as(Actor("console", found.id, host)):  # the login is audited as the key's
        remember_session(request, response, engine.console_sessions.start(found))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    return response


@pages.post("/logout")
def logout(request: Request) -> RedirectResponse:
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    end_session(request, response)
    return response


@pages.get("", response_class=HTMLResponse, response_model=None)
def dashboard(request: Request, days: str | None = None) -> Response:
    window, usable = choice(days, WINDOWS, default=DEFAULT_WINDOW)
    overview = engine_of(request).analytics.overview(days=window, top=TOP_ITEMS)
    return page(
        request,
        "console/dashboard.html",
        section="dashboard",
        overview=overview,
        window=window,
        windows=WINDOWS,
        error=None if usable else f"Pick a window of {', '.join(map(str, WINDOWS))} days.",
        chart_data=chart_data(overview),
    )


def chart_data(overview: Overview) -> dict[str, Any]:
    """What dashboard.js draws, embedded in the page as JSON (no second request).

    >>> from datetime import date, datetime
    >>> from tailored.domain.analytics import DayCount, PlacementClicks
    >>> start = datetime(2026, 3, 1)
    >>> data = chart_data(Overview(since=start, until=start,
    ...     days=(DayCount(date(2026, 3, 1), {"view": 2}),),
    ...     placements=(PlacementClicks("home", 4, 1),)))
    >>> data["days"], data["series"], data["placements"][0]["ctr"]
    (['2026-03-01'], {'view': [2]}, 0.25)
    """
    types = overview.types
    return {
        "days": [day.day.isoformat() for day in overview.days],
        "series": {kind: [day.by_type.get(kind, 0) for day in overview.days] for kind in types},
        "placements": [
            {
                "placement": p.placement,
                "impressions": p.impressions,
                "clicks": p.clicks,
                "ctr": p.ctr,
            }
            for p in overview.placements
        ],
    }


def _local(path: str) -> str:
    """Only redirect within the console (never to another site)."""
    return path if path.startswith("/console") and "//" not in path else "/console"


for _part in (
    console_catalog,
    console_users,
    console_models,
    console_configurators,
    console_audit,
):
    pages.include_router(_part.router)
router.include_router(pages)

__all__ = ["router"]
