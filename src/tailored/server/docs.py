"""The API docs pages, `/docs` (Swagger UI) and `/redoc` (ReDoc), served with assets
from the package, so they work offline and behind a firewall (FastAPI's own pages load
them from a CDN and would be blank there). The vendored files and their licences are in
`tailored/console/static/vendor/` (see its README), served under `/static`. The one
outside address left in them, the logo of ReDoc's "API docs by Redocly" footer, is
refused by the pages' Content-Security-Policy (`tailored.server.headers`).

>>> DOCS_URL, REDOC_URL
('/docs', '/redoc')
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
_VENDOR = "/static/vendor"
_FAVICON = "/static/favicon.svg"
# Swagger UI's default validator badge asks validator.swagger.io about the schema.
_SWAGGER_PARAMETERS = {"validatorUrl": None}


def add_docs(app: FastAPI) -> None:
    """Serve the docs pages of `app` (built with `docs_url=None, redoc_url=None`)."""
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get(DOCS_URL, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - API docs",
            swagger_js_url=f"{_VENDOR}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{_VENDOR}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=_FAVICON,
            swagger_ui_parameters=_SWAGGER_PARAMETERS,
        )

    @app.get(REDOC_URL, include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} - API reference",
            redoc_js_url=f"{_VENDOR}/redoc/redoc.standalone.js",
            redoc_favicon_url=_FAVICON,
            with_google_fonts=False,  # fonts.googleapis.com: the system fonts will do
        )


__all__ = ["DOCS_URL", "REDOC_URL", "add_docs"]
