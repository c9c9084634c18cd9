"""API keys over their life: expiry, rotation with an overlap, rate limits, and how soon
another worker process sees a revocation (on each backend)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from tailored import Engine
from tailored.domain.keys import RateLimit
from tailored.engine.keys import Keys
from tailored.errors import AuthenticationError, Conflict, InvalidInput, NotFound, RateLimited


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def keys(engine: Engine, clock: Clock) -> Keys:
    return Keys(engine.db, now=clock)


def test_during_the_overlap_both_secrets_work_then_only_the_new_one(
    keys: Keys, clock: Clock
) -> None:
    old = keys.create("storefront", scopes=["serve"])
    new = keys.rotate(old.key.id, overlap_seconds=3600)
    assert new.secret != old.secret
    assert (new.key.id, new.key.name, new.key.scopes) == (old.key.id, "storefront", ("serve",))
    assert new.key.previous_secret_until == clock.now + timedelta(hours=1)
    assert keys.authenticate(old.secret).id == keys.authenticate(new.secret).id == old.key.id
    clock.advance(3600)
    with pytest.raises(AuthenticationError, match="replaced by a rotation"):
        keys.authenticate(old.secret)  # refused although it was cached a moment ago
    assert keys.authenticate(new.secret).id == old.key.id


def test_without_an_overlap_the_old_secret_stops_at_once(keys: Keys) -> None:
    old = keys.create("backend", scopes=["admin"])
    keys.authenticate(old.secret)  # cached
    new = keys.rotate(old.key.id)
    with pytest.raises(AuthenticationError):
        keys.authenticate(old.secret)
    assert keys.authenticate(new.secret).allows("ingest")
    assert keys.get(old.key.id).previous_secret_until is None


def test_a_second_rotation_ends_the_first_overlap(keys: Keys) -> None:
    first = keys.create("backend", scopes=["ingest"])
    second = keys.rotate(first.key.id, overlap_seconds=600)
    third = keys.rotate(first.key.id, overlap_seconds=600)
    with pytest.raises(AuthenticationError):
        keys.authenticate(first.secret)
    assert keys.authenticate(second.secret).id == keys.authenticate(third.secret).id


def test_rotating_what_cannot_be_rotated(keys: Keys, clock: Clock) -> None:
    with pytest.raises(NotFound, match="api key '0badc0de' not found"):
        keys.rotate("0badc0de")
    revoked = keys.create("old", scopes=["serve"])
    keys.revoke(revoked.key.id)
    with pytest.raises(Conflict, match="revoked"):
        keys.rotate(revoked.key.id)
    expiring = keys.create("temp", scopes=["serve"], expires_at=clock.now + timedelta(days=1))
    clock.advance(86400)
    with pytest.raises(Conflict, match="expired"):
        keys.rotate(expiring.key.id)
    live = keys.create("live", scopes=["serve"])
    for overlap in (-1, 31 * 86400):
        with pytest.raises(InvalidInput) as error:
            keys.rotate(live.key.id, overlap_seconds=overlap)
        assert error.value.field == "overlap_seconds"
    assert keys.authenticate(live.secret).id == live.key.id  # nothing changed


def test_a_revoked_key_loses_every_secret(keys: Keys) -> None:
    old = keys.create("backend", scopes=["ingest"])
    new = keys.rotate(old.key.id, overlap_seconds=3600)
    assert not keys.revoke(old.key.id).active
    for secret in (old.secret, new.secret):
        with pytest.raises(AuthenticationError):
            keys.authenticate(secret)


def test_an_expired_key_is_refused_saying_so(keys: Keys, clock: Clock) -> None:
    expires_at = clock.now + timedelta(days=30)
    new = keys.create("partner", scopes=["serve"], expires_at=expires_at)
    assert keys.authenticate(new.secret).expires_at == expires_at
    assert keys.list()[0].state(clock.now) == "active"
    clock.advance(30 * 86400)
    with pytest.raises(AuthenticationError, match=r"expired at 2026-07-01T12:00:00Z"):
        keys.authenticate(new.secret)  # the cached entry does not outlive the expiry
    assert keys.list()[0].state(clock.now) == "expired"


@pytest.mark.parametrize(
    ("expires_at", "problem"),
    [
        (datetime(2026, 6, 1, 11, 0, tzinfo=UTC), "must be in the future"),
        (datetime(2027, 1, 1), "needs a time zone"),
    ],
)
def test_an_expiry_must_be_a_future_moment(keys: Keys, expires_at: datetime, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem) as error:
        keys.create("partner", scopes=["serve"], expires_at=expires_at)
    assert error.value.field == "expires_at"


@pytest.mark.parametrize(
    ("limit", "field"),
    [
        (RateLimit(0, "second", 1), "rate_limit.requests"),
        (RateLimit(5, "hour", 1), "rate_limit.per"),  # type: ignore[arg-type]
        (RateLimit(5, "second", 0), "rate_limit.burst"),
    ],
)
def test_a_rate_limit_is_checked(keys: Keys, limit: RateLimit, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        keys.create("partner", scopes=["serve"], rate_limit=limit)
    assert error.value.field == field


def test_a_rate_limited_key_is_admitted_up_to_its_burst(keys: Keys) -> None:
    limited = keys.create("partner", scopes=["serve"], rate_limit=RateLimit(60, "minute", 2))
    key = keys.authenticate(limited.secret)
    assert key.rate_limit == RateLimit(60, "minute", 2)
    keys.admit(key)
    keys.admit(key)
    with pytest.raises(RateLimited, match="over its rate limit of 60/minute burst 2") as error:
        keys.admit(key)
    assert 0 < error.value.retry_after <= 1.0
    free = keys.authenticate(keys.create("free", scopes=["serve"]).secret)
    for _ in range(1000):
        keys.admit(free)  # no limit, never refused


def test_another_worker_sees_a_revocation_within_a_second(engine: Engine) -> None:
    """Two `Keys` on one database are two server processes: the one that did not revoke
    answers from its cache for at most 1 s."""
    worker_a = Keys(engine.db, now=lambda: datetime.now(UTC))
    worker_b = Keys(engine.db, now=lambda: datetime.now(UTC))
    new = worker_a.create("storefront", scopes=["serve"])
    assert worker_b.authenticate(new.secret).id == new.key.id  # now cached in B
    worker_a.revoke(new.key.id)
    with pytest.raises(AuthenticationError):
        worker_a.authenticate(new.secret)  # at once where it was revoked
    time.sleep(1.0)
    with pytest.raises(AuthenticationError):
        worker_b.authenticate(new.secret)
