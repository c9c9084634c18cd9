"""/v1/users: profiles, consents, identity merge."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import Header, Query
from fastapi.responses import StreamingResponse

from tailored.server.auth import Admin, EngineDep, Ingest, Serve
from tailored.server.input_checks import api_router
from tailored.server.params import UserId
from tailored.server.schemas.users import (
    ConsentOut,
    ConsentsBody,
    ErasureOut,
    ExportOut,
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


@router.get(
    "/{user_id}/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Everything stored about the person, written as it is read: "
            "JSON, or (format=zip, or Accept: application/zip) a zip of one CSV file per "
            "kind of data with a README.txt describing each file and its columns",
            "content": {
                "application/json": {"schema": ExportOut.model_json_schema()},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        404: {"description": "Nothing is stored about this user id"},
        409: {
            "description": "The id was merged into another person (error code 'merged'; "
            "the message names them): export that person, whose data it is now"
        },
    },
    summary="Export everything stored about a person (GDPR Art. 15 and 20)",
)
def export_user(
    user_id: UserId,
    engine: EngineDep,
    _key: Admin,
    format: Annotated[
        Literal["json", "zip"] | None,
        Query(description="json or zip (default: zip if Accept asks for application/zip)"),
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> StreamingResponse:
    chosen = format or ("zip" if accept and "application/zip" in accept else "json")
    export = engine.privacy.export(user_id, format=chosen)  # errors before the first byte
    return StreamingResponse(
        export.pieces,
        media_type=export.media_type,
        headers={"Content-Disposition": attachment(export.filename)},
    )


def attachment(filename: str) -> str:
    """A Content-Disposition naming `filename`, which may hold any character of an id:
    headers are Latin-1, so an ASCII stand-in and the UTF-8 name (RFC 6266, 8187).

    >>> print(attachment("export-é.json"))
    attachment; filename="export-_.json"; filename*=UTF-8''export-%C3%A9.json
    """
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


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
