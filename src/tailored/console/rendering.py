"""One Jinja2 environment for every page, and the helpers pages share."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from tailored.console.paths import TEMPLATES
from tailored.console.values import readable
from tailored.engine import Engine

templates = Jinja2Templates(directory=TEMPLATES)  # autoescapes .html templates


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and `noun`, plural unless there is exactly one (`plural` when adding an
    's' is wrong).

    >>> counted(1, "design"), counted(0, "design"), counted(3, "saved design")
    ('1 design', '0 designs', '3 saved designs')
    >>> counted(2, "entry", "entries")
    '2 entries'
    """
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


templates.env.filters["counted"] = counted
templates.env.filters["readable"] = readable


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def page(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render one of the console's templates (see `render`)."""
    return render(templates, request, template, status_code=status_code, **context)


def render(
    environment: Jinja2Templates,
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render `template` with `context`, plus `request` and the `csrf_token` its forms
    send back (set by the guards in `request.state`, with the cookie to go with it when
    the browser has none yet). Console pages are never cached: they show what only an
    admin may see."""
    context.setdefault("csrf_token", getattr(request.state, "csrf_token", None))
    response = environment.TemplateResponse(request, template, context, status_code=status_code)
    cookie = getattr(request.state, "csrf_cookie", None)
    if cookie is not None:
        response.set_cookie(**cookie)
    if template.startswith("console/"):
        response.headers["Cache-Control"] = "no-store"
    return response


__all__ = ["counted", "engine_of", "page", "render", "templates"]
