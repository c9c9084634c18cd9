"""API keys: create (shown once), list, revoke, authenticate."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime

from tailored.domain.keys import ApiKey, NewApiKey, generate_key, hash_key, key_id_of
from tailored.engine.audit import Audit
from tailored.errors import AuthenticationError, InvalidInput, NotFound, PermissionDenied
from tailored.storage import console_sessions
from tailored.storage import keys as store
from tailored.storage.database import Database
from tailored.types import SCOPES, Scope


class Keys:
    """`engine.keys`.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> new = engine.keys.create("storefront", scopes=["serve"])
    >>> engine.keys.authenticate(new.secret).allows("serve")
    True
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        *,
        now: Callable[[], datetime],
        cache_seconds: float = 5.0,
        audit: Audit | None = None,
    ) -> None:
        self._db = db
        self._now = now
        self._audit = audit or Audit(db, now=now)
        # Every API request authenticates: keys seen recently are answered from memory.
        # A key revoked by another process stops working within `cache_seconds`.
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[ApiKey, float]] = {}

    def create(self, name: str, *, scopes: Sequence[str]) -> NewApiKey:
        if not name.strip() or len(name) > 256:
            raise InvalidInput("name", "must be 1-256 characters, e.g. 'storefront'")
        if not scopes:
            raise InvalidInput("scopes", f"give at least one of {', '.join(SCOPES)}")
        for scope in scopes:
            if scope not in SCOPES:
                raise InvalidInput("scopes", f"unknown scope {scope!r}; use {', '.join(SCOPES)}")
        secret = generate_key()
        key_id = key_id_of(secret)
        assert key_id is not None
        key = ApiKey(
            key_id,
            name.strip(),
            tuple(dict.fromkeys(scopes)),  # type: ignore[arg-type]
            self._now(),
        )
        with self._db.writing() as conn:
            store.insert_key(conn, key, hash_key(secret))
            detail = {"name": key.name, "scopes": list(key.scopes)}
            self._audit.record("api_key.create", target=key.id, detail=detail, conn=conn)
        return NewApiKey(key, secret)

    def list(self) -> list[ApiKey]:
        with self._db.reading() as conn:
            return store.list_keys(conn)

    def revoke(self, key_id: str) -> None:
        """The key stops working, and the console sessions it logged in end."""
        with self._db.writing() as conn:
            if not store.key_exists(conn, key_id):
                raise NotFound("api key", key_id)
            store.revoke_key(conn, key_id, now=self._now())
            console_sessions.delete_key_sessions(conn, key_id)
            self._audit.record("api_key.revoke", target=key_id, conn=conn)
        self._cache.clear()

    def authenticate(self, secret: str) -> ApiKey:
        """The stored key for `secret`; raises `AuthenticationError` if unknown or revoked."""
        cached = self.cached(secret)
        if cached is not None:
            return cached
        if key_id_of(secret) is None:
            raise AuthenticationError("malformed API key; keys look like tk_xxxxxxxx_...")
        digest = hash_key(secret)
        with self._db.reading() as conn:
            key = store.find_by_hash(conn, digest)
        if key is None or not key.active:
            raise AuthenticationError("unknown or revoked API key")
        if len(self._cache) > 10_000:  # bounded: only valid keys get in, but be safe
            self._cache.clear()
        self._cache[digest] = (key, time.monotonic() + self._cache_seconds)
        return key

    def cached(self, secret: str) -> ApiKey | None:
        """The key for `secret` if it was authenticated within the last few seconds (no I/O)."""
        entry = self._cache.get(hash_key(secret))
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def authorize(self, secret: str, scope: Scope) -> ApiKey:
        """The key for `secret` if it has `scope` (admin has every scope)."""
        key = self.authenticate(secret)
        if not key.allows(scope):
            raise PermissionDenied(f"this API key lacks the {scope!r} scope")
        return key
