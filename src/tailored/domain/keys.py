"""API keys: random secrets shown once, stored only as a SHA-256 digest.

A key looks like ``tk_<8 hex id>_<43 url-safe chars>``; the id lets an admin tell keys
apart in listings without ever seeing the secret again.

>>> plain = generate_key()
>>> plain.startswith("tk_") and key_id_of(plain) == plain.split("_")[1]
True
>>> hash_key(plain) == hash_key(plain)
True
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from tailored.types import Scope


@dataclass(frozen=True, slots=True)
class ApiKey:
    """What is stored about a key (never the key itself)."""

    id: str
    name: str
    scopes: tuple[Scope, ...]
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: Scope) -> bool:
        """`admin` can do everything; other scopes only their own operations."""
        return self.active and ("admin" in self.scopes or scope in self.scopes)


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A freshly created key: `secret` is the only time the plain key is available."""

    key: ApiKey
    secret: str


def generate_key() -> str:
    return f"tk_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"


def key_id_of(plain: str) -> str | None:
    parts = plain.split("_", 2)
    if len(parts) != 3 or parts[0] != "tk" or len(parts[1]) != 8:
        return None
    return parts[1]


def hash_key(plain: str) -> str:
    # The secret has 256 bits of entropy, so a fast hash is enough (no password stretching).
    return hashlib.sha256(plain.encode()).hexdigest()


__all__ = ["ApiKey", "NewApiKey", "generate_key", "hash_key", "key_id_of"]
