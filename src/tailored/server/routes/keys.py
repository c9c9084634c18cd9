"""/v1/admin/keys: API keys, created, listed, rotated and revoked (admin).

A key changed here stops (or starts) working in this worker at once and in every other
worker within 1 s (`engine.keys` caches keys for 1 s per process).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from tailored.server.auth import Admin, EngineDep
from tailored.server.input_checks import api_router
from tailored.server.schemas.keys import KeyBody, KeyOut, NewKeyOut, RotateBody

router = api_router(prefix="/v1/admin/keys", tags=["keys"])

KeyId = Annotated[
    str,
    Path(pattern="^[0-9a-f]{8}$", description="The key's id: the 8 hex digits after tk_."),
]


@router.get("", response_model=list[KeyOut], summary="Every key (never a secret), oldest first")
def list_keys(engine: EngineDep, _key: Admin) -> list[KeyOut]:
    now = engine.keys.clock()
    return [KeyOut.of(key, now) for key in engine.keys.list()]


@router.post(
    "",
    response_model=NewKeyOut,
    status_code=201,
    summary="Create a key: its secret is in this answer only",
)
def create_key(body: KeyBody, engine: EngineDep, _key: Admin) -> NewKeyOut:
    new = engine.keys.create(
        body.name,
        scopes=body.scopes,
        expires_at=body.expires_at,
        rate_limit=body.rate_limit.value() if body.rate_limit else None,
    )
    return NewKeyOut.of(new, engine.keys.clock())


@router.get("/{key_id}", response_model=KeyOut, summary="A key (never its secret)")
def get_key(key_id: KeyId, engine: EngineDep, _key: Admin) -> KeyOut:
    return KeyOut.of(engine.keys.get(key_id), engine.keys.clock())


@router.post(
    "/{key_id}/rotate",
    response_model=NewKeyOut,
    summary="A new secret for the key; the old one works for `overlap_seconds` more",
    description="The key keeps its id, name, scopes, expiry and rate limit. A secret from "
    "an earlier rotation still in its overlap stops at once.",
    responses={409: {"description": "The key is revoked or has expired"}},
)
def rotate_key(key_id: KeyId, body: RotateBody, engine: EngineDep, _key: Admin) -> NewKeyOut:
    new = engine.keys.rotate(key_id, overlap_seconds=body.overlap_seconds)
    return NewKeyOut.of(new, engine.keys.clock())


@router.post(
    "/{key_id}/revoke",
    response_model=KeyOut,
    summary="Revoke a key: every secret of it stops working (again: no change)",
)
def revoke_key(key_id: KeyId, engine: EngineDep, _key: Admin) -> KeyOut:
    return KeyOut.of(engine.keys.revoke(key_id), engine.keys.clock())


__all__ = ["router"]
