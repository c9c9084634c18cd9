"""`engine.console_sessions` on every backend: only an active admin key starts one, a
session is found by its secret alone, and it ends at logout, when idle or old (the
default limits), or when its key is revoked or expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tailored import Engine
from tailored.domain.console_sessions import hash_session
from tailored.engine.console_sessions import TOUCH_EVERY
from tailored.errors import PermissionDenied


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clocked(engine: Engine) -> tuple[Engine, Clock]:
    clock = Clock()
    return Engine(engine.db, engine.settings, clock=clock), clock


def test_only_an_active_admin_key_starts_a_session(engine: Engine) -> None:
    serve = engine.keys.create("widget", scopes=["serve"]).key
    with pytest.raises(PermissionDenied, match="admin"):
        engine.console_sessions.start(serve)
    admin = engine.keys.create("me", scopes=["admin"])
    engine.keys.revoke(admin.key.id)
    revoked = engine.keys.list()[-1]
    with pytest.raises(PermissionDenied):
        engine.console_sessions.start(revoked)
    assert engine.console_sessions.count() == 0


def test_a_session_is_found_by_its_secret_and_ends_at_logout(engine: Engine) -> None:
    key = engine.keys.create("me", scopes=["admin"]).key
    new = engine.console_sessions.start(key)
    found = engine.console_sessions.find(new.secret)
    assert found is not None and found.key_id == key.id
    assert found.csrf_token == new.session.csrf_token != new.secret
    for wrong in ("", hash_session(new.secret), new.secret[:-1], "x" * 1000):
        assert engine.console_sessions.find(wrong) is None
    assert engine.console_sessions.end(new.secret) is True
    assert engine.console_sessions.find(new.secret) is None
    assert engine.console_sessions.end(new.secret) is False


def test_revoking_a_key_ends_only_its_sessions(engine: Engine) -> None:
    mine, other = (engine.keys.create(n, scopes=["admin"]).key for n in ("me", "you"))
    sessions = [engine.console_sessions.start(k) for k in (mine, mine, other)]
    engine.keys.revoke(mine.id)
    assert engine.console_sessions.count(mine.id) == 0
    assert [engine.console_sessions.find(s.secret) is not None for s in sessions] == [
        False,
        False,
        True,
    ]


def test_a_key_that_expires_ends_its_sessions(clocked: tuple[Engine, Clock]) -> None:
    engine, clock = clocked
    key = engine.keys.create("me", scopes=["admin"], expires_at=clock.now + timedelta(hours=1))
    new = engine.console_sessions.start(key.key)
    assert engine.console_sessions.find(new.secret) is not None
    clock.now += timedelta(hours=1)
    assert engine.console_sessions.find(new.secret) is None
    with pytest.raises(PermissionDenied):
        engine.console_sessions.start(key.key)


def test_use_keeps_a_session_alive_until_its_lifetime(clocked: tuple[Engine, Clock]) -> None:
    engine, clock = clocked
    assert engine.console_sessions.limits.idle == timedelta(hours=2)  # the defaults
    assert engine.console_sessions.limits.lifetime == timedelta(hours=12)
    new = engine.console_sessions.start(engine.keys.create("me", scopes=["admin"]).key)
    clock.now += TOUCH_EVERY / 2
    seen = engine.console_sessions.find(new.secret)
    assert seen is not None and seen.last_seen_at == new.session.created_at  # no write yet
    clock.now += timedelta(hours=1, minutes=50)
    assert engine.console_sessions.find(new.secret) is not None  # 1 h 50 min idle
    clock.now += timedelta(hours=1, minutes=50)
    assert engine.console_sessions.find(new.secret) is not None  # idle since the last use
    clock.now += timedelta(hours=2, seconds=1)
    assert engine.console_sessions.find(new.secret) is None
    assert engine.console_sessions.count() == 0  # a lapsed session is deleted when met


def test_starting_a_session_clears_the_lapsed_ones(clocked: tuple[Engine, Clock]) -> None:
    engine, clock = clocked
    key = engine.keys.create("me", scopes=["admin"]).key
    engine.console_sessions.start(key)
    clock.now += timedelta(hours=3)
    engine.console_sessions.start(key)
    assert engine.console_sessions.count(key.id) == 1
