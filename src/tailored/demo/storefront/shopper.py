"""Who is shopping: a cookie naming a user id (a new visitor gets an anonymous id), and
the guard of every storefront page. Anyone can set the cookie to any id, which is why
only `tailored demo`, on a loopback address, serves the storefront."""

from __future__ import annotations

import secrets

from fastapi import Request, Response

from tailored.console.guards import (
    STALE_FORM,
    PostedForm,
    Refused,
    double_submit_ok,
    double_submit_token,
)
from tailored.demo.storefront.rendering import page
from tailored.domain.identifiers import is_identifier

SHOPPER_COOKIE = "tailored_shopper"
STORE_CSRF_COOKIE = "tailored_store_csrf"
ANONYMOUS_PREFIX = "visitor-"


def shopper(request: Request) -> str | None:
    """The shopper this browser acts as, if it picked one (a cookie holding something
    that is not a valid user id counts as no pick)."""
    user_id = request.cookies.get(SHOPPER_COOKIE)
    return user_id if user_id and is_identifier(user_id) and user_id == user_id.strip() else None


def new_visitor_id() -> str:
    return ANONYMOUS_PREFIX + secrets.token_hex(6)


def remember_shopper(response: Response, user_id: str) -> None:
    response.set_cookie(SHOPPER_COOKIE, user_id, httponly=True, samesite="lax", max_age=86_400 * 30)


def store_guard(request: Request, form: PostedForm) -> None:
    """The guard of every storefront page: forms must send back the store's token."""
    if form is not None and not double_submit_ok(request, form, STORE_CSRF_COOKIE):
        raise Refused(page(request, "store/refused.html", message=STALE_FORM, status_code=403))
    double_submit_token(request, STORE_CSRF_COOKIE, path="/store")


__all__ = [
    "ANONYMOUS_PREFIX",
    "SHOPPER_COOKIE",
    "STORE_CSRF_COOKIE",
    "new_visitor_id",
    "remember_shopper",
    "shopper",
    "store_guard",
]
