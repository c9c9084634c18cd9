"""Who is looking: the console's admin, a server-side session begun by logging in with an
admin API key; the browser holds only the session's random secret.

The console's cookie is HTTP-only, `SameSite=Strict`, scoped to `/console`, and `Secure`
when the request came over HTTPS (behind a proxy: when the server is told so, e.g.
uvicorn's `--proxy-headers` with `X-Forwarded-Proto`).
"""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from tailored.console.rendering import engine_of
from tailored.domain.console_sessions import ConsoleSession, NewConsoleSession

CONSOLE_COOKIE = "tailored_console"
CONSOLE_PATH = "/console"
# Before sessions, the console kept the admin key itself in this cookie (Path=/): a
# login or logout deletes what an older version left in the browser.
LEGACY_ADMIN_COOKIE = "tailored_admin"


def console_session(request: Request) -> ConsoleSession | None:
    """This browser's live console session (None: log in first)."""
    secret = request.cookies.get(CONSOLE_COOKIE)
    return engine_of(request).console_sessions.find(secret) if secret else None


def remember_session(request: Request, response: Response, new: NewConsoleSession) -> None:
    """Give the browser its new session (a session it held before ends: one browser,
    one session)."""
    sessions = engine_of(request).console_sessions
    if earlier := request.cookies.get(CONSOLE_COOKIE):
        sessions.end(earlier)
    lifetime = sessions.limits.lifetime
    response.set_cookie(
        CONSOLE_COOKIE,
        new.secret,
        max_age=int(lifetime.total_seconds()),
        path=CONSOLE_PATH,
        secure=is_https(request),
        httponly=True,
        samesite="strict",
    )
    response.delete_cookie(LEGACY_ADMIN_COOKIE)


def end_session(request: Request, response: Response) -> None:
    """Log out: the session ends on the server, and the browser forgets its cookie."""
    secret = request.cookies.get(CONSOLE_COOKIE)
    if secret:
        engine_of(request).console_sessions.end(secret)
    response.delete_cookie(
        CONSOLE_COOKIE, path=CONSOLE_PATH, secure=is_https(request), httponly=True,
        samesite="strict",
    )  # fmt: skip
    response.delete_cookie(LEGACY_ADMIN_COOKIE)


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/console/login?next={request.url.path}", status_code=303)


__all__ = [
    "CONSOLE_COOKIE",
    "LEGACY_ADMIN_COOKIE",
    "console_session",
    "end_session",
    "is_https",
    "remember_session",
    "to_login",
]
