"""API keys, as `engine.keys` offers them (an admin key): create, list, rotate, revoke.

Keys are the domain's own values (`ApiKey`, `NewApiKey`); a secret is in the answer of
`create` and `rotate` only.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from tailored.client import reading
from tailored.client.calls import Call, Route
from tailored.client.operations import Mode, Resource, operation
from tailored.domain.keys import ApiKey, NewApiKey, Per, RateLimit
from tailored.types import Scope

KEYS = "/v1/admin/keys"
KEY = KEYS + "/{key_id}"
LIST = Route("GET", KEYS, idempotent=True)
CREATE = Route("POST", KEYS, idempotent=False)  # twice makes two keys
GET = Route("GET", KEY, idempotent=True)
ROTATE = Route("POST", KEY + "/rotate", idempotent=False)  # twice makes two new secrets
REVOKE = Route("POST", KEY + "/revoke", idempotent=True)


def read_key(data: Any) -> ApiKey:
    limit = data["rate_limit"]
    return ApiKey(
        id=data["id"],
        name=data["name"],
        scopes=cast(tuple[Scope, ...], tuple(data["scopes"])),
        created_at=reading.moment(data["created_at"]),
        revoked_at=reading.maybe_moment(data["revoked_at"]),
        expires_at=reading.maybe_moment(data["expires_at"]),
        rate_limit=RateLimit(limit["requests"], cast(Per, limit["per"]), limit["burst"])
        if limit
        else None,
        rotated_at=reading.maybe_moment(data["rotated_at"]),
        previous_secret_until=reading.maybe_moment(data["previous_secret_until"]),
    )


def read_new_key(data: Any) -> NewApiKey:
    return NewApiKey(read_key(data["key"]), data["secret"])


class Keys(Resource[Mode]):
    """API keys: create one (its secret shown once), rotate its secret with an overlap,
    revoke it.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> shop = client.keys.create("storefront", scopes=["serve"])
    >>> rotated = client.keys.rotate(shop.key.id, overlap_seconds=3600)
    >>> rotated.key.id == shop.key.id, rotated.secret != shop.secret
    (True, True)
    >>> client.keys.revoke(shop.key.id).active
    False
    >>> engine.close()
    """

    @operation(LIST)
    def list(self) -> Call[builtins.list[ApiKey]]:
        """Every key, oldest first (never a secret)."""
        return LIST.call(lambda data: builtins.list(reading.rows(data, read_key)))

    @operation(CREATE)
    def create(
        self,
        name: str,
        *,
        scopes: Sequence[Scope],
        expires_at: datetime | None = None,
        rate_limit: RateLimit | None = None,
    ) -> Call[NewApiKey]:
        """A new key; `expires_at` (time-zone aware) ends it, `rate_limit` caps it."""
        body: dict[str, Any] = {"name": name, "scopes": builtins.list(scopes)}
        if expires_at is not None:
            body["expires_at"] = expires_at.isoformat()
        if rate_limit is not None:
            body["rate_limit"] = {
                "requests": rate_limit.requests,
                "per": rate_limit.per,
                "burst": rate_limit.burst,
            }
        return CREATE.call(read_new_key, body=body)

    @operation(GET)
    def get(self, key_id: str) -> Call[ApiKey]:
        return GET.call(read_key, path={"key_id": key_id})

    @operation(ROTATE)
    def rotate(self, key_id: str, *, overlap_seconds: int = 0) -> Call[NewApiKey]:
        """A new secret for the key; the old one keeps working `overlap_seconds`."""
        return ROTATE.call(
            read_new_key, path={"key_id": key_id}, body={"overlap_seconds": overlap_seconds}
        )

    @operation(REVOKE)
    def revoke(self, key_id: str) -> Call[ApiKey]:
        """Every secret of the key stops working."""
        return REVOKE.call(read_key, path={"key_id": key_id})


__all__ = ["Keys", "read_key", "read_new_key"]
