"""API keys: create (shown once), list, rotate, revoke, authenticate, rate-limit.

Every request authenticates, so keys seen recently are answered from memory for
`cache_seconds` (1 s): a key revoked, rotated or expired in another worker process stops
working there within that bound; in the process that changed it, at once. Rate limits are
token buckets kept per worker process: with N workers a key gets up to N times its limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tailored.domain.keys import (
    PERIODS,
    ApiKey,
    NewApiKey,
    RateLimit,
    generate_key,
    hash_key,
    key_id_of,
)
from tailored.domain.rate_limits import TokenBucket
from tailored.engine.audit import Audit
from tailored.errors import (
    AuthenticationError,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from tailored.storage import console_sessions
from tailored.storage import keys as store
from tailored.storage.database import Database
from tailored.types import SCOPES, Scope

MAX_OVERLAP_SECONDS = 30 * 24 * 3600  # a month: enough to roll any fleet of clients over
_MAX_RATE = 1_000_000


@dataclass(frozen=True, slots=True)
class _Seen:
    key: ApiKey
    until: float  # monotonic: when to ask the database again
    secret_until: datetime | None  # a previous secret's end of overlap


class Keys:
    """`engine.keys`.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> new = engine.keys.create("storefront", scopes=["serve"])
    >>> engine.keys.authenticate(new.secret).allows("serve")
    True
    >>> rotated = engine.keys.rotate(new.key.id, overlap_seconds=3600)
    >>> rotated.key.id == new.key.id, engine.keys.authenticate(new.secret).id == new.key.id
    (True, True)
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        *,
        now: Callable[[], datetime],
        cache_seconds: float = 1.0,
        audit: Audit | None = None,
    ) -> None:
        self._db = db
        self._now = now
        self._audit = audit or Audit(db, now=now)
        self._cache_seconds = cache_seconds
        self._cache: dict[str, _Seen] = {}
        self._buckets: dict[str, tuple[RateLimit, TokenBucket]] = {}
        self._lock = threading.Lock()

    def create(
        self,
        name: str,
        *,
        scopes: Sequence[str],
        expires_at: datetime | None = None,
        rate_limit: RateLimit | None = None,
    ) -> NewApiKey:
        """A new key; `expires_at` (in the future) ends it on its own, `rate_limit` caps
        its requests."""
        if not name.strip() or len(name) > 256:
            raise InvalidInput("name", "must be 1-256 characters, e.g. 'storefront'")
        if not scopes:
            raise InvalidInput("scopes", f"give at least one of {', '.join(SCOPES)}")
        for scope in scopes:
            if scope not in SCOPES:
                raise InvalidInput("scopes", f"unknown scope {scope!r}; use {', '.join(SCOPES)}")
        now = self._now()
        if expires_at is not None:
            if expires_at.tzinfo is None:
                raise InvalidInput("expires_at", "needs a time zone, e.g. 2027-01-31T00:00:00Z")
            if expires_at <= now:
                raise InvalidInput(
                    "expires_at", f"must be in the future (now is {now:%Y-%m-%dT%H:%M:%SZ})"
                )
        if rate_limit is not None:
            _check_rate_limit(rate_limit)
        secret = generate_key()
        key_id = key_id_of(secret)
        assert key_id is not None
        key = ApiKey(
            key_id,
            name.strip(),
            tuple(dict.fromkeys(scopes)),  # type: ignore[arg-type]
            now,
            expires_at=expires_at,
            rate_limit=rate_limit,
        )
        with self._db.writing() as conn:
            store.insert_key(conn, key, hash_key(secret))
            detail = {"name": key.name, "scopes": list(key.scopes)}
            self._audit.record("api_key.create", target=key.id, detail=detail, conn=conn)
        return NewApiKey(key, secret)

    def clock(self) -> datetime:
        """Now, as keys see it (what decides `ApiKey.state`)."""
        return self._now()

    def list(self) -> list[ApiKey]:
        with self._db.reading() as conn:
            return store.list_keys(conn)

    def get(self, key_id: str) -> ApiKey:
        with self._db.reading() as conn:
            key = store.get_key(conn, key_id)
        if key is None:
            raise NotFound("api key", key_id)
        return key

    def rotate(self, key_id: str, *, overlap_seconds: float = 0) -> NewApiKey:
        """A new secret for the same key (id, name, scopes, expiry, rate limit); the old
        one keeps working for `overlap_seconds` (0: it stops at once)."""
        if not 0 <= overlap_seconds <= MAX_OVERLAP_SECONDS:
            raise InvalidInput(
                "overlap_seconds", f"must be between 0 and {MAX_OVERLAP_SECONDS} (30 days)"
            )
        secret = generate_key(key_id=key_id)
        now = self._now()
        until = now + timedelta(seconds=overlap_seconds) if overlap_seconds > 0 else None
        with self._db.writing() as conn:
            key = store.get_key(conn, key_id)
            if key is None:
                raise NotFound("api key", key_id)
            if not key.active:
                raise Conflict(f"api key {key_id!r} is revoked: create a new key instead")
            if key.expired(now):
                raise Conflict(f"api key {key_id!r} has expired: create a new key instead")
            store.rotate_key(conn, key_id, hash_key(secret), now=now, previous_until=until)
            self._audit.record(
                "api_key.rotate",
                target=key_id,
                detail={"overlap_seconds": overlap_seconds},
                conn=conn,
            )
            rotated = store.get_key(conn, key_id)
        assert rotated is not None
        self._cache.clear()
        return NewApiKey(rotated, secret)

    def revoke(self, key_id: str) -> ApiKey:
        """The key stops working (every secret of it), and the console sessions it
        logged in end."""
        with self._db.writing() as conn:
            if not store.key_exists(conn, key_id):
                raise NotFound("api key", key_id)
            store.revoke_key(conn, key_id, now=self._now())
            console_sessions.delete_key_sessions(conn, key_id)
            self._audit.record("api_key.revoke", target=key_id, conn=conn)
            key = store.get_key(conn, key_id)
        assert key is not None
        self._cache.clear()
        return key

    def authenticate(self, secret: str) -> ApiKey:
        """The stored key for `secret`; raises `AuthenticationError` if unknown, revoked,
        expired, or a secret replaced by a rotation whose overlap has ended."""
        cached = self.cached(secret)
        if cached is not None:
            return cached
        if key_id_of(secret) is None:
            raise AuthenticationError("malformed API key; keys look like tk_xxxxxxxx_...")
        digest = hash_key(secret)
        with self._db.reading() as conn:
            found = store.find_by_hash(conn, digest)
        if found is None:
            raise AuthenticationError("unknown or revoked API key")
        key, secret_until = found
        _check_usable(key, secret_until, self._now())
        if len(self._cache) > 10_000:  # bounded: only valid keys get in, but be safe
            self._cache.clear()
        self._cache[digest] = _Seen(key, time.monotonic() + self._cache_seconds, secret_until)
        return key

    def cached(self, secret: str) -> ApiKey | None:
        """The key for `secret` if it was authenticated within the last `cache_seconds`
        and is still usable (no I/O)."""
        seen = self._cache.get(hash_key(secret))
        if seen is None or seen.until < time.monotonic():
            return None
        now = self._now()
        if seen.key.expired(now) or (seen.secret_until is not None and seen.secret_until <= now):
            return None  # authenticate says why
        return seen.key

    def authorize(self, secret: str, scope: Scope) -> ApiKey:
        """The key for `secret` if it has `scope` (admin has every scope)."""
        key = self.authenticate(secret)
        if not key.allows(scope):
            raise PermissionDenied(f"this API key lacks the {scope!r} scope")
        return key

    def admit(self, key: ApiKey) -> None:
        """Count a request of `key` against its rate limit (in this process); raises
        `RateLimited` with the seconds to wait when it is over."""
        limit = key.rate_limit
        if limit is None:
            return
        now = time.monotonic()
        with self._lock:
            held = self._buckets.get(key.id)
            if held is None or held[0] != limit:  # new, or the limit changed
                held = (limit, TokenBucket(rate=limit.per_second, burst=limit.burst, now=now))
                self._buckets[key.id] = held
            wait = held[1].take(now)
        if wait > 0:
            raise RateLimited(
                f"API key {key.id} is over its rate limit of {limit}: retry in {wait:.2f} s",
                retry_after=wait,
            )


def _check_usable(key: ApiKey, secret_until: datetime | None, now: datetime) -> None:
    if not key.active:
        raise AuthenticationError("unknown or revoked API key")
    if key.expired(now):
        assert key.expires_at is not None
        raise AuthenticationError(
            f"API key {key.id} expired at {key.expires_at:%Y-%m-%dT%H:%M:%SZ}: "
            "ask an admin for a new key"
        )
    if secret_until is not None and secret_until <= now:
        raise AuthenticationError(
            f"this secret of API key {key.id} was replaced by a rotation and stopped "
            f"working at {secret_until:%Y-%m-%dT%H:%M:%SZ}: use the new secret"
        )


def _check_rate_limit(limit: RateLimit) -> None:
    if not 1 <= limit.requests <= _MAX_RATE:
        raise InvalidInput("rate_limit.requests", f"must be between 1 and {_MAX_RATE}")
    if limit.per not in PERIODS:
        raise InvalidInput("rate_limit.per", f"must be one of {', '.join(PERIODS)}")
    if not 1 <= limit.burst <= _MAX_RATE:
        raise InvalidInput("rate_limit.burst", f"must be between 1 and {_MAX_RATE}")


__all__ = ["MAX_OVERLAP_SECONDS", "Keys"]
