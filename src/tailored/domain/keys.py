"""API keys: random secrets shown once, stored only as a SHA-256 digest.

A key looks like ``tk_<8 hex id>_<43 url-safe chars>``; the id lets an admin tell keys
apart in listings without ever seeing the secret again. Rotation gives a key a new secret
under the same id (`generate_key(key_id=...)`); the previous secret may keep working for
an overlap window so that clients can be moved over without downtime.

>>> plain = generate_key()
>>> plain.startswith("tk_") and key_id_of(plain) == plain.split("_")[1]
True
>>> key_id_of(generate_key(key_id="0badc0de"))
'0badc0de'
>>> hash_key(plain) == hash_key(plain)
True
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tailored.types import Scope

Per = Literal["second", "minute"]
PERIODS: dict[Per, float] = {"second": 1.0, "minute": 60.0}


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `requests` per `per` on average, with bursts of up to `burst` at once.

    >>> RateLimit(600, "minute", burst=20).per_second
    10.0
    """

    requests: int
    per: Per
    burst: int

    @property
    def per_second(self) -> float:
        return self.requests / PERIODS[self.per]

    def __str__(self) -> str:
        return f"{self.requests}/{self.per} burst {self.burst}"


@dataclass(frozen=True, slots=True)
class ApiKey:
    """What is stored about a key (never the key itself).

    `previous_secret_until`: after a rotation with an overlap, when the secret before
    the rotation stops working (None: only the current secret works).
    """

    id: str
    name: str
    scopes: tuple[Scope, ...]
    created_at: datetime
    revoked_at: datetime | None = None
    expires_at: datetime | None = None
    rate_limit: RateLimit | None = None
    rotated_at: datetime | None = None
    previous_secret_until: datetime | None = None

    @property
    def active(self) -> bool:
        """Not revoked (an expired key is still `active`: see `expired`)."""
        return self.revoked_at is None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def state(self, now: datetime) -> Literal["active", "revoked", "expired"]:
        if not self.active:
            return "revoked"
        return "expired" if self.expired(now) else "active"

    def allows(self, scope: Scope) -> bool:
        """`admin` can do everything; other scopes only their own operations."""
        return self.active and ("admin" in self.scopes or scope in self.scopes)


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A freshly created (or rotated) key: `secret` is the only time the plain key is
    available."""

    key: ApiKey
    secret: str


def generate_key(*, key_id: str | None = None) -> str:
    return f"tk_{key_id or secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"


def key_id_of(plain: str) -> str | None:
    parts = plain.split("_", 2)
    if len(parts) != 3 or parts[0] != "tk" or len(parts[1]) != 8:
        return None
    return parts[1]


def hash_key(plain: str) -> str:
    # The secret has 256 bits of entropy, so a fast hash is enough (no password stretching).
    return hashlib.sha256(plain.encode()).hexdigest()


__all__ = [
    "PERIODS",
    "ApiKey",
    "NewApiKey",
    "Per",
    "RateLimit",
    "generate_key",
    "hash_key",
    "key_id_of",
]
