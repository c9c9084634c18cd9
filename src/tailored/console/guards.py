"""Who may see and send what: every console page needs a live session, and every form
that changes something carries a CSRF token, so a page of another site cannot make a
logged-in browser post to the console (or to the demo store).

The console's token belongs to its session (`ConsoleSession.csrf_token`). The login
form and the demo store have no session: their token is a random value kept in a
cookie of their own and sent back in the form (a "double submit"; another site can
neither read the cookie nor set it, `SameSite=Strict`). Forms carry it as the hidden
field `csrf_token` (`rendering.page` hands every template `csrf_token`); a POST without
the right one gets a 403 page that says what to do.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.datastructures import FormData

from tailored.console.rendering import page
from tailored.console.sessions import console_session, is_https, to_login
from tailored.domain.audit import Actor
from tailored.domain.console_sessions import ConsoleSession, same_token
from tailored.engine.audit import set_actor

CSRF_FIELD = "csrf_token"
LOGIN_CSRF_COOKIE = "tailored_console_login"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
STALE_FORM = (
    "This form could not be accepted: it did not come from this page as the server "
    "sent it (its security token is missing or out of date). Go back, reload the page "
    "and send it again."
)


class Refused(Exception):
    """A request turned away with a page of its own (the login, a 403); the console's
    `mount` answers it with `response`."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


async def posted_form(request: Request) -> FormData | None:
    """The submitted form of a state-changing request (None for a GET). Starlette keeps
    it, so the route's own form fields read the same body."""
    if request.method in SAFE_METHODS:
        return None
    return await request.form()


PostedForm = Annotated[FormData | None, Depends(posted_form)]


def submitted_token(form: Mapping[str, Any] | None) -> str | None:
    value = form.get(CSRF_FIELD) if form is not None else None
    return value if isinstance(value, str) else None


def admitted(request: Request, form: PostedForm) -> ConsoleSession:
    """The guard of every console page but the login: a live session, and on a POST
    the session's CSRF token."""
    session = console_session(request)
    if session is None:
        raise Refused(to_login(request))
    request.state.csrf_token = session.csrf_token
    if form is not None and not same_token(session.csrf_token, submitted_token(form)):
        raise Refused(page(request, "console/problem.html", message=STALE_FORM, status_code=403))
    return session


async def acting_admin(
    request: Request, session: Annotated[ConsoleSession, Depends(admitted)]
) -> ConsoleSession:
    """`admitted`, and what the page changes is audited as this session's key (async:
    set in the request's own task, so the page sees it)."""
    host = request.client.host if request.client else None
    set_actor(Actor("console", session.key_id, host))
    return session


def double_submit_token(request: Request, cookie: str, *, path: str) -> str:
    """The token of a session-less form: the browser's cookie `cookie` if it has one,
    else a new one that the next page sets (`rendering.page`)."""
    token = request.cookies.get(cookie, "")
    if not (32 <= len(token) <= 128 and token.isascii()):
        token = secrets.token_urlsafe(32)
        request.state.csrf_cookie = {
            "key": cookie,
            "value": token,
            "path": path,
            "secure": is_https(request),
            "httponly": True,
            "samesite": "strict",
        }
    request.state.csrf_token = token
    return token


def double_submit_ok(request: Request, form: Mapping[str, Any] | None, cookie: str) -> bool:
    """Whether a posted form sent back the token its browser's cookie holds."""
    expected = request.cookies.get(cookie, "")
    return len(expected) >= 32 and same_token(expected, submitted_token(form))


__all__ = [
    "CSRF_FIELD",
    "LOGIN_CSRF_COOKIE",
    "STALE_FORM",
    "PostedForm",
    "Refused",
    "admitted",
    "double_submit_ok",
    "double_submit_token",
    "posted_form",
    "submitted_token",
]
