"""The one exception tree of `tailored`.

Every error a caller can act on derives from `TailoredError` and carries a message that
names the field (or the thing) and what to do about it. `tailored.server.errors` maps
the tree to HTTP status codes in one place::

    TailoredError
    ├── InvalidInput          bad value from the caller               -> 422
    │   ├── PayloadTooLarge   a batch or body over the limit          -> 413
    │   └── UnsupportedMediaType  a body that is not JSON             -> 415
    ├── NotFound              no such item, user, key, ...            -> 404
    ├── Conflict              the request clashes with stored state   -> 409
    │   └── MergedAway        an id merged into another person        -> 409
    ├── AuthenticationError   no key, or an unknown/revoked/expired one -> 401
    ├── PermissionDenied      the key lacks the scope                 -> 403
    ├── RateLimited           the key is over its rate limit          -> 429
    ├── Unavailable           the database is busy or unreachable     -> 503
    └── ConfigurationError    settings that cannot work (start-up)

>>> err = InvalidInput("timestamp", "is more than 300 s in the future")
>>> str(err)
'timestamp: is more than 300 s in the future'
>>> isinstance(err, TailoredError)
True
"""

from __future__ import annotations


class TailoredError(Exception):
    """Base of every error raised on purpose by `tailored`."""


class InvalidInput(TailoredError):
    """A value supplied by the caller is wrong; `field` names it (dotted path)."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


class PayloadTooLarge(InvalidInput):
    """A batch or request body exceeds a configured limit."""


class UnsupportedMediaType(InvalidInput):
    """A request body in a format the endpoint does not read (it reads JSON)."""


class NotFound(TailoredError):
    """The thing named does not exist."""

    def __init__(self, kind: str, identifier: str) -> None:
        self.kind = kind
        self.identifier = identifier
        super().__init__(f"{kind} {identifier!r} not found")


class Conflict(TailoredError):
    """The request contradicts what is stored (e.g. registering a built-in event type)."""


class MergedAway(Conflict):
    """The id was merged into another person (`user_id`), who holds its data now."""

    def __init__(self, anonymous_id: str, user_id: str) -> None:
        self.anonymous_id = anonymous_id
        self.user_id = user_id
        super().__init__(
            f"user_id: {anonymous_id!r} was merged into {user_id!r}, which holds its data "
            f"now: ask for {user_id!r}"
        )


class AuthenticationError(TailoredError):
    """No API key, or a key that is unknown, revoked or expired (or a secret that a
    rotation replaced, once its overlap ended)."""


class PermissionDenied(TailoredError):
    """The API key is valid but lacks the scope the operation needs."""


class RateLimited(TailoredError):
    """The API key made more requests than its rate limit allows; retry after
    `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class Unavailable(TailoredError):
    """The database could not complete the work for now (lost connection, deadlock, busy
    file); nothing of the failed transaction was stored and the same call can be retried."""


class ConfigurationError(TailoredError):
    """Settings that cannot work; raised at start-up, before anything is served."""


__all__ = [
    "AuthenticationError",
    "ConfigurationError",
    "Conflict",
    "InvalidInput",
    "MergedAway",
    "NotFound",
    "PayloadTooLarge",
    "PermissionDenied",
    "RateLimited",
    "TailoredError",
    "Unavailable",
    "UnsupportedMediaType",
]
