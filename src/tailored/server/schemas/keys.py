"""Request and response schemas of the API-key endpoints (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from tailored.domain.keys import ApiKey, NewApiKey, RateLimit
from tailored.engine.keys import MAX_OVERLAP_SECONDS
from tailored.server.schemas.common import OutBase
from tailored.types import Scope


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RateLimitBody(_In):
    """At most `requests` per `per` on average, bursts of up to `burst` at once; kept per
    server worker process (N workers admit up to N times the limit)."""

    requests: int = Field(ge=1, le=1_000_000, description="requests per period, e.g. 600")
    per: Literal["second", "minute"] = Field(description="the period: second or minute")
    burst: int = Field(ge=1, le=1_000_000, description="requests allowed at once, e.g. 20")

    def value(self) -> RateLimit:
        return RateLimit(self.requests, self.per, self.burst)


class KeyBody(_In):
    name: str = Field(min_length=1, max_length=256, description="what the key is for")
    scopes: list[Scope] = Field(min_length=1, max_length=3, description="admin, ingest, serve")
    expires_at: AwareDatetime | None = Field(
        None, description="when the key stops working on its own (with a time zone)"
    )
    rate_limit: RateLimitBody | None = Field(None, description="no limit when absent")


class RotateBody(_In):
    overlap_seconds: int = Field(
        0,
        ge=0,
        le=MAX_OVERLAP_SECONDS,
        description="how long the secret before the rotation keeps working (0: it stops now)",
    )


class RateLimitOut(OutBase):
    requests: int
    per: Literal["second", "minute"]
    burst: int


class KeyOut(OutBase):
    """A key as stored: never its secret."""

    id: str
    name: str
    scopes: list[Scope]
    state: Literal["active", "revoked", "expired"]
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None
    rate_limit: RateLimitOut | None
    rotated_at: datetime | None
    previous_secret_until: datetime | None = Field(
        description="after a rotation with an overlap: when the previous secret stops working"
    )

    @classmethod
    def of(cls, key: ApiKey, now: datetime) -> KeyOut:
        limit = key.rate_limit
        return cls(
            id=key.id,
            name=key.name,
            scopes=list(key.scopes),
            state=key.state(now),
            created_at=key.created_at,
            revoked_at=key.revoked_at,
            expires_at=key.expires_at,
            rate_limit=RateLimitOut(requests=limit.requests, per=limit.per, burst=limit.burst)
            if limit
            else None,
            rotated_at=key.rotated_at,
            previous_secret_until=key.previous_secret_until,
        )


class NewKeyOut(OutBase):
    """A created or rotated key and its secret: the only time the secret is shown."""

    key: KeyOut
    secret: str = Field(description="tk_<id>_...: send as 'Authorization: Bearer <secret>'")

    @classmethod
    def of(cls, new: NewApiKey, now: datetime) -> NewKeyOut:
        return cls(key=KeyOut.of(new.key, now), secret=new.secret)


__all__ = ["KeyBody", "KeyOut", "NewKeyOut", "RateLimitBody", "RotateBody"]
