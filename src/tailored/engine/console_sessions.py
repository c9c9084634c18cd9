"""`engine.console_sessions`: log in to the console once with an admin API key, then
carry a session secret instead of the key (see `tailored.domain.console_sessions`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from tailored.domain.console_sessions import (
    ConsoleSession,
    NewConsoleSession,
    SessionLimits,
    csrf_token_of,
    hash_session,
    new_session_secret,
)
from tailored.domain.keys import ApiKey
from tailored.engine.audit import Audit
from tailored.errors import PermissionDenied
from tailored.storage import console_sessions as store
from tailored.storage.database import Database

# A session's last use is written at most this often (a page view is otherwise a read).
TOUCH_EVERY = timedelta(minutes=1)


class ConsoleSessions:
    """Begin, find and end console sessions.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("me", scopes=["admin"]).key
    >>> new = engine.console_sessions.start(key)
    >>> engine.console_sessions.find(new.secret).key_id == key.id
    True
    >>> engine.console_sessions.end(new.secret), engine.console_sessions.find(new.secret)
    (True, None)
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        *,
        now: Callable[[], datetime],
        limits: SessionLimits,
        audit: Audit | None = None,
    ) -> None:
        self._db = db
        self._now = now
        self.limits = limits
        self._audit = audit or Audit(db, now=now)

    def start(self, key: ApiKey) -> NewConsoleSession:
        """A new session for an active admin `key` (authenticated by the caller); lapsed
        sessions of every key are cleared on the way."""
        if not key.allows("admin") or key.expired(self._now()):
            raise PermissionDenied("the console needs an active key with the 'admin' scope")
        secret = new_session_secret()
        now = self._now()
        with self._db.writing() as conn:
            store.delete_lapsed_sessions(
                conn,
                idle_since=now - self.limits.idle,
                created_before=now - self.limits.lifetime,
            )
            store.insert_session(conn, hash_session(secret), key.id, now=now)
            self._audit.record("console.login", target=key.id, conn=conn)
        return NewConsoleSession(ConsoleSession(key.id, now, now, csrf_token_of(secret)), secret)

    def find(self, secret: str) -> ConsoleSession | None:
        """The live session of `secret`, or None: unknown, ended, lapsed, or its key was
        revoked, expired or lost the admin scope. Using a session keeps it from going idle."""
        if not secret or len(secret) > 128:
            return None
        digest = hash_session(secret)
        now = self._now()
        with self._db.reading() as conn:
            row = store.find_session(conn, digest)
        if row is None:
            return None
        session = ConsoleSession(
            row.key_id, row.created_at, row.last_seen_at, csrf_token_of(secret)
        )
        expired = row.key_expires_at is not None and row.key_expires_at <= now
        usable = not row.key_revoked and not expired and "admin" in row.key_scopes
        if not usable or session.lapsed(now, self.limits):
            with self._db.writing() as conn:
                store.delete_session(conn, digest)
            return None
        if now - session.last_seen_at >= TOUCH_EVERY:
            with self._db.writing() as conn:
                store.touch_session(conn, digest, now=now)
        return session

    def end(self, secret: str) -> bool:
        """Log out: the session is gone for good (False: there was none)."""
        if not secret or len(secret) > 128:
            return False
        digest = hash_session(secret)
        with self._db.writing() as conn:
            row = store.find_session(conn, digest)
            ended = store.delete_session(conn, digest)
            if ended and row is not None:
                self._audit.record("console.logout", target=row.key_id, conn=conn)
            return ended

    def count(self, key_id: str | None = None) -> int:
        """Sessions stored (of one key), live or not yet cleared."""
        with self._db.reading() as conn:
            return store.count_sessions(conn, key_id)


__all__ = ["TOUCH_EVERY", "ConsoleSessions"]
