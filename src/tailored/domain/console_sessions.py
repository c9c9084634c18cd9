"""Console sessions: what a browser holds after logging in to the console with an admin
API key, instead of the key itself.

The browser keeps a random secret; the database keeps only its SHA-256 digest, the key
that logged in, and when the session started and was last used. A session ends when
it is idle too long, when it is too old, when its key is revoked, or at logout. Forms
carry a CSRF token derived from the secret (an HMAC), so a page of another site cannot
post on the admin's behalf: it knows neither the secret nor the token.

>>> secret = new_session_secret()
>>> len(secret) >= 43 and hash_session(secret) != secret
True
>>> same_token(csrf_token_of(secret), csrf_token_of(secret)), same_token("a", None)
(True, False)
>>> from datetime import UTC
>>> start = datetime(2026, 1, 1, 9, tzinfo=UTC)
>>> session = ConsoleSession("k1", start, start + timedelta(hours=1), "t")
>>> limits = SessionLimits(idle=timedelta(hours=2), lifetime=timedelta(hours=12))
>>> session.lapsed(start + timedelta(hours=2, minutes=59), limits)
False
>>> session.lapsed(start + timedelta(hours=3, seconds=1), limits)  # idle over 2 hours
True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

_CSRF_PURPOSE = b"tailored console csrf v1"


@dataclass(frozen=True, slots=True)
class SessionLimits:
    """How long a session lives: `idle` without a request, `lifetime` in all."""

    idle: timedelta
    lifetime: timedelta


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    """A logged-in console browser: the API key that logged in, when the session began
    and was last used, and the token its forms carry."""

    key_id: str
    created_at: datetime
    last_seen_at: datetime
    csrf_token: str

    def lapsed(self, now: datetime, limits: SessionLimits) -> bool:
        return now - self.last_seen_at > limits.idle or now - self.created_at > limits.lifetime


@dataclass(frozen=True, slots=True)
class NewConsoleSession:
    """A session just begun: `secret` goes into the browser's cookie, and only there."""

    session: ConsoleSession
    secret: str


def new_session_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def hash_session(secret: str) -> str:
    # 256 random bits: a fast hash is enough (as for API keys).
    return hashlib.sha256(secret.encode()).hexdigest()


def csrf_token_of(secret: str) -> str:
    """The session's CSRF token: fixed for the session, useless without the cookie, and
    telling nothing about the secret (a page shows it; the secret stays in the cookie)."""
    return hmac.new(secret.encode(), _CSRF_PURPOSE, hashlib.sha256).hexdigest()


def same_token(expected: str, submitted: str | None) -> bool:
    """Whether a submitted token is the expected one, compared in constant time."""
    if not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode(errors="replace"))


__all__ = [
    "ConsoleSession",
    "NewConsoleSession",
    "SessionLimits",
    "csrf_token_of",
    "hash_session",
    "new_session_secret",
    "same_token",
]
