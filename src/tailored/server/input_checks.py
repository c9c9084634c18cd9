"""The rules every request meets before a route sees it, in one place.

- The URL: its path and query string must be UTF-8 once percent-decoded and hold no NUL
  character (`URLCheck`). Otherwise the server would decode "%FF" as U+FFFD and store an
  id nobody sent, and PostgreSQL refuses NUL in any text.
- A JSON body declared by a route (`CheckedRoute`, used by every `api_router()`): sent as
  JSON (else 415), and every value in it storable as the rules of
  `tailored.domain.json_values` say (64-bit integers, finite numbers, text without NUL
  or lone surrogates, at most `MAX_DEPTH` levels), else a 422 naming the place, e.g.
  ``body.traits.visits``. The batch endpoints read their bodies themselves and apply the
  same rules row by row, so one bad row never sinks the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

from fastapi import APIRouter, Request, Response, params
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from tailored.domain.json_values import check_json, text_problem
from tailored.errors import InvalidInput
from tailored.server.body import parse_json, require_json
from tailored.server.errors import error_for


class URLCheck:
    """ASGI middleware: a path or query string that is not UTF-8 text without NUL
    characters is answered 422, naming the part."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = url_problem(scope.get("raw_path") or b"", scope.get("query_string", b""))
            if problem is not None:
                await error_for(problem)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def url_problem(raw_path: bytes, query: bytes) -> InvalidInput | None:
    """What is wrong with a request's URL, if anything.

    >>> url_problem(b"/v1/users/caf%C3%A9", b"n=5") is None
    True
    >>> str(url_problem(b"/v1/users/%FF", b""))
    'path: is not UTF-8 text once percent-decoded'
    >>> str(url_problem(b"/v1/events", b"user_id=a%00b"))
    'query.user_id: must not contain NUL characters'
    """
    if b"%" in raw_path:  # raw NUL or non-ASCII bytes never get past the HTTP parser
        try:
            path = unquote_to_bytes(raw_path).decode("utf-8")
        except UnicodeDecodeError:
            return InvalidInput("path", "is not UTF-8 text once percent-decoded")
        if "\x00" in path:
            return InvalidInput("path", "must not contain NUL characters")
    if b"%" in query:
        try:
            pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            return InvalidInput("query", "is not UTF-8 text once percent-decoded")
        for name, value in pairs:
            problem = text_problem(name) or text_problem(value)
            if problem is not None:
                field = f"query.{name}" if text_problem(name) is None else "query"
                return InvalidInput(field, problem)
    return None


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class CheckedRoute(APIRoute):
    """A route whose declared JSON body is checked before FastAPI validates it: JSON
    content type, and values every backend can store."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        body = self.body_field
        if body is None or isinstance(body.field_info, params.Form):
            return handler  # no JSON body: nothing to check, nothing added to the path

        async def checked(request: Request) -> Response:
            raw = await request.body()  # kept by the request for FastAPI to read again
            if raw:
                require_json(request)
                check_json("body", parse_json(raw))
            return await handler(request)

        return checked


def api_router(**options: Any) -> APIRouter:
    """An APIRouter whose routes are `CheckedRoute`s (every router of the REST API)."""
    return APIRouter(route_class=CheckedRoute, **options)


__all__ = ["CheckedRoute", "URLCheck", "api_router", "url_problem"]
