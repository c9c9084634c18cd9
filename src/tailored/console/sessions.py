"""Who is looking: the storefront's shopper (a cookie naming a user id; a new visitor
gets an anonymous id) and the console's admin (an admin API key, checked on every
request, kept in an HTTP-only cookie)."""

from __future__ import annotations

import secrets

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from tailored.console.rendering import engine_of
from tailored.domain.keys import ApiKey
from tailored.errors import AuthenticationError

SHOPPER_COOKIE = "tailored_shopper"
ADMIN_COOKIE = "tailored_admin"
ANONYMOUS_PREFIX = "visitor-"


def shopper(request: Request) -> str | None:
    """The shopper this browser acts as, if it picked one."""
    return request.cookies.get(SHOPPER_COOKIE) or None


def new_visitor_id() -> str:
    return ANONYMOUS_PREFIX + secrets.token_hex(6)


def remember_shopper(response: Response, user_id: str) -> None:
    response.set_cookie(SHOPPER_COOKIE, user_id, httponly=True, samesite="lax", max_age=86_400 * 30)


def admin(request: Request) -> ApiKey | None:
    """The admin key of this browser's console session (None: log in first)."""
    secret = request.cookies.get(ADMIN_COOKIE)
    if not secret:
        return None
    engine = engine_of(request)
    try:
        key = engine.keys.cached(secret) or engine.keys.authenticate(secret)
    except AuthenticationError:
        return None
    return key if key.allows("admin") else None


def remember_admin(response: Response, secret: str) -> None:
    response.set_cookie(ADMIN_COOKIE, secret, httponly=True, samesite="strict", max_age=86_400)


def to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/console/login?next={request.url.path}", status_code=303)


__all__ = [
    "ADMIN_COOKIE",
    "SHOPPER_COOKIE",
    "admin",
    "new_visitor_id",
    "remember_admin",
    "remember_shopper",
    "shopper",
    "to_login",
]
