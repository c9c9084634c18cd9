"""Favorites and named lists of a user, and shared lists read by link."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from tailored.server.auth import EngineDep, Ingest, Serve
from tailored.server.input_checks import api_router
from tailored.server.params import ItemId, RecordId, UserId
from tailored.server.schemas.lists import (
    EntryBody,
    ListBody,
    ListOut,
    ListPatch,
    ListSummaryOut,
    SavedEntryOut,
    SharedListOut,
    ShareOut,
)

router = api_router(tags=["lists"])
USER = "/v1/users/{user_id}"
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such list for this user (another user's list included)"}
}
_FULL: dict[int | str, dict[str, Any]] = {
    409: {"description": "the list holds the most items a list can"}
}
_NAME_TAKEN: dict[int | str, dict[str, Any]] = {
    409: {"description": "the user has a list by that name already, or the most lists"}
}


@router.put(
    USER + "/favorites/{item_id}",
    response_model=SavedEntryOut,
    responses={201: {"description": "saved now"}, 200: {"description": "saved already"}, **_FULL},
    summary="Save an item to the user's favorites",
    description="Idempotent: saving again keeps one entry (a note or position given "
    "updates it). A new save also records a `like` event, so it shapes recommendations.",
)
def save_favorite(
    user_id: UserId,
    item_id: ItemId,
    response: Response,
    engine: EngineDep,
    _key: Ingest,
    body: EntryBody | None = None,
) -> SavedEntryOut:
    body = body or EntryBody()
    saved = engine.lists.save(user_id, item_id, note=body.note, position=body.position)
    response.status_code = 201 if saved.added else 200
    return SavedEntryOut.of_saved(saved)


@router.delete(
    USER + "/favorites/{item_id}",
    status_code=204,
    response_class=Response,
    summary="Unsave an item from favorites (idempotent)",
)
def unsave_favorite(user_id: UserId, item_id: ItemId, engine: EngineDep, _key: Ingest) -> Response:
    engine.lists.unsave(user_id, item_id)
    return Response(status_code=204)


@router.get(
    USER + "/favorites",
    response_model=ListOut,
    summary="The user's favorites with each item's current title, availability and price",
)
def get_favorites(user_id: UserId, engine: EngineDep, _key: Serve) -> ListOut:
    return ListOut.of_list(engine.lists.favorites(user_id))


@router.post(USER + "/lists", response_model=ListSummaryOut, status_code=201, responses=_NAME_TAKEN)
def create_list(user_id: UserId, body: ListBody, engine: EngineDep, _key: Ingest) -> ListSummaryOut:
    """Make a named list (a wishlist); names are unique per user (409 otherwise)."""
    return ListSummaryOut.of(engine.lists.create(user_id, body.name, description=body.description))


@router.get(
    USER + "/lists",
    response_model=list[ListSummaryOut],
    summary="The user's lists, favorites first, with their sizes",
)
def list_lists(user_id: UserId, engine: EngineDep, _key: Serve) -> list[ListSummaryOut]:
    return [ListSummaryOut.of(info) for info in engine.lists.list(user_id)]


@router.get(USER + "/lists/{list_id}", response_model=ListOut, responses=_NOT_FOUND)
def get_list(user_id: UserId, list_id: RecordId, engine: EngineDep, _key: Serve) -> ListOut:
    """The list and its items in order, each with the catalog's current view of it
    (`in_catalog` is false once the item was deleted)."""
    return ListOut.of_list(engine.lists.get(user_id, list_id))


@router.patch(
    USER + "/lists/{list_id}", response_model=ListSummaryOut, responses=_NOT_FOUND | _NAME_TAKEN
)
def update_list(
    user_id: UserId, list_id: RecordId, body: ListPatch, engine: EngineDep, _key: Ingest
) -> ListSummaryOut:
    """Rename a list or change its description."""
    info = engine.lists.update(user_id, list_id, name=body.name, description=body.description)
    return ListSummaryOut.of(info)


@router.delete(
    USER + "/lists/{list_id}", status_code=204, response_class=Response, responses=_NOT_FOUND
)
def delete_list(user_id: UserId, list_id: RecordId, engine: EngineDep, _key: Ingest) -> Response:
    """Delete a list and its entries (its share link stops working)."""
    engine.lists.delete(user_id, list_id)
    return Response(status_code=204)


@router.put(
    USER + "/lists/{list_id}/items/{item_id}",
    response_model=SavedEntryOut,
    responses={201: {"description": "saved now"}, **_NOT_FOUND, **_FULL},
    summary="Save an item to a list, or change its note or position",
)
def save_to_list(
    user_id: UserId,
    list_id: RecordId,
    item_id: ItemId,
    response: Response,
    engine: EngineDep,
    _key: Ingest,
    body: EntryBody | None = None,
) -> SavedEntryOut:
    body = body or EntryBody()
    saved = engine.lists.save(
        user_id, item_id, list_id=list_id, note=body.note, position=body.position
    )
    response.status_code = 201 if saved.added else 200
    return SavedEntryOut.of_saved(saved)


@router.delete(
    USER + "/lists/{list_id}/items/{item_id}",
    status_code=204,
    response_class=Response,
    responses=_NOT_FOUND,
    summary="Take an item off a list (idempotent)",
)
def unsave_from_list(
    user_id: UserId, list_id: RecordId, item_id: ItemId, engine: EngineDep, _key: Ingest
) -> Response:
    engine.lists.unsave(user_id, item_id, list_id=list_id)
    return Response(status_code=204)


@router.post(
    USER + "/lists/{list_id}/share",
    response_model=ShareOut,
    responses=_NOT_FOUND,
    summary="Share a list by link: an unguessable token and its public read-only path",
)
def share_list(user_id: UserId, list_id: RecordId, engine: EngineDep, _key: Ingest) -> ShareOut:
    return ShareOut.of(engine.lists.share(user_id, list_id))


@router.delete(
    USER + "/lists/{list_id}/share",
    status_code=204,
    response_class=Response,
    responses=_NOT_FOUND,
    summary="Revoke the share link (sharing again makes a new one)",
)
def unshare_list(user_id: UserId, list_id: RecordId, engine: EngineDep, _key: Ingest) -> Response:
    engine.lists.unshare(user_id, list_id)
    return Response(status_code=204)


@router.get(
    "/v1/shared-lists/{token}",
    response_model=SharedListOut,
    summary="A shared list, read by its token (a storefront's `serve` key; no owner needed)",
)
def read_shared_list(token: str, engine: EngineDep, _key: Serve) -> SharedListOut:
    return SharedListOut.of(engine.lists.shared(token))


__all__ = ["router"]
