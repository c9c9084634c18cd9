"""Bearer API keys with scopes: `admin` (everything), `ingest` (writes from the business
and its clients), `serve` (reads for storefronts)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from tailored.domain.audit import Actor
from tailored.domain.keys import ApiKey
from tailored.engine import Engine
from tailored.engine.audit import set_actor
from tailored.errors import AuthenticationError, PermissionDenied
from tailored.types import Scope

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer tk_...`")


# Dependencies are `async def`: FastAPI runs a plain `def` dependency in a worker thread,
# and each such hop costs about as much as the database work of a small request.
async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def require(scope: Scope) -> Callable[..., Awaitable[ApiKey]]:
    """A dependency that admits keys holding `scope` (or admin)."""

    async def check(
        request: Request,
        engine: EngineDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> ApiKey:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise AuthenticationError("missing API key: send 'Authorization: Bearer <key>'")
        secret = credentials.credentials
        key = engine.keys.cached(secret)
        if key is None:  # a database read: off the event loop
            key = await run_in_threadpool(engine.keys.authenticate, secret)
        if not key.allows(scope):
            raise PermissionDenied(f"this API key lacks the {scope!r} scope")
        engine.keys.admit(key)  # its rate limit, if it has one (429 with Retry-After)
        # The audit log names this key and address for whatever the request changes
        # (set in the request's own task, so the route, sync or async, sees it).
        set_actor(Actor("key", key.id, request.client.host if request.client else None))
        return key

    return check


Admin = Annotated[ApiKey, Depends(require("admin"))]
Ingest = Annotated[ApiKey, Depends(require("ingest"))]
Serve = Annotated[ApiKey, Depends(require("serve"))]
