"""The storefront's pages: its own templates, laid out on the console's `base.html`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from tailored.console.paths import TEMPLATES as CONSOLE_TEMPLATES
from tailored.console.rendering import render

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(TEMPLATES), jinja2.FileSystemLoader(CONSOLE_TEMPLATES)]
        ),
        autoescape=True,
    )
)


def page(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render one of the storefront's templates (see `tailored.console.rendering.render`)."""
    return render(templates, request, template, status_code=status_code, **context)


__all__ = ["STATIC", "TEMPLATES", "page", "templates"]
