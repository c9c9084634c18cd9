"""/v1/users: profiles, consents, identity merge."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from tailored.server.auth import Admin, EngineDep, Ingest, Serve
from tailored.server.input_checks import api_router
from tailored.server.params import UserId
from tailored.server.schemas.users import (
    ConsentOut,
    ConsentsBody,
    ErasureOut,
    MergeBody,
    MergeOut,
    TraitsBody,
    UserOut,
    UserPage,
)

router = api_router(prefix="/v1/users", tags=["users"])


@router.put("/{user_id}", response_model=UserOut, summary="Create a user or replace its traits")
def put_user(user_id: UserId, body: TraitsBody, engine: EngineDep, _key: Ingest) -> UserOut:
    engine.users.upsert(user_id, body.traits)
    return UserOut.of(engine.users.get(user_id))


@router.patch(
    "/{user_id}",
    response_model=UserOut,
    summary="Change some traits (null removes one); creates the user if new",
)
def patch_user(user_id: UserId, body: TraitsBody, engine: EngineDep, _key: Ingest) -> UserOut:
    engine.users.upsert(user_id, body.traits, merge=True)
    return UserOut.of(engine.users.get(user_id))


@router.get(
    "/{user_id}",
    response_model=UserOut,
    summary="A profile with consents and a summary of recent activity",
)
def get_user(user_id: UserId, engine: EngineDep, _key: Serve) -> UserOut:
    return UserOut.of(engine.users.get(user_id))


@router.get("", response_model=UserPage, summary="List users in pages")
def list_users(
    engine: EngineDep,
    _key: Admin,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> UserPage:
    page = engine.users.list(cursor=cursor, limit=limit)
    return UserPage(users=[UserOut.of(u) for u in page.items], next_cursor=page.next_cursor)


@router.get("/{user_id}/consents", response_model=list[ConsentOut])
def get_consents(user_id: UserId, engine: EngineDep, _key: Serve) -> list[ConsentOut]:
    return [ConsentOut.of(c) for c in engine.consents.get(user_id)]


@router.put(
    "/{user_id}/consents",
    response_model=list[ConsentOut],
    summary="Grant or withdraw consent per purpose",
)
def put_consents(
    user_id: UserId, body: ConsentsBody, engine: EngineDep, _key: Ingest
) -> list[ConsentOut]:
    decisions = engine.consents.set(user_id, body.consents, source=body.source)
    return [ConsentOut.of(c) for c in decisions]


@router.post(
    "/{user_id}/merge",
    response_model=MergeOut,
    responses={
        409: {
            "description": "the visitor was merged into another user already, or this user "
            "into the visitor (the opposite merge happened first)"
        }
    },
    summary="Merge an anonymous visitor id into this user (again: the first merge's answer)",
)
def merge_user(user_id: UserId, body: MergeBody, engine: EngineDep, _key: Ingest) -> MergeOut:
    return MergeOut.of(engine.users.merge(user_id, body.anonymous_id))


@router.delete(
    "/{user_id}",
    response_model=ErasureOut,
    responses={
        404: {"description": "no such user, and the id was never erased"},
        409: {
            "description": "the id is an anonymous id merged into another user: erase that "
            "user (the message names them), which erases this id with it"
        },
    },
    summary="Erase a person (GDPR Art. 17): every row of theirs and of the ids merged into "
    "them, in one transaction; models that learned from them are refit",
)
def erase_user(
    user_id: UserId,
    engine: EngineDep,
    _key: Admin,
    allow_return: Annotated[
        bool,
        Query(
            description="do not put the id on the suppression list (take it off, if it "
            "was erased before): the person may register again"
        ),
    ] = False,
) -> ErasureOut:
    return ErasureOut.of(engine.users.erase(user_id, allow_return=allow_return))
