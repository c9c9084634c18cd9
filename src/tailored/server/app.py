"""The FastAPI application factory. Nothing is built at import time."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

import tailored
from tailored import console
from tailored.config import Settings
from tailored.engine import Engine
from tailored.engine.inputs import EventIn, ItemIn
from tailored.server import errors
from tailored.server.body import BodyLimit
from tailored.server.docs import DOCS_URL, REDOC_URL, add_docs
from tailored.server.headers import SecurityHeaders
from tailored.server.input_checks import URLCheck
from tailored.server.routes import (
    alerts,
    audit,
    configurators,
    events,
    health,
    items,
    keys,
    lists,
    orders,
    placements,
    preferences,
    reactions,
    recommendations,
    training,
    users,
)
from tailored.workflows.background import Background

DESCRIPTION = """\
Self-hosted personalization and customization engine.

Authenticate with `Authorization: Bearer <key>`; create keys with `tailored keys create`.
Scopes: `admin` (everything), `ingest` (events, users, consents), `serve` (reads).
Errors look like `{"error": {"code": "invalid_input", "message": "...", "field": "..."}}`.
"""


def create_app(engine: Engine | None = None, *, settings: Settings | None = None) -> FastAPI:
    """An app serving `engine`, or one it opens from `settings` on start-up (and closes):
    the REST API, its docs and the console."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = engine is None
        app.state.engine = engine or Engine.open(settings=settings or Settings())
        try:
            with Background.of(app.state.engine):  # training jobs, scheduled retraining
                yield
        finally:
            if owned:
                app.state.engine.close()

    app = FastAPI(
        title="tailored",
        version=tailored.__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # add_docs serves them with the package's assets, not a CDN's
        redoc_url=None,
    )
    if engine is not None:
        app.state.engine = engine
    errors.install(app)
    app.add_middleware(BodyLimit, limit=lambda: app.state.engine.settings.max_body_bytes)
    app.add_middleware(URLCheck)  # before anything reads the path
    app.add_middleware(SecurityHeaders, docs=(DOCS_URL, REDOC_URL))
    for router in (
        health.router,
        items.router,
        users.router,
        events.router,
        recommendations.router,
        preferences.router,
        lists.router,
        orders.router,
        alerts.router,
        training.router,
        configurators.router,
        placements.router,
        reactions.router,
        keys.router,
        audit.router,
    ):
        app.include_router(router)
    console.mount(app)  # also serves the docs' assets, under /static
    add_docs(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _tune_garbage_collector() -> None:
    """Keep the collector off the hot path: an event batch allocates tens of thousands of
    short-lived objects, and each full collection would walk every long-lived object of
    the app (routes, schemas, SQLAlchemy metadata). Freezing what start-up built and
    collecting the young generation less often cut ingest CPU by a fifth when measured."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema plus the row schemas of the batch endpoints, which read their
    bodies themselves to validate row by row, and the error answers of every operation."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (EventIn, ItemIn):
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(definition.pop("$defs", {}))
        components[model.__name__] = definition
    errors.document_errors(schema)
    app.openapi_schema = schema
    return schema


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory tailored.server.app:app_from_env` (settings from env)."""
    return create_app(settings=Settings())
