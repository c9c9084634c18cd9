"""Security headers on every response: the pages (console, demo store) run no inline
code and load nothing from elsewhere, so a strict Content-Security-Policy costs them
nothing and takes an injected script's teeth; no page may be framed (clickjacking); no
response is sniffed into another type; a link never leaks a page's address elsewhere.

The API docs (`/docs`, `/redoc`, `tailored.server.docs`) load Swagger UI and ReDoc from
the package too, but FastAPI's pages start them with an inline script and both inject
styles (ReDoc also runs its search in a worker made from a blob): their policy allows
inline code, still nothing from elsewhere.

>>> dict(security_headers("/console"))[b"x-frame-options"]
b'DENY'
>>> b"default-src 'self'" in dict(security_headers("/docs"))[b"content-security-policy"]
True
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# 'self' only: scripts and styles come from /static (no inline code, no CDN); data:
# images are there for the browsers' own form controls.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


def security_headers(
    path: str, docs: Collection[str] = ("/docs", "/redoc")
) -> tuple[tuple[bytes, bytes], ...]:
    """The headers added to a response for `path` (`docs`: where the API docs are)."""
    return _DOCS if _under(path, docs) else _PAGES


class SecurityHeaders:
    """ASGI middleware adding `security_headers` to every HTTP response that does not
    set them itself (a plain ASGI wrapper: it costs the API's hot path next to nothing)."""

    def __init__(self, app: ASGIApp, *, docs: Collection[str] = ("/docs", "/redoc")) -> None:
        self.app = app
        self.docs = tuple(p for p in docs if p)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = security_headers(scope["path"], self.docs)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in added if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _under(path: str, prefixes: Collection[str]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in prefixes)


_PAGES = (*_COMMON, (b"content-security-policy", PAGE_POLICY.encode()))
_DOCS = (*_COMMON, (b"content-security-policy", DOCS_POLICY.encode()))

__all__ = ["DOCS_POLICY", "PAGE_POLICY", "SecurityHeaders", "security_headers"]
