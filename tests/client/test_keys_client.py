"""`client.keys`: the same values and errors as `engine.keys`, over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from tests.client.conftest import BASE_URL

from tailored.client import Client
from tailored.domain.keys import RateLimit
from tailored.errors import AuthenticationError, Conflict, InvalidInput, NotFound, RateLimited


def test_create_rotate_revoke(client: Client, app_http: TestClient) -> None:
    expires_at = datetime(2099, 1, 31, tzinfo=UTC)
    new = client.keys.create(
        "partner", scopes=["serve"], expires_at=expires_at, rate_limit=RateLimit(5, "second", 5)
    )
    assert new.key.expires_at == expires_at and new.key.rate_limit == RateLimit(5, "second", 5)
    assert client.keys.get(new.key.id) == new.key
    assert new.key.id in [key.id for key in client.keys.list()]
    rotated = client.keys.rotate(new.key.id, overlap_seconds=60)
    assert rotated.key.previous_secret_until is not None
    for secret in (new.secret, rotated.secret):
        partner = Client(BASE_URL, api_key=secret, http=app_http)
        assert partner.items.list().items == ()
    assert client.keys.revoke(new.key.id).revoked_at is not None
    with pytest.raises(AuthenticationError):
        Client(BASE_URL, api_key=rotated.secret, http=app_http).items.list()


def test_errors_are_the_engines(client: Client) -> None:
    with pytest.raises(NotFound):
        client.keys.rotate("0badc0de")
    revoked = client.keys.create("old", scopes=["serve"])
    client.keys.revoke(revoked.key.id)
    with pytest.raises(Conflict, match="revoked"):
        client.keys.rotate(revoked.key.id)
    live = client.keys.create("live", scopes=["serve"])
    with pytest.raises(InvalidInput) as error:
        client.keys.rotate(live.key.id, overlap_seconds=-5)
    assert error.value.field == "body.overlap_seconds"


def test_a_rate_limited_key_raises_rate_limited_with_the_wait(
    client: Client, app_http: TestClient
) -> None:
    limited = client.keys.create("partner", scopes=["serve"], rate_limit=RateLimit(1, "minute", 1))
    partner = Client(BASE_URL, api_key=limited.secret, http=app_http)
    partner.items.list()
    with pytest.raises(RateLimited) as error:
        partner.items.list()
    assert 1 <= error.value.retry_after <= 60
