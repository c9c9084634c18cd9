"""Bearer API keys with scopes: `admin` (everything), `ingest` (writes from the business
and its clients), `serve` (reads for storefronts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tailored.domain.keys import ApiKey
from tailored.engine import Engine
from tailored.errors import AuthenticationError
from tailored.types import Scope

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer tk_...`")


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def require(scope: Scope) -> Callable[..., ApiKey]:
    """A dependency that admits keys holding `scope` (or admin)."""

    def check(
        engine: EngineDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> ApiKey:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise AuthenticationError("missing API key: send 'Authorization: Bearer <key>'")
        return engine.keys.authorize(credentials.credentials, scope)

    return check


Admin = Annotated[ApiKey, Depends(require("admin"))]
Ingest = Annotated[ApiKey, Depends(require("ingest"))]
Serve = Annotated[ApiKey, Depends(require("serve"))]
